// The k-of-n rule turned into one number per reading, computed once per set of scores, so
// that a slider frame answers "in alarm at this reading?" by a comparison instead of
// replaying every unit. A reading is over the threshold when score < offset; at reading i
// the rule counts the readings under the offset among the last n, so "count >= k" is
// "the k-th smallest of the window < offset", and "count <= clear" is "the (clear+1)-th
// smallest >= offset". With hysteresis, alarm_i = count_i >= k or (alarm_{i-1} and
// count_i > clear), which is monotone in the offset by induction; so alarm_i holds exactly
// when offset > level_i with level_i = min(kth_i, max((clear+1)th_i, level_{i-1})).
import type { DebounceSettings } from './k-of-n.js';

/** Rows numbered by unit: units in order of first row; rows without a unit (NaN) form one more group. */
export interface UnitGroups {
  group: Int32Array;
  groups: number;
  /** The unit of each of the first units.length groups; a further group (if any) holds the rows without one. */
  units: number[];
}

/** Groups rows by unit (a single group when there is no unit column, as the k-of-n replay keys them all on one unit). */
export function groupByUnit(rows: number, unit?: Float64Array): UnitGroups {
  const group = new Int32Array(rows);
  if (!unit) return { group, groups: rows ? 1 : 0, units: [] };
  const index = new Map<number, number>();
  let lastUnit = NaN;
  let lastK = -1;
  let unitless = false;
  for (let i = 0; i < rows; i++) {
    const u = unit[i];
    if (u !== u) {
      group[i] = -1;
      unitless = true;
      continue;
    }
    if (u !== lastUnit) {
      // a unit's readings come in runs: one lookup per run
      let k = index.get(u);
      if (k === undefined) index.set(u, (k = index.size));
      lastUnit = u;
      lastK = k;
    }
    group[i] = lastK;
  }
  const units = [...index.keys()];
  if (unitless) for (let i = 0; i < rows; i++) if (group[i] < 0) group[i] = units.length;
  return { group, groups: units.length + (unitless ? 1 : 0), units };
}

/** Each group's readings in arrival order (positions start[g] .. start[g+1]-1), with their levels. */
export interface AlarmLevels {
  start: Int32Array;
  /** The row at each position. */
  row: Int32Array;
  /** The unit is in alarm after this reading iff offset > level (+Infinity: never). An unscored reading keeps the one before. */
  level: Float64Array;
  /** Some of the unit's last n scored readings are over the threshold iff offset > quiet. */
  quiet: Float64Array;
}

/** What a frame reads of the levels: `quiet` serves only to build the index, so it is not kept (48 MB at 6M readings). */
export type LevelsIndex = Omit<AlarmLevels, 'quiet'>;

/** What a frame reads of the groups: each row's group (24 MB at 6M readings) only serves to build the levels. */
export type GroupsIndex = Omit<UnitGroups, 'group'>;

/** One pass over every reading in arrival order, a sorted window of n scores per unit. */
export function alarmLevels(scores: Float64Array, g: UnitGroups, rule: Required<DebounceSettings>, order?: Int32Array | null): AlarmLevels {
  const rows = scores.length;
  const start = new Int32Array(g.groups + 1);
  for (let i = 0; i < rows; i++) start[g.group[i] + 1]++;
  for (let k = 0; k < g.groups; k++) start[k + 1] += start[k];
  const at = start.slice(0, g.groups);
  const row = new Int32Array(rows);
  for (let j = 0; j < rows; j++) {
    const i = order ? order[j] : j;
    row[at[g.group[i]]++] = i;
  }
  const level = new Float64Array(rows);
  const quiet = new Float64Array(rows);
  const { k, n, clear } = rule;
  const sorted = new Float64Array(n);
  const ring = new Float64Array(n);
  for (let u = 0; u < g.groups; u++) {
    let size = 0;
    let head = 0;
    let lv = Infinity;
    let q = Infinity;
    for (let p = start[u]; p < start[u + 1]; p++) {
      const s = scores[row[p]];
      if (s === s) {
        if (size === n) {
          const out = lowerBound(sorted, 0, size, ring[head]);
          sorted.copyWithin(out, out + 1, size);
          size--;
        }
        const into = upperBound(sorted, 0, size, s);
        sorted.copyWithin(into + 1, into, size);
        sorted[into] = s;
        size++;
        ring[head] = s;
        head = head + 1 === n ? 0 : head + 1;
        const raise = size >= k ? sorted[k - 1] : Infinity;
        const hold = size > clear ? sorted[clear] : Infinity;
        lv = Math.min(raise, Math.max(hold, lv));
        q = sorted[0];
      }
      level[p] = lv;
      quiet[p] = q;
    }
  }
  return { start, row, level, quiet };
}

/** First index in [lo, hi) of a sorted range whose value is not below x. */
export function lowerBound(a: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in [lo, hi) of a sorted range whose value is above x. */
function upperBound(a: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Alarms raised at the positions [first, end) of one unit (those kept): a pass over that unit only. */
export function risesIn(level: Float64Array, first: number, end: number, offset: number, keep?: (p: number) => boolean): number {
  let n = 0;
  for (let p = first; p < end; p++) if (level[p] < offset && (p === first || !(level[p - 1] < offset)) && (!keep || keep(p))) n++;
  return n;
}

/** The first position in [first, end) at which the unit is in alarm (and kept), or -1. */
export function firstAlarmIn(level: Float64Array, first: number, end: number, offset: number, keep?: (p: number) => boolean): number {
  for (let p = first; p < end; p++) if (level[p] < offset && (!keep || keep(p))) return p;
  return -1;
}
