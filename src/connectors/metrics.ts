// Prometheus metrics for the consumer (prom-client: the exposition format, escaping and
// histogram arithmetic are its job), served with /healthz. Each Metrics has its own
// registry, so several consumers in one process (tests) keep their counts apart.
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export class Metrics {
  readonly registry = new Registry();
  healthy = true;
  private tally = { predictions: 0, anomalies: 0, unscored: 0 };
  private readonly predictionsTotal = this.counter('iot_anomaly_predictions_total', 'Readings scored.');
  private readonly anomaliesTotal = this.counter('iot_anomaly_anomalies_total', 'Readings flagged anomalous.');
  private readonly unscoredTotal = this.counter('iot_anomaly_unscored_total', 'Readings with a missing feature, not scored.');
  private readonly retriesTotal = this.counter('iot_anomaly_write_retries_total', 'Documents retried after a transient Cosmos DB failure.');
  private readonly lag = new Gauge({
    name: 'iot_anomaly_end_to_end_lag_seconds',
    help: 'Enqueue to stored, latest batch.',
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'iot_anomaly_scoring_latency_seconds',
    help: 'Scoring time per batch.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private counter(name: string, help: string): Counter {
    return new Counter({ name, help, registers: [this.registry] });
  }

  get predictions(): number {
    return this.tally.predictions;
  }

  get anomalies(): number {
    return this.tally.anomalies;
  }

  /** One scored batch: readings scored, flagged, and left unscored (a missing feature). */
  countBatch(scored: number, anomalies: number, unscored: number): void {
    this.tally.predictions += scored;
    this.tally.anomalies += anomalies;
    this.tally.unscored += unscored;
    this.predictionsTotal.inc(scored);
    this.anomaliesTotal.inc(anomalies);
    this.unscoredTotal.inc(unscored);
  }

  countRetries(n: number): void {
    if (n > 0) this.retriesTotal.inc(n);
  }

  setLag(seconds: number): void {
    this.lag.set(seconds);
  }

  observeLatency(seconds: number): void {
    this.latency.observe(seconds);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  serve(port: number, host = '0.0.0.0'): Promise<Server> {
    const server = createServer((req, res) => {
      if (req.url === '/metrics') {
        this.render().then(
          (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
          () => res.writeHead(500).end(),
        );
      } else if (req.url === '/healthz') {
        res.writeHead(this.healthy ? 200 : 503, { 'content-type': 'text/plain' }).end(this.healthy ? 'ok\n' : 'unhealthy\n');
      } else {
        res.writeHead(404).end();
      }
    });
    return new Promise((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => ok(server));
    });
  }
}
