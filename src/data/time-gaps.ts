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

/** The gaps of a time column within each unit, or undefined when there are none (or no usual step to measure by). */
export function timeGaps(time: Float64Array, unit: Float64Array | undefined): TimeGaps | undefined {
  const n = time.length;
  const stride = Math.max(1, Math.floor(n / SAMPLED_STEPS));
  const sample: number[] = [];
  eachStep(time, unit, (i, d) => {
    if (i % stride === 0 && d > 0) sample.push(d);
  });
  if (!sample.length) return undefined;
  sample.sort((a, b) => a - b);
  const usualStep = sample[sample.length >> 1];
  const gap = usualStep * GAP_FACTOR;
  let count = 0;
  let longest = { step: 0, after: NaN, unit: NaN };
  eachStep(time, unit, (i, d) => {
    if (!(d >= gap)) return;
    count++;
    if (d > longest.step) longest = { step: d, after: time[i] - d, unit: unit ? unit[i] : NaN };
  });
  return count ? { usualStep, count, longest } : undefined;
}

/**
 * Calls `visit(i, step)` for each reading with a time after an earlier one of its unit, the step
 * from that one. Units may interleave (a file in time order): each keeps its own last time.
 */
function eachStep(time: Float64Array, unit: Float64Array | undefined, visit: (i: number, step: number) => void): void {
  const last = new Map<number, number>();
  let runUnit = NaN;
  let runLast = NaN;
  for (let i = 0; i < time.length; i++) {
    const u = unit ? unit[i] : 0;
    // A run of one unit's rows reads its last time from locals; the map is touched once per run.
    if (i === 0 || u !== runUnit) {
      if (i > 0 && runLast === runLast) last.set(runUnit, runLast);
      runUnit = u;
      runLast = last.get(u) ?? NaN;
    }
    const t = time[i];
    if (t !== t) continue;
    if (runLast === runLast) visit(i, t - runLast);
    runLast = t;
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
