// What the Datadog reporter sends, accumulated between flushes: counts and sampled values per
// service and model, turned into the payloads of the intake APIs (v2 series for counts, v1
// distribution points for distributions). Plain data in, plain JSON out: no client here.
import type { BatchReport, MetricsSink, ModelTag } from './metrics.js';

/** v2 MetricSeries as the intake takes it: type 1 is a count over `interval` seconds. */
export interface CountSeries {
  metric: string;
  type: 1;
  interval: number;
  points: { timestamp: number; value: number }[];
  tags: string[];
}

/** v1 DistributionPointsSeries: every value observed in the interval, at one timestamp. */
export interface DistributionSeries {
  metric: string;
  type: 'distribution';
  points: [number, number[]][];
  tags: string[];
}

export interface DatadogPayload {
  counts: CountSeries[];
  distributions: DistributionSeries[];
}

export const DATADOG_NAMES = {
  predictions: 'iot.anomaly.predictions.total',
  anomalies: 'iot.anomaly.anomalies.total',
  alarms: 'iot.anomaly.alarms.raised.total',
  dataQuality: 'iot.data_quality.alerts.total',
  score: 'iot.anomaly.score',
  latency: 'iot.pipeline.latency_ms',
} as const;

/**
 * A uniform sample of at most `cap` values (Vitter's algorithm R): at 100,000 readings/s a
 * flush would otherwise carry a million scores. Below the cap it keeps every value.
 */
export class Reservoir {
  readonly values: number[] = [];
  private seen = 0;
  private readonly cap: number;

  constructor(cap: number) {
    this.cap = cap;
  }

  add(x: number): void {
    this.seen++;
    if (this.values.length < this.cap) this.values.push(x);
    else {
      const j = Math.floor(Math.random() * this.seen);
      if (j < this.cap) this.values[j] = x;
    }
  }
}

interface Totals {
  tags: string[];
  predictions: number;
  anomalies: number;
  alarms: number;
  /** Data-quality alerts raised, per "input\nkind". */
  dataQuality: Map<string, number>;
  scores: Reservoir;
  latency: Reservoir;
}

export class DatadogBuffer implements MetricsSink {
  private byModel = new Map<string, Totals>();
  private readonly service: string;
  private readonly cap: number;

  /** cap: values kept per distribution, tag set and flush. */
  constructor(service: string, cap = 2000) {
    this.service = service;
    this.cap = cap;
  }

  private totals(model: ModelTag): Totals {
    const key = `${model.id}\n${model.version}`;
    let t = this.byModel.get(key);
    if (!t) {
      const tags = [`service:${this.service}`, `model_id:${model.id}`, `model_version:${model.version}`];
      t = {
        tags,
        predictions: 0,
        anomalies: 0,
        alarms: 0,
        dataQuality: new Map(),
        scores: new Reservoir(this.cap),
        latency: new Reservoir(this.cap),
      };
      this.byModel.set(key, t);
    }
    return t;
  }

  batch(r: BatchReport): void {
    const t = this.totals(r.model);
    for (let i = 0; i < r.scores.length; i++) {
      const s = r.scores[i];
      if (Number.isNaN(s)) continue; // a reading missing a feature: not scored

      t.predictions++;
      t.anomalies += r.flags[i];
      t.scores.add(-s); // anomaly_score, as the stored documents and /predict carry it: higher is more abnormal
    }
    t.alarms += r.alarmsRaised;
    for (const a of r.dataAlerts ?? []) {
      const key = `${a.input}\n${a.kind}`;
      t.dataQuality.set(key, (t.dataQuality.get(key) ?? 0) + 1);
    }
  }

  latency(model: ModelTag, ms: number): void {
    this.totals(model).latency.add(ms);
  }

  get empty(): boolean {
    return this.byModel.size === 0;
  }

  /** Everything since the last take, as intake payloads; the buffer starts empty again. */
  take(timestamp: number, interval: number): DatadogPayload {
    const counts: CountSeries[] = [];
    const distributions: DistributionSeries[] = [];
    for (const t of this.byModel.values()) {
      const count = (metric: string, value: number, tags = t.tags) =>
        counts.push({ metric, type: 1, interval, points: [{ timestamp, value }], tags });
      count(DATADOG_NAMES.predictions, t.predictions);
      count(DATADOG_NAMES.anomalies, t.anomalies);
      count(DATADOG_NAMES.alarms, t.alarms);
      for (const [key, n] of t.dataQuality) {
        const [input, kind] = key.split('\n');
        count(DATADOG_NAMES.dataQuality, n, [...t.tags, `input:${input}`, `kind:${kind}`]);
      }
      const dist = (metric: string, r: Reservoir) => {
        if (r.values.length) distributions.push({ metric, type: 'distribution', points: [[timestamp, r.values]], tags: t.tags });
      };
      dist(DATADOG_NAMES.score, t.scores);
      dist(DATADOG_NAMES.latency, t.latency);
    }
    this.byModel = new Map();
    return { counts, distributions };
  }
}
