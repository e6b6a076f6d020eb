// A unit's rows come in runs (one run per unit in most files): walking the runs touches a
// map once per run instead of once per row.
import { WHOLE_SERIES, columnByRole, type Dataset } from './dataset.js';
import { timeOrderedPerUnit } from './order.js';

/** Calls `visit(unit, from, to)` for each run of rows [from, to) of one unit (NaN units run together, as one group). */
export function forEachUnitRun(unit: Float64Array, rows: number, visit: (unit: number, from: number, to: number) => void): void {
  for (let i = 0; i < rows;) {
    const u = unit[i];
    let end = i + 1;
    while (end < rows && Object.is(unit[end], u)) end++;
    visit(u, i, end);
    i = end;
  }
}

/**
 * Each unit's row numbers, gathered run by run (no list grows per row), in the order its
 * readings are scored: file order when every unit's times already go forward
 * (timeOrderedPerUnit), else time order, rows without a time last and ties in file order.
 * NaN units are left out; without a unit column every row is one unit, WHOLE_SERIES.
 */
export function rowsByUnit(ds: Dataset): Map<number, Int32Array> {
  const unit = columnByRole(ds, 'unit')?.values;
  const rows = ds.rows;
  const time = timeOrderedPerUnit(ds) ? undefined : columnByRole(ds, 'time')?.values;
  const runs = new Map<number, number[]>();
  if (!unit) runs.set(WHOLE_SERIES, [0, rows]);
  else
    forEachUnitRun(unit, rows, (u, from, to) => {
      if (Number.isNaN(u)) return;
      let r = runs.get(u);
      if (!r) runs.set(u, (r = []));
      r.push(from, to);
    });
  const out = new Map<number, Int32Array>();
  runs.forEach((r, u) => {
    let n = 0;
    for (let k = 0; k < r.length; k += 2) n += r[k + 1] - r[k];
    const list = new Int32Array(n);
    for (let k = 0, w = 0; k < r.length; k += 2) for (let i = r[k]; i < r[k + 1]; i++) list[w++] = i;
    out.set(u, time ? inTimeOrder(list, time) : list);
  });
  return out;
}

/** The rows (ascending) in time order, rows without a time last. */
function inTimeOrder(list: Int32Array, time: Float64Array): Int32Array {
  const at = (r: number) => (time[r] === time[r] ? time[r] : Infinity);
  for (let k = 1; k < list.length; k++) if (at(list[k - 1]) > at(list[k])) return list.sort((a, b) => at(a) - at(b) || a - b);
  return list;
}
