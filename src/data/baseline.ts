// Training-row selection: all rows, or each unit's healthy start (first N cycles or
// first X% of its life), the way predictive maintenance trains on normal behaviour.
import { DataError, columnByRole, type Dataset } from './dataset.js';
import { unitTimeOrder } from './order.js';

export type Baseline = { kind: 'all' } | { kind: 'first'; count: number } | { kind: 'firstPercent'; percent: number };

export function parseBaseline(spec: string): Baseline {
  const s = spec.trim();
  if (s === 'all') return { kind: 'all' };
  const m = /^first:(\d+(?:\.\d+)?)(%?)$/.exec(s);
  if (!m) throw new DataError(`baseline "${spec}" is not understood; use all, first:N (cycles) or first:X% (of each unit's life)`);
  const v = Number(m[1]);
  if (m[2]) {
    if (!(v > 0 && v <= 100)) throw new DataError(`baseline percent must be in (0, 100], got ${v}`);
    return { kind: 'firstPercent', percent: v };
  }
  if (!Number.isInteger(v) || v < 1) throw new DataError(`baseline cycle count must be a whole number >= 1, got ${m[1]}`);
  return { kind: 'first', count: v };
}

export function formatBaseline(b: Baseline): string {
  return b.kind === 'all' ? 'all' : b.kind === 'first' ? `first:${b.count}` : `first:${b.percent}%`;
}

/**
 * 1 for rows inside the baseline. Per unit when the data has a unit column, else over
 * the whole series. Position within a unit follows row order (readings are in time order).
 */
export function baselineMask(ds: Dataset, b: Baseline): Uint8Array {
  const mask = new Uint8Array(ds.rows);
  if (b.kind === 'all') return mask.fill(1);
  const unit = columnByRole(ds, 'unit')?.values;
  // Dense unit slots, one Map lookup per run of a unit's readings.
  const slotOf = new Int32Array(ds.rows);
  const slots = new Map<number, number>();
  let lastUnit = NaN;
  let lastSlot = 0;
  for (let i = 0; i < ds.rows; i++) {
    const u = unit ? unit[i] : 0;
    if (!(u === lastUnit)) {
      let s = slots.get(u);
      if (s === undefined) slots.set(u, (s = slots.size));
      lastUnit = u;
      lastSlot = s;
    }
    slotOf[i] = lastSlot;
  }
  const size = new Int32Array(slots.size);
  for (let i = 0; i < ds.rows; i++) size[slotOf[i]]++;
  const seen = new Int32Array(slots.size);
  // A unit's first readings are its earliest, whatever the file's row order (a shuffled file took its last ones).
  const order = unitTimeOrder(ds);
  for (let j = 0; j < ds.rows; j++) {
    const i = order ? order[j] : j;
    const s = slotOf[i];
    const limit = b.kind === 'first' ? b.count : Math.max(1, Math.floor((size[s] * b.percent) / 100));
    if (seen[s]++ < limit) mask[i] = 1;
  }
  return mask;
}

/** Row indices of the mask whose features are all present; counts the ones left out. */
export function trainingRows(
  mask: Uint8Array,
  features: readonly Float64Array[],
  /** The raw inputs by name, asked for only when no row is complete, to say why. */
  inputs?: () => readonly { name: string; values: Float64Array }[],
  /** Whether the features are derived (a window, a unit's first readings): then complete inputs may still lack them. */
  derived = false,
): { rows: Int32Array; droppedMissing: number } {
  const rows = new Int32Array(mask.length);
  let n = 0;
  let dropped = 0;
  outer: for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    for (const f of features) {
      if (!Number.isFinite(f[i])) {
        dropped++;
        continue outer;
      }
    }
    rows[n++] = i;
  }
  // Training needs two rows (params.ts); one is as short of it as none, and has the same causes.
  if (n < 2)
    throw new DataError(
      `${n ? 'too few training rows: the baseline selects only 1 row' : 'no training rows: the baseline selects no rows'} with every feature present${inputs ? whyNoneComplete(mask, inputs(), derived) : ''}`,
    );
  return { rows: rows.slice(0, n), droppedMissing: dropped };
}

/** Why no baseline row has every input: one never given, or inputs logged on rows of their own. */
function whyNoneComplete(mask: Uint8Array, inputs: readonly { name: string; values: Float64Array }[], derived: boolean): string {
  let rows = 0;
  let together = 0;
  const present = inputs.map(() => 0);
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    rows++;
    let all = true;
    inputs.forEach((c, f) => {
      if (Number.isFinite(c.values[i])) present[f]++;
      else all = false;
    });
    if (all) together++;
  }
  const never = inputs.filter((_, f) => present[f] === 0).map((c) => c.name);
  if (never.length)
    return `: ${never.join(', ')} ${never.length > 1 ? 'are' : 'is'} missing in every one of its ${rows} rows; leave ${never.length > 1 ? 'them' : 'it'} out of the features`;
  if (together > 0 && !derived)
    return `: ${together} of its ${rows} rows ${together === 1 ? 'has' : 'have'} every input; take a longer baseline`;
  if (together > 0)
    return `: every input is present on ${together} of its ${rows} rows, but a derived feature (a window statistic, the deviation from a unit's first readings) has no value until a unit has given enough readings, and the baseline ends before that; take a longer baseline, or a shorter window`;
  const shares = inputs.map((c, f) => `${c.name} in ${Math.round((100 * present[f]) / rows)}%`).join(', ');
  return `: the inputs are never given on one row (${shares} of its ${rows} rows), as when each sensor is logged on rows of its own; train on inputs logged together, or write each time's readings on one row`;
}
