// Scores arriving readings in batches (row-major blocks, as a stream delivers them),
// applies the k-of-n debounce per unit, and keeps live statistics: events per second,
// batch latency percentiles, recent anomaly rate.
import type { LoadedModel } from '../model/loaded-model.js';
import { KofN, type DebounceSettings } from '../alarms/k-of-n.js';
import { isFlagged } from '../alarms/threshold.js';

export interface Alert {
  seq: number;
  unit: number;
  time: number;
  score: number;
  kind: 'raised' | 'cleared';
}

export interface LiveStats {
  processed: number;
  eventsPerSec: number;
  latencyP50: number;
  latencyP99: number;
  anomalyRate: number;
  unscorable: number;
}

const LATENCY_RING = 512;
const RATE_WINDOW_MS = 1000;

export class LiveScorer {
  offset: number;
  readonly debounce: KofN;
  private processed = 0;
  private unscorable = 0;
  private readonly latencies = new Float64Array(LATENCY_RING);
  private latencyCount = 0;
  private readonly recentFlags = new Uint8Array(1000);
  private recentAt = 0;
  private recentFilled = 0;
  private readonly rateSamples: { t: number; n: number }[] = [];
  private model: LoadedModel;

  constructor(model: LoadedModel, offset: number, debounce: DebounceSettings) {
    this.model = model;
    this.offset = offset;
    this.debounce = new KofN(debounce);
  }

  /** The raw inputs a reading must carry, in block order. */
  get inputs(): string[] {
    return this.model.streamInputs;
  }

  /**
   * block: rows × stride raw values, the model's stream inputs first. Returns scores (NaN when a feature is
   * missing), flags and each reading's alarm state right after it, and appends alarm edges to `alerts`.
   */
  score(
    block: Float64Array,
    stride: number,
    units: Float64Array,
    times: Float64Array,
    firstSeq: number,
    arrivedAt: number,
    alerts: Alert[],
  ): { scores: Float64Array; flags: Uint8Array; alarms: Uint8Array } {
    const { scores, unscorable } = this.model.scoreStream(block, stride, units, units.length);
    const n = scores.length;
    const flags = new Uint8Array(n);
    const alarms = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const s = scores[i];
      const f = isFlagged(s, this.offset);
      flags[i] = f;
      this.recentFlags[this.recentAt] = f;
      this.recentAt = (this.recentAt + 1) % this.recentFlags.length;
      this.recentFilled = Math.min(this.recentFilled + 1, this.recentFlags.length);
      if (Number.isNaN(s)) {
        alarms[i] = this.debounce.inAlarm(units[i]) ? 1 : 0; // a missing value neither raises nor clears an alarm
        continue;
      }
      const edge = this.debounce.push(units[i], f);
      if (edge !== 0) alerts.push({ seq: firstSeq + i, unit: units[i], time: times[i], score: s, kind: edge === 1 ? 'raised' : 'cleared' });
      alarms[i] = this.debounce.inAlarm(units[i]) ? 1 : 0;
    }
    const now = performance.now();
    this.latencies[this.latencyCount++ % LATENCY_RING] = now - arrivedAt;
    this.processed += n;
    this.unscorable += unscorable;
    this.rateSamples.push({ t: now, n });
    while (this.rateSamples.length && now - this.rateSamples[0].t > RATE_WINDOW_MS) this.rateSamples.shift();
    return { scores, flags, alarms };
  }

  /** A newer model scores what follows; window and alarm state start fresh. */
  setModel(model: LoadedModel): void {
    this.model = model;
    this.reset();
  }

  /** Starts over: no unit's window or alarm state survives. */
  reset(): void {
    this.model.resetStream();
    this.debounce.reset();
  }

  /** Zeroes the counts (processed, rate, latency, recent anomaly rate): a replay starting over counts from 0. */
  resetCounts(): void {
    this.processed = 0;
    this.unscorable = 0;
    this.latencyCount = 0;
    this.recentAt = 0;
    this.recentFilled = 0;
    this.rateSamples.length = 0;
  }

  stats(): LiveStats {
    const k = Math.min(this.latencyCount, LATENCY_RING);
    const sorted = this.latencies.slice(0, k).sort();
    const pick = (q: number) => (k ? sorted[Math.min(k - 1, Math.floor(q * k))] : NaN);
    // Readings after the first sample, over the time since it: a rate over the last second, up to now,
    // so it falls to 0 when nothing arrives (samples are otherwise dropped only when new ones come).
    const now = performance.now();
    const recent = this.rateSamples.filter((s) => now - s.t <= RATE_WINDOW_MS);
    const span = recent.length > 1 ? now - recent[0].t : 0;
    const events = recent.reduce((a, s) => a + s.n, 0) - (recent[0]?.n ?? 0);
    let anomalies = 0;
    for (let i = 0; i < this.recentFilled; i++) anomalies += this.recentFlags[i];
    return {
      processed: this.processed,
      eventsPerSec: span > 0 ? (events * 1000) / span : 0,
      latencyP50: pick(0.5),
      latencyP99: pick(0.99),
      anomalyRate: this.recentFilled ? anomalies / this.recentFilled : 0,
      unscorable: this.unscorable,
    };
  }
}
