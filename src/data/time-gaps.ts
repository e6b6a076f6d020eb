// Gaps in the time axis: stretches where a unit's readings stop and resume much later (a
// logger down, a machine stopped). Charts would draw a straight line across them and the
// window features would join readings hours apart, so the profile names them.
import { columnByRole, type Dataset } from './dataset.js';

/** A step this many times the usual one, or more, is a gap. */
export const GAP_FACTOR = 10;
/** Steps sampled for the usual step: a median of this many is exact enough and fast at millions of rows. */
const SAMPLED_STEPS = 1 << 16;

export interface TimeGaps {
  /** The median step between a unit's consecutive readings. */
  usualStep: number;
  /** Steps of GAP_FACTOR × usualStep or longer. */
  count: number;
  /** The longest: its length, the time of the reading before it, and the unit (NaN without units). */
  longest: { step: number; after: number; unit: number };
}

/** Steps of each unit sampled for its usual step: its first ones, enough for a logger's rate. */
const STEPS_PER_UNIT = 256;

/**
 * The gaps of a time column within each unit, each step against its own unit's usual step (units
 * may log at different rates), or undefined when there are none. `usualStep` is the usual step of
 * the unit with the longest gap.
 */
export function timeGaps(time: Float64Array, unit: Float64Array | undefined): TimeGaps | undefined {
  // A unit's steps are kept only once they differ: a logger's steady rate (most units) is a
  // count, not an array, so millions of readings make no garbage.
  const first: number[] = [];
  const counted: number[] = [];
  const mixed: (number[] | undefined)[] = [];
  eachStep(time, unit, (_, d, slot) => {
    const n = counted[slot] ?? 0;
    if (n >= STEPS_PER_UNIT || !(d > 0)) return;
    counted[slot] = n + 1;
    if (n === 0) first[slot] = d;
    else if (mixed[slot]) mixed[slot].push(d);
    else if (d !== first[slot]) mixed[slot] = [...(Array(n).fill(first[slot]) as number[]), d];
  });
  const usual = Array.from(counted, (n, slot) => {
    const own = mixed[slot];
    return own ? own.sort((a, b) => a - b)[own.length >> 1] : n ? first[slot] : NaN;
  });
  let count = 0;
  let longest = { step: 0, after: NaN, unit: NaN };
  let longestUsual = NaN;
  eachStep(time, unit, (i, d, slot) => {
    if (!(d >= usual[slot] * GAP_FACTOR)) return;
    count++;
    if (d > longest.step) {
      longest = { step: d, after: time[i] - d, unit: unit ? unit[i] : NaN };
      longestUsual = usual[slot];
    }
  });
  return count ? { usualStep: longestUsual, count, longest } : undefined;
}

/**
 * Calls `visit(i, step, slot)` for each reading with a time after an earlier one of its unit: the
 * step from that one, and the unit's slot (0, 1, … in order of appearance). Units may interleave (a
 * file in time order): each keeps its own last time, in a typed array by slot; the map from unit
 * to slot is asked once per run of one unit's rows.
 */
function eachStep(time: Float64Array, unit: Float64Array | undefined, visit: (i: number, step: number, slot: number) => void): void {
  const slots = new Map<number, number>();
  let last = new Float64Array(16).fill(NaN);
  let runUnit = NaN;
  let slot = 0;
  for (let i = 0; i < time.length; i++) {
    const u = unit ? unit[i] : 0;
    if (i === 0 || !(u === runUnit)) {
      runUnit = u;
      let s = slots.get(u);
      if (s === undefined) {
        s = slots.size;
        slots.set(u, s);
        if (s === last.length) {
          const grown = new Float64Array(s * 2).fill(NaN);
          grown.set(last);
          last = grown;
        }
      }
      slot = s;
    }
    const t = time[i];
    if (t !== t) continue;
    const before = last[slot];
    if (before === before) visit(i, t - before, slot);
    last[slot] = t;
  }
}

/** The profile with its time column's gaps, when it has any. */
export function withTimeGaps<P extends { columns: { name: string; gaps?: TimeGaps }[] }>(profile: P, ds: Dataset): P {
  const time = columnByRole(ds, 'time');
  if (!time) return profile;
  const gaps = timeGaps(time.values, columnByRole(ds, 'unit')?.values);
  if (!gaps) return profile;
  return { ...profile, columns: profile.columns.map((c) => (c.name === time.name ? { ...c, gaps } : c)) };
}

/**
 * For a chart of one unit's readings (`time`, in order) drawn at the rows `shown` (thinned or
 * not): 1 at drawn point k when a step of GAP_FACTOR × the unit's usual step or more lies between
 * shown[k-1] and shown[k]. Undefined when there is none. The unit's own usual step: units may log
 * at different rates.
 */
export function gapBreaks(time: ArrayLike<number>, shown: ArrayLike<number>): Uint8Array | undefined {
  const n = time.length;
  const steps: number[] = [];
  const stride = Math.max(1, Math.floor(n / SAMPLED_STEPS));
  for (let i = stride; i < n; i += stride) if (time[i] - time[i - 1] > 0) steps.push(time[i] - time[i - 1]);
  if (!steps.length) return undefined;
  steps.sort((a, b) => a - b);
  const gap = GAP_FACTOR * steps[steps.length >> 1];
  // Gaps up to each row, so a drawn pair asks "any between them?" in O(1).
  const upTo = new Uint32Array(n);
  for (let i = 1; i < n; i++) upTo[i] = upTo[i - 1] + (time[i] - time[i - 1] >= gap ? 1 : 0);
  if (upTo[n - 1] === 0) return undefined;
  const breaks = new Uint8Array(shown.length);
  for (let k = 1; k < shown.length; k++) if (upTo[shown[k]] > upTo[shown[k - 1]]) breaks[k] = 1;
  return breaks;
}
