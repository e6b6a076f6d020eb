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

  /**
   * Keeps a thinned sample of a scored batch: computing used every reading, drawing needs few.
   * Each kept point stands for a run of readings and is the most anomalous of them, flagged when
   * any of them is, so thinning never hides a spike or an alarm from the chart.
   */
  add(firstSeq: number, units: ArrayLike<number>, scores: ArrayLike<number>, flags: ArrayLike<number>, count: number): void {
    const step = Math.max(1, Math.ceil(count / POINTS_PER_UPDATE));
    for (let from = 0; from < count; from += step) {
      const [at, flagged] = peakOf(scores, flags, from, Math.min(count, from + step));
      this.seq.push(firstSeq + at);
      this.unit.push(units[at]);
      this.score.push(scores[at]);
      this.flag.push(flagged);
    }
  }

  due(now = performance.now()): boolean {
    return now - this.last >= UPDATE_MS;
  }

  take(): LivePoints {
    this.last = performance.now();
    const n = this.seq.length;
    const step = Math.max(1, Math.ceil(n / POINTS_PER_UPDATE));
    const kept = Math.ceil(n / step);
    const out = {
      seq: new Float64Array(kept),
      unit: new Float64Array(kept),
      score: new Float64Array(kept),
      flag: new Uint8Array(kept),
      alerts: this.alerts,
    };
    for (let k = 0; k < kept; k++) {
      const [at, flagged] = peakOf(this.score, this.flag, k * step, Math.min(n, (k + 1) * step));
      out.seq[k] = this.seq[at];
      out.unit[k] = this.unit[at];
      out.score[k] = this.score[at];
      out.flag[k] = flagged;
    }
    this.seq = [];
    this.unit = [];
    this.score = [];
    this.flag = [];
    this.alerts = [];
    return out;
  }
}

/** The most anomalous scored reading of [from, to) (lowest score_samples; the first when none is scored), and whether any is flagged. */
export function peakOf(scores: ArrayLike<number>, flags: ArrayLike<number>, from: number, to: number): [number, number] {
  let at = from;
  let flagged = 0;
  for (let i = from; i < to; i++) {
    if (flags[i]) flagged = 1;
    if (scores[i] < scores[at] || (Number.isNaN(scores[at]) && !Number.isNaN(scores[i]))) at = i;
  }
  return [at, flagged];
}
