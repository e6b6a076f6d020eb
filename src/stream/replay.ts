// Replays a loaded dataset as a live stream: readings in time order, units interleaved
// by cycle, released at a chosen rate (or as fast as the engine goes), each batch
// gathered into a row-major block and scored as it "arrives". Updates go to the page
// about ten times a second with a bounded sample of points for the live chart.
import { WHOLE_SERIES, columnByRole, requireColumns, type Column, type Dataset } from '../data/dataset.js';
import { readRows } from '../data/compact-columns.js';
import { streamOrder } from '../data/order.js';
import type { LiveScorer, LiveStats } from './live-scorer.js';
import { LiveBuffer, type LivePoints } from './live-buffer.js';
import type { LinkStatus } from './link-status.js';

export type ReplayState = 'playing' | 'paused' | 'finished' | 'stopped';

/** New points since the last update (at most POINTS_PER_UPDATE, evenly thinned) and the source's state. */
export interface LiveUpdate extends LivePoints {
  state: ReplayState;
  /** Readings in a replay; 0 for an open-ended stream. */
  total: number;
  stats: LiveStats;
  /** Present when the readings come from Event Hubs. */
  link?: LinkStatus;
}

const TICK_MS = 25;
const MAX_BATCH = 32768;

export class Replay {
  state: ReplayState = 'paused';
  /** Readings per second; Infinity = as fast as the engine goes. */
  rate: number;
  private readonly order: Int32Array;
  /** The inputs' columns, read a batch's rows at a time (compact columns are never decoded whole). */
  private readonly features: Column[];
  private readonly values: Float64Array[];
  private readonly unit?: Float64Array;
  private readonly time?: Float64Array;
  private position = 0;
  private released = 0;
  private startedAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly buffer = new LiveBuffer();
  private readonly block: Float64Array;
  private readonly units: Float64Array;
  private readonly times: Float64Array;
  private readonly scorer: LiveScorer;
  private readonly onUpdate: (u: LiveUpdate) => void;

  /** inputNames: the raw columns each reading carries into the scorer (LoadedModel.streamInputs). */
  constructor(ds: Dataset, inputNames: string[], scorer: LiveScorer, rate: number, onUpdate: (u: LiveUpdate) => void) {
    this.order = streamOrder(ds);
    this.features = requireColumns(ds, inputNames);
    this.values = this.features.map(() => new Float64Array(MAX_BATCH));
    this.unit = columnByRole(ds, 'unit')?.values;
    this.time = columnByRole(ds, 'time')?.values;
    this.scorer = scorer;
    this.rate = rate;
    this.onUpdate = onUpdate;
    this.block = new Float64Array(MAX_BATCH * inputNames.length);
    this.units = new Float64Array(MAX_BATCH);
    this.times = new Float64Array(MAX_BATCH);
  }

  play(): void {
    if (this.state === 'playing') return;
    if (this.state === 'finished' || this.state === 'stopped') this.rewind();
    this.state = 'playing';
    this.startedAt = performance.now();
    this.released = 0;
    this.schedule(0);
  }

  pause(): void {
    if (this.state !== 'playing') return;
    this.state = 'paused';
    clearTimeout(this.timer);
    this.flush(true);
  }

  restart(): void {
    clearTimeout(this.timer);
    this.rewind();
    this.state = 'paused';
    this.play();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.state = 'stopped';
    this.flush(true);
  }

  setRate(rate: number): void {
    this.rate = rate;
    this.startedAt = performance.now();
    this.released = 0;
  }

  /** Back to the first reading with nothing carried over: window and alarm state, counts, unsent points. */
  private rewind(): void {
    this.position = 0;
    this.scorer.reset();
    this.scorer.resetCounts();
    this.buffer.take();
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => this.tick(), ms);
  }

  private tick(): void {
    if (this.state !== 'playing') return;
    const now = performance.now();
    const due = Number.isFinite(this.rate) ? Math.floor(((now - this.startedAt) / 1000) * this.rate) - this.released : MAX_BATCH;
    let budget = Math.min(due, this.order.length - this.position);
    // Score what is due in batches; at the maximum rate, one batch per tick keeps the worker responsive.
    while (budget > 0) {
      const count = Math.min(budget, MAX_BATCH);
      this.scoreBatch(count, now);
      budget -= count;
      this.released += count;
      if (!Number.isFinite(this.rate)) break;
    }
    if (this.position >= this.order.length) {
      this.state = 'finished';
      this.flush(true);
      return;
    }
    this.flush(false);
    this.schedule(Number.isFinite(this.rate) ? TICK_MS : 0);
  }

  private scoreBatch(count: number, arrivedAt: number): void {
    const d = this.features.length;
    const rows = this.order.subarray(this.position, this.position + count);
    this.features.forEach((c, f) => readRows(c, rows, this.values[f].subarray(0, count)));
    for (let i = 0; i < count; i++) {
      const row = rows[i];
      for (let f = 0; f < d; f++) this.block[i * d + f] = this.values[f][i];
      this.units[i] = this.unit ? this.unit[row] : WHOLE_SERIES;
      this.times[i] = this.time ? this.time[row] : this.position + i;
    }
    const { scores, flags } = this.scorer.score(
      this.block.subarray(0, count * d),
      d,
      this.units.subarray(0, count),
      this.times.subarray(0, count),
      { firstSeq: this.position, arrivedAt, alerts: this.buffer.alerts },
    );
    this.buffer.add(this.position, this.units, scores, flags, count);
    this.position += count;
  }

  private flush(force: boolean): void {
    if (!force && !this.buffer.due()) return;
    this.onUpdate({ state: this.state, total: this.order.length, stats: this.scorer.stats(), ...this.buffer.take() });
  }
}
