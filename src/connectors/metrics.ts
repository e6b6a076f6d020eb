// Prometheus text exposition for the consumer, with /healthz. No client library: a
// handful of counters and one histogram.
import { createServer, type Server } from 'node:http';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export class Metrics {
  predictions = 0;
  anomalies = 0;
  unscored = 0;
  writeRetries = 0;
  lagSeconds = 0;
  healthy = true;
  private readonly buckets = new Array<number>(LATENCY_BUCKETS.length + 1).fill(0);
  private latencySum = 0;
  private latencyCount = 0;

  observeLatency(seconds: number): void {
    const i = LATENCY_BUCKETS.findIndex((b) => seconds <= b);
    this.buckets[i < 0 ? LATENCY_BUCKETS.length : i]++;
    this.latencySum += seconds;
    this.latencyCount++;
  }

  render(): string {
    const lines = [
      '# HELP iot_anomaly_predictions_total Readings scored.',
      '# TYPE iot_anomaly_predictions_total counter',
      `iot_anomaly_predictions_total ${this.predictions}`,
      '# HELP iot_anomaly_anomalies_total Readings flagged anomalous.',
      '# TYPE iot_anomaly_anomalies_total counter',
      `iot_anomaly_anomalies_total ${this.anomalies}`,
      '# HELP iot_anomaly_unscored_total Readings with a missing feature, not scored.',
      '# TYPE iot_anomaly_unscored_total counter',
      `iot_anomaly_unscored_total ${this.unscored}`,
      '# HELP iot_anomaly_write_retries_total Documents retried after a transient Cosmos DB failure.',
      '# TYPE iot_anomaly_write_retries_total counter',
      `iot_anomaly_write_retries_total ${this.writeRetries}`,
      '# HELP iot_anomaly_end_to_end_lag_seconds Enqueue to stored, latest batch.',
      '# TYPE iot_anomaly_end_to_end_lag_seconds gauge',
      `iot_anomaly_end_to_end_lag_seconds ${this.lagSeconds}`,
      '# HELP iot_anomaly_scoring_latency_seconds Scoring time per batch.',
      '# TYPE iot_anomaly_scoring_latency_seconds histogram',
    ];
    let cumulative = 0;
    LATENCY_BUCKETS.forEach((b, i) => {
      cumulative += this.buckets[i];
      lines.push(`iot_anomaly_scoring_latency_seconds_bucket{le="${b}"} ${cumulative}`);
    });
    cumulative += this.buckets[LATENCY_BUCKETS.length];
    lines.push(
      `iot_anomaly_scoring_latency_seconds_bucket{le="+Inf"} ${cumulative}`,
      `iot_anomaly_scoring_latency_seconds_sum ${this.latencySum}`,
      `iot_anomaly_scoring_latency_seconds_count ${this.latencyCount}`,
    );
    return `${lines.join('\n')}\n`;
  }

  serve(port: number, host = '0.0.0.0'): Promise<Server> {
    const server = createServer((req, res) => {
      if (req.url === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(this.render());
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
