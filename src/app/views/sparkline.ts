// A unit's anomaly score over its life as a small SVG line with the threshold drawn
// across, on one scale for the whole fleet so rows compare at a glance. Paths are built
// once per unit and scores; a threshold move only moves the line.
import type { Dataset } from '../../data/dataset.js';
import { rowsByUnit } from '../../data/unit-runs.js';

export const SPARK_W = 72;
export const SPARK_H = 18;
const BUCKETS = 36;

export class Sparklines {
  private rows?: Map<number, Int32Array>;
  private paths = new Map<number, string>();
  private lo = 0;
  private hi = 1;
  private truth?: Dataset;
  private scores?: Float64Array;

  /** Forgets paths when the data or the scores change. */
  use(truth: Dataset | undefined, scores: Float64Array | undefined): void {
    if (truth !== this.truth) this.rows = undefined;
    if (truth !== this.truth || scores !== this.scores) {
      this.paths.clear();
      this.truth = truth;
      this.scores = scores;
      if (scores) this.range(scores);
    }
  }

  /** The SVG path of a unit's anomaly score, peaks kept (the highest score per bucket). */
  path(unit: number): string {
    let p = this.paths.get(unit);
    if (p !== undefined) return p;
    const rows = this.unitRows().get(unit);
    const s = this.scores;
    if (!rows || !s) return '';
    const parts: string[] = [];
    const n = rows.length;
    const buckets = Math.min(BUCKETS, n);
    for (let b = 0; b < buckets; b++) {
      let top = -Infinity;
      for (let i = Math.floor((b * n) / buckets); i < Math.floor(((b + 1) * n) / buckets); i++) top = Math.max(top, -s[rows[i]]);
      if (!Number.isFinite(top)) continue;
      const x = buckets > 1 ? (b / (buckets - 1)) * SPARK_W : SPARK_W / 2;
      parts.push(`${parts.length ? 'L' : 'M'}${x.toFixed(1)} ${this.y(top).toFixed(1)}`);
    }
    this.paths.set(unit, (p = parts.join('')));
    return p;
  }

  /** Height of an anomaly score on the fleet's common scale. */
  y(anomaly: number): number {
    const t = (anomaly - this.lo) / (this.hi - this.lo || 1);
    return SPARK_H - 1 - Math.max(0, Math.min(1, t)) * (SPARK_H - 2);
  }

  private range(scores: Float64Array): void {
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of scores) {
      if (s !== s) continue;
      if (-s < lo) lo = -s;
      if (-s > hi) hi = -s;
    }
    this.lo = Number.isFinite(lo) ? lo : 0;
    this.hi = Number.isFinite(hi) ? hi : 1;
  }

  /** Each unit's rows in the order they were scored (once per data). */
  private unitRows(): Map<number, Int32Array> {
    const truth = this.truth;
    return (this.rows ??= truth ? rowsByUnit(truth) : new Map<number, Int32Array>());
  }
}
