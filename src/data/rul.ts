// Remaining useful life per reading: run-to-failure data ends at failure, so
// RUL = last cycle - cycle; a truncated test unit adds its RUL-file value.
import { DataError, columnByRole, type Dataset } from './dataset.js';
import { forEachUnitRun } from './unit-runs.js';

export function attachRul(ds: Dataset, rulAtEnd?: Float64Array, rulSource?: string): Dataset {
  const unit = columnByRole(ds, 'unit');
  const time = columnByRole(ds, 'time');
  if (!unit || !time) throw new DataError(`${ds.name}: remaining useful life needs a unit column and a time column`);
  const last = new Map<number, number>();
  const u0 = unit.values;
  const t0 = time.values;
  forEachUnitRun(u0, ds.rows, (u, from, to) => {
    let top = -Infinity;
    for (let i = from; i < to; i++) if (t0[i] > top) top = t0[i];
    if (!Number.isNaN(u) && top > (last.get(u) ?? -Infinity)) last.set(u, top);
  });
  if (rulAtEnd) {
    for (const u of last.keys()) {
      if (!Number.isInteger(u) || u < 1 || u > rulAtEnd.length) {
        throw new DataError(
          `${rulSource ?? 'RUL file'}: has ${rulAtEnd.length} values but the data has unit ${u}; a RUL file gives one value per unit 1..N, in order`,
        );
      }
    }
    // Units 1..N all present yet more values than N: most likely another subset's RUL file (RUL_FD002 for
    // test_FD001 pairs its first 100 values silently). A deliberate subset of units leaves gaps, and passes.
    let top = 0;
    for (const u of last.keys()) top = Math.max(top, u);
    if (last.size < rulAtEnd.length && top === last.size)
      throw new DataError(
        `${rulSource ?? 'RUL file'}: has ${rulAtEnd.length} values but ${ds.name} has ${last.size} units (1..${last.size}); is it another file's RUL? Give the RUL file of the same subset (RUL_FDxxx beside test_FDxxx), or, if its first ${last.size} values are meant, cut it to those lines`,
      );
  }
  const rul = new Float64Array(ds.rows);
  let runUnit = NaN;
  let end: number | undefined;
  let add = 0;
  for (let i = 0; i < ds.rows; i++) {
    const u = u0[i];
    if (!Object.is(u, runUnit)) {
      runUnit = u;
      end = last.get(u);
      add = end !== undefined && rulAtEnd ? rulAtEnd[u - 1] : 0;
    }
    rul[i] = end === undefined ? NaN : end - t0[i] + add;
  }
  const columns = ds.columns.filter((c) => c.role !== 'rul');
  columns.push({ name: 'rul', role: 'rul', values: rul, missing: 0, nonNumeric: 0 });
  const note = rulAtEnd
    ? `RUL from ${rulSource ?? 'the RUL file'}: its value at each unit's last reading, counted back per cycle`
    : 'RUL derived assuming every unit runs to failure at its last reading (run-to-failure data)';
  return { ...ds, columns, notes: [...ds.notes.filter((n) => !n.startsWith('RUL ')), note] };
}
