// Indexes over per-reading values (scores, alarm levels) that answer a threshold question
// by binary search: how many are below the offset, how many alarms rise, the first or last
// reading of a unit past it. Built once per set of scores in passes over typed arrays
// (keep masks by position, no callback per reading), in a worker; queried every slider
// frame on the page. Each index is plain typed arrays (`data`, `from`), so it crosses a
// worker boundary by transfer.
import { lowerBound } from './alarm-levels.js';
import { sortDoubles } from './radix-sort.js';

/** Where an alarm rises, as offsets (see SortedValues.rises): both ends sorted ascending. */
export interface RisesData {
  low: Float64Array;
  high: Float64Array;
}

export interface RecordsData {
  values: Float64Array;
  positions: Int32Array;
  /** A time per record (`Records.of`'s `timeOf` of its position; NaN without one), read per frame instead of the data's columns. */
  times: Float64Array;
  start: Int32Array;
  rising: boolean;
}

/** Values sorted ascending: how many are below an offset, in O(log n). */
export class SortedValues {
  /** The sorted values themselves (the index's plain form). */
  readonly data: Float64Array;

  private constructor(values: Float64Array) {
    this.data = values;
  }

  /** An index from values already sorted ascending (its `data`). */
  static from(sorted: Float64Array): SortedValues {
    return new SortedValues(sorted);
  }

  /** The values that are numbers (where `keep` is set, if given). */
  static of(value: Float64Array, keep?: Uint8Array): SortedValues {
    let n = 0;
    for (let p = 0; p < value.length; p++) if (value[p] === value[p] && (!keep || keep[p])) n++;
    const out = new Float64Array(n);
    for (let p = 0, w = 0; p < value.length; p++) if (value[p] === value[p] && (!keep || keep[p])) out[w++] = value[p];
    return new SortedValues(sortDoubles(out));
  }

  /**
   * The offsets at which an alarm rises at a kept reading, over every group: it rises at p
   * when level[p] < offset <= level[p-1] (+Infinity before a group's first reading), so the
   * rises below an offset are the lower ends below it minus the upper ends below it.
   */
  static rises(start: Int32Array, level: Float64Array, keep?: Uint8Array): RisesData {
    const end = start[start.length - 1];
    const first = new Uint8Array(end);
    for (let g = 0; g + 1 < start.length; g++) if (start[g] < start[g + 1]) first[start[g]] = 1;
    let n = 0;
    for (let p = 0; p < end; p++) if ((first[p] || level[p] < level[p - 1]) && level[p] < Infinity && (!keep || keep[p])) n++;
    const low = new Float64Array(n);
    const high = new Float64Array(n);
    for (let p = 0, w = 0; p < end; p++)
      if ((first[p] || level[p] < level[p - 1]) && level[p] < Infinity && (!keep || keep[p])) {
        low[w] = level[p];
        high[w++] = first[p] ? Infinity : level[p - 1];
      }
    return { low: sortDoubles(low), high: sortDoubles(high) };
  }

  /** Alarms risen below an offset: lower ends below it minus upper ends below it. */
  static risenBelow(r: RisesData, x: number): number {
    return lowerBound(r.low, 0, r.low.length, x) - lowerBound(r.high, 0, r.high.length, x);
  }

  /** Values below x. */
  below(x: number): number {
    return lowerBound(this.data, 0, this.data.length, x);
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
  readonly positions: Int32Array;
  readonly times: Float64Array;
  private readonly start: Int32Array;
  private readonly rising: boolean;
  /** Per group, the record (or the group's end: none) that answered its last query: where the next one starts. */
  private readonly hints: Int32Array;
  /**
   * Per group, beside the hint: its value and the value of the record before it (NaN: none), which
   * tell whether it still answers, and its position and time. A frame asks every unit; reading
   * these dense arrays instead of the records (millions, a cache miss a unit) halves its cost.
   */
  private readonly hintValue: Float64Array;
  private readonly beforeValue: Float64Array;
  private readonly hintPosition: Int32Array;
  private readonly hintTime: Float64Array;

  private constructor(d: RecordsData) {
    this.values = d.values;
    this.positions = d.positions;
    this.times = d.times;
    this.start = d.start;
    this.rising = d.rising;
    const groups = Math.max(0, d.start.length - 1);
    this.hints = new Int32Array(groups);
    this.hintValue = new Float64Array(groups);
    this.beforeValue = new Float64Array(groups);
    this.hintPosition = new Int32Array(groups);
    this.hintTime = new Float64Array(groups);
    for (let g = 0; g < groups; g++) this.remember(g, d.start[g]);
  }

  static from(d: RecordsData): Records {
    return new Records(d);
  }

  get data(): RecordsData {
    return { values: this.values, positions: this.positions, times: this.times, start: this.start, rising: this.rising };
  }

  /**
   * `timeOf` gives each record a time (called once per record, not per reading): a frame
   * then reads it here, beside the record, instead of from the columns far away in memory.
   */
  static of(
    start: Int32Array,
    value: Float64Array,
    kind: 'first below' | 'last at or above' | 'last below',
    keep?: Uint8Array,
    timeOf?: (p: number, g: number) => number,
  ): Records {
    const groups = start.length - 1;
    // Two walks, counting then filling: arrays of the exact size (millions of records at 6M readings), no growing copies.
    let count = 0;
    walkRecords(start, value, kind, keep, () => count++);
    const values = new Float64Array(count);
    const positions = new Int32Array(count);
    const out = new Int32Array(groups + 1);
    let at = 0;
    walkRecords(start, value, kind, keep, (p, v, g) => {
      values[at] = v;
      positions[at++] = p;
      out[g + 1]++;
    });
    for (let g = 0; g < groups; g++) out[g + 1] += out[g];
    const times = new Float64Array(count).fill(NaN);
    if (timeOf) for (let g = 0; g < groups; g++) for (let r = out[g]; r < out[g + 1]; r++) times[r] = timeOf(positions[r], g);
    return new Records({ values, positions, times, start: out, rising: kind === 'last at or above' });
  }

  /** The position answering the query for group g at offset x, or -1. */
  find(g: number, x: number): number {
    const r = this.record(g, x);
    return r < 0 ? -1 : this.positions[r];
  }

  /**
   * The record answering the query for group g at offset x (its position and time: `positions`, `times`), or -1.
   * A slider moves the offset a little a frame, so most groups keep last frame's answer or one near it: the
   * search starts at the group's last answer and gallops outward (a read or two beside it, where a binary search
   * over the group's records would touch a cache line a step), then searches the bracket it found.
   */
  record(g: number, x: number): number {
    const end = this.start[g + 1];
    const h = this.hints[g];
    // The last answer still holds: it satisfies the query (or was none) and the record before it does not.
    const atOrBefore = h === end || this.hit(this.hintValue[g], x);
    if (atOrBefore && !this.hit(this.beforeValue[g], x)) return h < end ? h : -1;
    const a = this.start[g];
    // the answer is the first record in [a, end) that satisfies the query (records run in walk order, values monotone)
    let lo: number, hi: number;
    if (atOrBefore) {
      // the answer is at or before h (the group's end stands for none): gallop back to a record that misses, or past the group's first
      hi = h;
      let step = 1;
      lo = h - 1;
      while (lo >= a && this.hit(this.values[lo], x)) {
        hi = lo;
        lo -= step;
        step *= 2;
      }
      lo = Math.max(lo + 1, a);
    } else {
      // after h: gallop forward to a record that satisfies it, or past the group's last
      lo = h + 1;
      let step = 1;
      hi = lo;
      while (hi < end && !this.hit(this.values[hi], x)) {
        lo = hi + 1;
        hi += step;
        step *= 2;
      }
      hi = Math.min(hi, end);
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.hit(this.values[mid], x)) hi = mid;
      else lo = mid + 1;
    }
    this.remember(g, lo);
    return lo < end ? lo : -1;
  }

  /** The time of the record that answered group g's last query (NaN: none answered). */
  answerTime(g: number): number {
    return this.hintTime[g];
  }

  /** The position of the record that answered group g's last query (-1: none answered). */
  answerPosition(g: number): number {
    return this.hintPosition[g];
  }

  private remember(g: number, r: number): void {
    const a = this.start[g];
    const end = this.start[g + 1];
    this.hints[g] = r;
    this.hintValue[g] = r < end ? this.values[r] : NaN;
    this.beforeValue[g] = r > a ? this.values[r - 1] : NaN;
    this.hintPosition[g] = r < end ? this.positions[r] : -1;
    this.hintTime[g] = r < end ? this.times[r] : NaN;
  }

  /** Whether a record of value v satisfies the query at x (a NaN value, or none, never does). */
  private hit(v: number, x: number): boolean {
    return this.rising ? v >= x : v < x;
  }
}

/**
 * The records of every group in walk order: 'first below' walks forward keeping new minima,
 * the others walk backward keeping new maxima ('last at or above') or minima ('last below');
 * while the extreme is NaN every value is a record. `keep` leaves positions out.
 */
export function walkRecords(
  start: Int32Array,
  value: Float64Array,
  kind: 'first below' | 'last at or above' | 'last below',
  keep: Uint8Array | undefined,
  visit: (p: number, v: number, g: number) => void,
): void {
  const forward = kind === 'first below';
  const rising = kind === 'last at or above';
  for (let g = 0; g + 1 < start.length; g++) {
    let best = NaN;
    const a = start[g];
    const b = start[g + 1];
    for (let j = a; j < b; j++) {
      const p = forward ? j : b - 1 - (j - a);
      if (keep && !keep[p]) continue;
      const v = value[p];
      if (best !== best || (rising ? v > best : v < best)) visit(p, (best = v), g);
    }
  }
}
