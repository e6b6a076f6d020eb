// Indexes over per-reading values (scores, alarm levels) that answer a threshold question
// for one unit by binary search: how many are below the offset, how many alarms rise, the
// first or last reading past it. Built once per set of scores; queried every slider frame.
import { lowerBound } from './alarm-levels.js';

/** Picks the positions a figure is about (e.g. the baseline readings); all when absent. */
export type Keep = ((p: number) => boolean) | undefined;

/**
 * Per group, the kept values sorted ascending: counts below an offset per group in O(log).
 * Each group remembers its last answer and searches outward from it (galloping), since a
 * slider frame moves the offset a little: a few reads near the last answer instead of a
 * binary search's scattered cache misses, which dominate with tens of thousands of units.
 */
export class SortedGroups {
  private readonly values: Float64Array;
  private readonly start: Int32Array;
  private readonly hint: Int32Array;

  private constructor(values: Float64Array, start: Int32Array) {
    this.values = values;
    this.start = start;
    this.hint = start.slice(0, start.length - 1);
  }

  /** Values by position (groups as in `start`); NaN is left out. */
  static of(start: Int32Array, value: (p: number) => number, keep?: Keep): SortedGroups {
    return SortedGroups.build(start, (p, put) => {
      const v = value(p);
      if (v === v && (!keep || keep(p))) put(v);
    });
  }

  /**
   * The offsets at which an alarm rises at a kept reading, over all groups in one sorted
   * array: it rises at p when level[p] < offset <= level[p-1], so the rises below an offset
   * are the count of lower ends below it minus the count of upper ends below it.
   */
  static rises(start: Int32Array, level: Float64Array, keep?: Keep): { low: SortedGroups; high: SortedGroups } {
    const pick = (end: 'low' | 'high') =>
      SortedGroups.build(
        start,
        (p, put, first) => {
          const before = p === first ? Infinity : level[p - 1];
          if (level[p] < before && (!keep || keep(p))) put(end === 'low' ? level[p] : before);
        },
        true,
      );
    return { low: pick('low'), high: pick('high') };
  }

  /** Per group, or all groups in one sorted array (`whole`): a total in one search. */
  private static build(
    start: Int32Array,
    visit: (p: number, put: (v: number) => void, first: number) => void,
    whole = false,
  ): SortedGroups {
    const groups = start.length - 1;
    const out = new Int32Array(groups + 1);
    let count = 0;
    const tally = () => count++;
    for (let g = 0; g < groups; g++) {
      for (let p = start[g]; p < start[g + 1]; p++) visit(p, tally, start[g]);
      out[g + 1] = count;
    }
    const values = new Float64Array(count);
    let w = 0;
    const put = (v: number) => (values[w++] = v);
    for (let g = 0; g < groups; g++) {
      for (let p = start[g]; p < start[g + 1]; p++) visit(p, put, start[g]);
      if (!whole && out[g + 1] - out[g] > 1) values.subarray(out[g], out[g + 1]).sort();
    }
    if (whole) values.sort();
    return new SortedGroups(values, whole ? Int32Array.of(0, count) : out);
  }

  /** Values of group g below x. */
  below(g: number, x: number): number {
    const a = this.values;
    const first = this.start[g];
    const end = this.start[g + 1];
    const i = this.hint[g];
    let lo: number;
    let hi: number;
    if (i === end || !(a[i] < x)) {
      if (i === first || a[i - 1] < x) return i - first; // the answer has not moved
      hi = i - 1; // a[hi] >= x: gallop down
      let step = 1;
      lo = hi - step;
      while (lo > first && !(a[lo] < x)) {
        hi = lo;
        step <<= 1;
        lo = hi - step;
      }
      if (lo < first) lo = first;
    } else {
      lo = i + 1; // a[i] < x: gallop up
      let step = 1;
      hi = lo + step;
      while (hi < end && a[hi] < x) {
        lo = hi + 1;
        step <<= 1;
        hi = lo + step;
      }
      if (hi > end) hi = end;
    }
    const r = lowerBound(a, lo, hi, x);
    this.hint[g] = r;
    return r - first;
  }
}

/**
 * Per group, the running extreme of values in walk order, kept only where it changes:
 * 'first below' walks forward keeping new minima (the first kept position whose value is
 * below an offset); 'last at or above' and 'last below' walk backward keeping new maxima
 * and minima (the last position at or above, or below, an offset).
 */
export class Records {
  private readonly values: Float64Array;
  private readonly positions: Int32Array;
  private readonly start: Int32Array;
  private readonly rising: boolean;

  private constructor(values: Float64Array, positions: Int32Array, start: Int32Array, rising: boolean) {
    this.values = values;
    this.positions = positions;
    this.start = start;
    this.rising = rising;
  }

  static of(start: Int32Array, value: Float64Array, kind: 'first below' | 'last at or above' | 'last below', keep?: Keep): Records {
    const groups = start.length - 1;
    const forward = kind === 'first below';
    const rising = kind === 'last at or above';
    const out = new Int32Array(groups + 1);
    const walk = (emit: (v: number, p: number) => void) => {
      for (let g = 0; g < groups; g++) {
        let best = NaN;
        for (let j = start[g]; j < start[g + 1]; j++) {
          const p = forward ? j : start[g + 1] - 1 - (j - start[g]);
          if (keep && !keep(p)) continue;
          const v = value[p];
          if (best !== best || (rising ? v > best : v < best)) emit((best = v), p);
        }
        out[g + 1] = count;
      }
    };
    let count = 0;
    walk(() => count++);
    const values = new Float64Array(count);
    const positions = new Int32Array(count);
    count = 0;
    walk((v, p) => {
      values[count] = v;
      positions[count++] = p;
    });
    return new Records(values, positions, out, rising);
  }

  /** The position answering the query for group g at offset x, or -1. */
  find(g: number, x: number): number {
    let lo = this.start[g];
    let hi = this.start[g + 1];
    const end = hi;
    // records run in walk order with values monotone: find the first one that satisfies the query
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const hit = this.rising ? this.values[mid] >= x : this.values[mid] < x;
      if (hit) hi = mid;
      else lo = mid + 1;
    }
    return lo < end ? this.positions[lo] : -1;
  }
}
