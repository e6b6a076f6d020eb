// Prometheus metrics for the consumer and the prediction server (prom-client: the exposition
// format, escaping and histogram arithmetic are its job), and /healthz for the consumer. Each
// Metrics has its own registry, so several consumers in one process (tests) keep their counts
// apart. Other sinks (Datadog) subscribe to the same batch reports, so every backend counts the
// same readings.
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Health } from './health.js';
import type { DataFlag } from '../model/rolling-check.js';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** The model that scored a batch, as documents and results name it. */
export interface ModelTag {
  id: string;
  version: string;
}

/** One scored batch, reported the same way by consume and serve. */
export interface BatchReport {
  model: ModelTag;
  /** score_samples per reading; NaN where a feature was missing (a data-quality alert). */
  scores: Float64Array;
  flags: Uint8Array;
  alarmsRaised: number;
  /** Time spent scoring the batch. */
  seconds: number;
  /** Data-quality alerts the batch raised (each episode once, per input and kind). */
  dataAlerts?: DataFlag[];
}

/** Another backend fed with every batch and pipeline latency (the Datadog reporter). */
export interface MetricsSink {
  batch(report: BatchReport): void;
  latency(model: ModelTag, ms: number): void;
}

export interface MetricsOptions {
  /** Adds a `service` label to every series (consume, serve), so one dashboard can tell them apart. */
  service?: string;
}

export class Metrics {
  readonly registry = new Registry();
  private health?: Health;
  private batchLag = 0;
  private readonly sinks: MetricsSink[] = [];
  private tally = { predictions: 0, anomalies: 0, unscored: 0 };
  private readonly alarmsTotal = this.counter('iot_anomaly_alarms_raised_total', "Alarms raised (a unit's k-of-n rule tripped).");
  private readonly retriesTotal = this.counter('iot_anomaly_write_retries_total', 'Documents retried after a transient Cosmos DB failure.');
  private readonly deadLettersTotal = this.counter('iot_dead_letters_total', 'Readings that could not be keyed, sent to the dead letters.');
  private readonly repeatedTotal = this.counter(
    'iot_repeated_readings_total',
    'Readings delivered again after their unit was scored at their time (at-least-once delivery): not scored or stored twice.',
  );
  private readonly dataAlertsTotal = new Counter({
    name: 'iot_data_quality_alerts_total',
    help: "Data-quality alerts raised: an input's readings missing, below or above the training range, flat, or settings in no training regime.",
    labelNames: ['input', 'kind'],
    registers: [this.registry],
  });
  private readonly evictedTotal = this.counter(
    'iot_units_evicted_total',
    'Units forgotten to stay within the unit cap (idle longest first).',
  );
  private readonly unitsTracked = new Gauge({
    name: 'iot_units_tracked',
    help: 'Units whose state is kept now.',
    registers: [this.registry],
  });
  private evictedSeen = 0;
  private readonly lag: Gauge = new Gauge({
    name: 'iot_anomaly_end_to_end_lag_seconds',
    help: 'Enqueue to stored: the latest batch, or while events wait on the hub, the age bound of the oldest waiting one.',
    registers: [this.registry],
    collect: (): void => this.lag.set(Math.max(this.batchLag, this.health?.lag() ?? 0)),
  });
  private readonly backlogGauge: Gauge = new Gauge({
    name: 'iot_anomaly_backlog_events',
    help: "Events on this consumer's partitions enqueued and not yet written.",
    registers: [this.registry],
    collect: (): void => this.backlogGauge.set(this.health?.backlog() ?? 0),
  });
  private readonly latency = new Histogram({
    name: 'iot_anomaly_scoring_latency_seconds',
    help: 'Scoring time per batch.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor(opts: MetricsOptions = {}) {
    if (opts.service) this.registry.setDefaultLabels({ service: opts.service });
    // The per-batch counts are kept as plain numbers and handed to prom-client when it collects
    // (a scrape): serve records a batch per request, and prom-client hashes labels on every inc.
    this.tallied('iot_anomaly_predictions_total', 'Readings scored.', () => this.tally.predictions);
    this.tallied('iot_anomaly_anomalies_total', 'Readings flagged anomalous.', () => this.tally.anomalies);
    this.tallied('iot_anomaly_unscored_total', 'Readings with a missing feature, not scored.', () => this.tally.unscored);
  }

  private counter(name: string, help: string): Counter {
    return new Counter({ name, help, registers: [this.registry] });
  }

  /** A counter that follows a running total, brought up to date whenever the registry collects. */
  private tallied(name: string, help: string, total: () => number): void {
    let reported = 0;
    new Counter({
      name,
      help,
      registers: [this.registry],
      collect(this: Counter): void {
        const now = total();
        if (now > reported) this.inc(now - reported);
        reported = now;
      },
    });
  }

  get predictions(): number {
    return this.tally.predictions;
  }

  get anomalies(): number {
    return this.tally.anomalies;
  }

  get unscored(): number {
    return this.tally.unscored;
  }

  addSink(sink: MetricsSink): void {
    this.sinks.push(sink);
  }

  /** One scored batch: readings scored, flagged, left unscored (a missing feature), alarms raised, scoring time. */
  recordBatch(report: BatchReport): void {
    let scored = 0;
    let anomalies = 0;
    for (let i = 0; i < report.scores.length; i++) {
      if (!Number.isNaN(report.scores[i])) scored++;
      anomalies += report.flags[i];
    }
    const unscored = report.scores.length - scored;
    this.tally.predictions += scored;
    this.tally.anomalies += anomalies;
    this.tally.unscored += unscored;
    if (report.alarmsRaised > 0) this.alarmsTotal.inc(report.alarmsRaised);
    for (const a of report.dataAlerts ?? []) this.dataAlertsTotal.inc({ input: a.input, kind: a.kind });
    this.latency.observe(report.seconds);
    for (const s of this.sinks) s.batch(report);
  }

  /** Enqueued to stored (consume): the lag gauge, and the pipeline latency other sinks record. */
  recordLag(model: ModelTag, seconds: number): void {
    this.batchLag = seconds;
    this.pipelineLatency(model, seconds * 1000);
  }

  /** A reading's time through the service (consume: enqueue to stored; serve: request to response). */
  pipelineLatency(model: ModelTag, ms: number): void {
    for (const s of this.sinks) s.latency(model, ms);
  }

  countRetries(n: number): void {
    if (n > 0) this.retriesTotal.inc(n);
  }

  countDeadLetters(n: number): void {
    if (n > 0) this.deadLettersTotal.inc(n);
  }

  countRepeated(n: number): void {
    if (n > 0) this.repeatedTotal.inc(n);
  }

  /** The units tracked now and the units evicted since the start (a running total). */
  recordUnits(tracked: number, evicted: number): void {
    this.unitsTracked.set(tracked);
    if (evicted > this.evictedSeen) this.evictedTotal.inc(evicted - this.evictedSeen);
    this.evictedSeen = evicted;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** /healthz answers from `health` (without one, always 200) and the lag and backlog gauges follow it. */
  watch(health: Health): void {
    this.health = health;
  }

  serve(port: number, host = '127.0.0.1'): Promise<Server> {
    const server = createServer((req, res) => {
      if (req.url === '/metrics') {
        this.render().then(
          (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
          () => res.writeHead(500).end(),
        );
      } else if (req.url === '/healthz') {
        const v = this.health?.verdict() ?? { ok: true, reason: 'ok' };
        res.writeHead(v.ok ? 200 : 503, { 'content-type': 'text/plain' }).end(`${v.reason}\n`);
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
