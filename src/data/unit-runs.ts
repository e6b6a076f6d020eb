// A unit's rows come in runs (one run per unit in most files): walking the runs touches a
// map once per run instead of once per row.

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
