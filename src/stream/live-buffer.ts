// What a live source (replay or a hub) has scored since the page last heard: a thinned
// sample of points for the chart and every alarm edge, handed over about ten times a second.
import type { Alert } from './live-scorer.js';

export const POINTS_PER_UPDATE = 2000;
const UPDATE_MS = 100;

export interface LivePoints {
  seq: Float64Array;
  unit: Float64Array;
  score: Float64Array;
  flag: Uint8Array;
  alerts: Alert[];
}

export class LiveBuffer {
  /** Alarm edges since the last take (LiveScorer appends to it). */
  alerts: Alert[] = [];
  private seq: number[] = [];
  private unit: number[] = [];
  private score: number[] = [];
  private flag: number[] = [];
  private last = 0;

  /** Keeps a thinned sample of a scored batch: computing used every reading, drawing needs few. */
  add(firstSeq: number, units: ArrayLike<number>, scores: ArrayLike<number>, flags: ArrayLike<number>, count: number): void {
    const step = Math.max(1, Math.ceil(count / POINTS_PER_UPDATE));
    for (let i = 0; i < count; i += step) {
      this.seq.push(firstSeq + i);
      this.unit.push(units[i]);
      this.score.push(scores[i]);
      this.flag.push(flags[i]);
    }
  }

  due(now = performance.now()): boolean {
    return now - this.last >= UPDATE_MS;
  }

  take(): LivePoints {
    this.last = performance.now();
    const step = Math.max(1, Math.ceil(this.seq.length / POINTS_PER_UPDATE));
    const keep = (a: number[]) => a.filter((_, i) => i % step === 0);
    const out = {
      seq: Float64Array.from(keep(this.seq)),
      unit: Float64Array.from(keep(this.unit)),
      score: Float64Array.from(keep(this.score)),
      flag: Uint8Array.from(keep(this.flag)),
      alerts: this.alerts,
    };
    this.seq = [];
    this.unit = [];
    this.score = [];
    this.flag = [];
    this.alerts = [];
    return out;
  }
}
