// Data-quality profile: per-column statistics in one pass (plus a capped distinct
// count), constant / near-constant / flat-lined flags, and the default feature set
// with a reason for every column in or out.
import { columnByRole, type ColumnRole, type Dataset } from './dataset.js';
import { DistinctCounter } from './distinct.js';

export const DISTINCT_CAP = 10000;
/** A non-constant column whose most common value covers this share of rows is near-constant. */
export const NEAR_CONSTANT_SHARE = 0.95;
/** A run of identical consecutive values (within a unit) this long or longer is a flat line. */
export const FLAT_RUN_MIN = 20;

export interface ColumnProfile {
  name: string;
  role: ColumnRole;
  count: number;
  missing: number;
  nonNumeric: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  /** Exact up to DISTINCT_CAP; DISTINCT_CAP means "at least". */
  distinct: number;
  constant: boolean;
  nearConstant: boolean;
  /** Longest run of one repeated value within a unit. */
  longestFlatRun: number;
  flatLined: boolean;
  feature: boolean;
  reason: string;
}

export interface Profile {
  rows: number;
  units: number;
  columns: ColumnProfile[];
  defaultFeatures: string[];
}

export function profileDataset(ds: Dataset): Profile {
  const unit = columnByRole(ds, 'unit')?.values;
  const columns = ds.columns.map((c) => {
    const v = c.values;
    let count = 0;
    let mean = 0;
    let m2 = 0;
    let min = Infinity;
    let max = -Infinity;
    let run = 0;
    let longest = 0;
    let prev = NaN;
    // A column has at most v.length distinct values: a table sized for that counts the same, and a wide one-row file stays fast.
    const seen = new DistinctCounter(Math.min(DISTINCT_CAP, Math.max(1, v.length)));
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      const sameUnit = !unit || i === 0 || unit[i] === unit[i - 1];
      if (Number.isNaN(x)) {
        prev = NaN;
        run = 0;
        continue;
      }
      count++;
      const delta = x - mean; // Welford: stable for large offsets like 9046.19
      mean += delta / count;
      m2 += delta * (x - mean);
      if (x < min) min = x;
      if (x > max) max = x;
      run = sameUnit && x === prev ? run + 1 : 1;
      if (run > longest) longest = run;
      prev = x;
      seen.add(x);
    }
    const std = count ? Math.sqrt(m2 / count) : NaN;
    const distinct = seen.size;
    const constant = count > 0 && min === max;
    const top = seen.topCount();
    const nearConstant = !constant && count > 0 && distinct < DISTINCT_CAP && top / count >= NEAR_CONSTANT_SHARE;
    const flatLined = (c.role === 'feature' || c.role === 'setting') && !constant && longest >= FLAT_RUN_MIN && distinct > 2;
    const base = {
      name: c.name,
      role: c.role,
      count,
      missing: c.missing,
      nonNumeric: c.nonNumeric,
      min: count ? min : NaN,
      max: count ? max : NaN,
      mean: count ? mean : NaN,
      std,
      distinct,
      constant,
      nearConstant,
      longestFlatRun: longest,
      flatLined,
    };
    return { ...base, ...defaultInclusion(base, ds.rows) };
  });
  return {
    rows: ds.rows,
    units: unit ? new Set(unit.filter((u) => !Number.isNaN(u))).size : 0,
    columns,
    defaultFeatures: columns.filter((c) => c.feature).map((c) => c.name),
  };
}

type Stats = Omit<ColumnProfile, 'feature' | 'reason'>;

function defaultInclusion(c: Stats, rows: number): { feature: boolean; reason: string } {
  switch (c.role) {
    case 'unit':
      return { feature: false, reason: 'unit id: identifies the machine, not its health' };
    case 'time':
      return { feature: false, reason: 'time axis: orders readings, not a health signal' };
    case 'label':
      return { feature: false, reason: 'label: ground truth for evaluation, never a feature' };
    case 'rul':
      return { feature: false, reason: 'remaining useful life: ground truth, never a feature' };
    case 'setting':
      return { feature: false, reason: 'operating setting: a condition, not a health signal' };
  }
  if (c.count === 0) return { feature: false, reason: 'no numeric values' };
  if (c.constant) return { feature: false, reason: `constant (always ${c.min})` };
  if (c.nearConstant) return { feature: false, reason: `near-constant (one value in ≥${NEAR_CONSTANT_SHARE * 100}% of rows)` };
  if (c.count < rows * 0.5) return { feature: false, reason: `mostly missing (${rows - c.count} of ${rows} cells)` };
  if (c.flatLined) return { feature: true, reason: `sensor; note a flat line of ${c.longestFlatRun} readings` };
  return { feature: true, reason: 'varying sensor' };
}
