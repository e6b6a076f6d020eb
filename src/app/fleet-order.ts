// The fleet board's order, kept across slider frames. Most urgent first is: alarm, watch,
// healthy (units gone silent ahead of the healthy ones); then the longest in that state; then the highest latest score; then the unit.
// The last two keys do not depend on the threshold, so they are sorted once per set of
// scores (the base order); a frame then buckets the units by state in that order and sorts
// only the units in alarm or on watch by how long. A frame whose states and durations
// equal the last one's reuses the last order outright: no sort at all. Orders are positions
// in the frame's FleetStates (typed arrays), so a frame makes no object per unit.
import { STATES, type FleetStates } from '../alarms/budget-types.js';

/** How two units are ordered by name (the page's UnitWords). */
export interface UnitOrder {
  compare(a: number, b: number): number;
}

export class FleetOrder {
  private units: readonly number[] = [];
  private scores: Float64Array = new Float64Array(0);
  /** Positions in the fleet, by latest score (highest first), then unit; and each position's place in that order. */
  private base = new Int32Array(0);
  private place = new Int32Array(0);
  private byUnit?: { words: UnitOrder; order: Int32Array };
  private state: Uint8Array = new Uint8Array(0);
  private duration = new Float64Array(0);
  private last: Int32Array = new Int32Array(0);
  /** Frames that found the order unchanged (diagnostics: the tests). */
  reused = 0;

  /** Positions of the fleet's units, most urgent first. */
  urgent(s: FleetStates): Int32Array {
    const n = s.units.length;
    const fresh = this.adopt(s);
    const duration = new Float64Array(n);
    let same = !fresh;
    for (let g = 0; g < n; g++) {
      const since = s.since[g];
      const last = s.lastTime[g];
      // as the board says it: healthy (no since) lasts 0; a unit with no scored reading counts from time 0
      duration[g] = since !== since ? 0 : (last !== last ? 0 : last) - since;
      if (s.state[g] !== this.state[g] || !Object.is(duration[g], this.duration[g])) same = false;
    }
    this.state = s.state; // a frame's own array, never changed after
    this.duration = duration;
    if (same) this.reused++;
    else this.last = this.sorted(s.state, duration);
    return this.last;
  }

  /** Positions of the fleet's units by name, as `words` orders them: sorted once per set of scores and words. */
  unitOrder(s: FleetStates, words: UnitOrder): Int32Array {
    if (this.adopt(s) || this.byUnit?.words !== words) {
      const units = s.units;
      this.byUnit = { words, order: Int32Array.from(units.keys()).sort((a, b) => words.compare(units[a], units[b])) };
    }
    return this.byUnit.order;
  }

  /** Takes the fleet's threshold-free keys; true when they differ from the last frame's (other scores). */
  private adopt(s: FleetStates): boolean {
    const n = s.units.length;
    let same = n === this.units.length;
    if (same && (s.units !== this.units || s.latestScore !== this.scores))
      for (let g = 0; same && g < n; g++) same = s.units[g] === this.units[g] && Object.is(s.latestScore[g], this.scores[g]);
    if (same) return false;
    const units = (this.units = s.units);
    const scores = (this.scores = s.latestScore);
    this.base = Int32Array.from(units.keys()).sort((a, b) => scores[b] - scores[a] || units[a] - units[b]);
    this.place = new Int32Array(n);
    this.base.forEach((g, p) => (this.place[g] = p));
    this.byUnit = undefined;
    this.state = new Uint8Array(0);
    return true;
  }

  private sorted(state: Uint8Array, duration: Float64Array): Int32Array {
    // bucketed by state in base order straight into one typed array; only alarm and watch sorted by duration
    const { base, place } = this;
    const n = base.length;
    const from = [0, 0, 0, 0];
    for (let g = 0; g < n; g++) from[state[g] + 1]++;
    from[2] += from[1];
    from[3] += from[2];
    const at = from.slice(0, 3);
    const out = new Int32Array(n);
    for (let p = 0; p < n; p++) {
      const g = base[p];
      out[at[state[g]]++] = g;
    }
    byDuration(out.subarray(from[0], from[1]), duration, base, place);
    byDuration(out.subarray(from[1], from[2]), duration, base, place);
    return out;
  }
}

/**
 * The urgent order with some healthy units moved ahead of the others: units silent long before the
 * fleet's latest reading ("healthy" is their state as of a reading that may be days old), and units
 * whose latest reading lies far outside the training range (a forest scores it no higher the farther
 * out it is). Alarm and watch keep their places; the order is otherwise stable.
 */
export function silentBeforeHealthy(order: Int32Array, s: FleetStates, silent: { has(unit: number): boolean }): Int32Array {
  // The healthy units are the order's tail (buckets alarm, watch, healthy).
  const start = order.findIndex((g) => STATES[s.state[g]] === 'healthy');
  if (start < 0) return order;
  const out = order.slice();
  let at = start;
  for (let i = start; i < order.length; i++) if (silent.has(s.units[order[i]])) out[at++] = order[i];
  for (let i = start; i < order.length; i++) if (!silent.has(s.units[order[i]])) out[at++] = order[i];
  return out;
}

/** Durations spanning at most this many whole steps (or 4 per unit) are sorted by counting. */
const COUNTING_RANGE = 4096;

/**
 * Sorts positions (in base order) by duration, longest first, then by base place. Whole
 * durations over a short range (cycles) are counted into place. Other whole durations
 * (milliseconds) make each position one exact number, (longest - duration) * n + place, and
 * a numeric sort of those needs no comparator call: several times faster for 29,000 units
 * in alarm. Otherwise the comparator.
 */
function byDuration(out: Int32Array, duration: Float64Array, base: Int32Array, place: Int32Array): void {
  if (out.length < 2) return;
  const n = base.length;
  let longest = -Infinity;
  let shortest = Infinity;
  let whole = true;
  for (let i = 0; i < out.length; i++) {
    const d = duration[out[i]];
    whole &&= Number.isInteger(d);
    if (d > longest) longest = d;
    if (d < shortest) shortest = d;
  }
  if (!whole || (longest - shortest + 1) * n > Number.MAX_SAFE_INTEGER) {
    out.sort((i, j) => duration[j] - duration[i] || place[i] - place[j]);
    return;
  }
  const range = longest - shortest + 1;
  if (range <= Math.max(COUNTING_RANGE, 4 * out.length)) return countingByDuration(out, duration, longest, range);
  // A loop, not Float64Array.from(out, map): that calls the map through the iterator, three times slower.
  const keys = new Float64Array(out.length);
  for (let i = 0; i < out.length; i++) keys[i] = (longest - duration[out[i]]) * n + place[out[i]];
  keys.sort();
  for (let i = 0; i < keys.length; i++) out[i] = base[keys[i] % n];
}

/** Whole durations over a short range (cycles): a counting sort, stable, so base order breaks ties. */
function countingByDuration(out: Int32Array, duration: Float64Array, longest: number, range: number): void {
  const start = new Int32Array(range + 1);
  for (let i = 0; i < out.length; i++) start[longest - duration[out[i]] + 1]++;
  for (let k = 1; k <= range; k++) start[k] += start[k - 1];
  const from = out.slice();
  for (let i = 0; i < from.length; i++) out[start[longest - duration[from[i]]]++] = from[i];
}
