// Remaining useful life per reading: run-to-failure data ends at failure, so
// RUL = last cycle - cycle; a truncated test unit adds its RUL-file value.
import { DataError, columnByRole, type Dataset } from './dataset.js';

export function attachRul(ds: Dataset, rulAtEnd?: Float64Array, rulSource?: string): Dataset {
  const unit = columnByRole(ds, 'unit');
  const time = columnByRole(ds, 'time');
  if (!unit || !time) throw new DataError(`${ds.name}: remaining useful life needs a unit column and a time column`);
  const last = new Map<number, number>();
  for (let i = 0; i < ds.rows; i++) {
    const u = unit.values[i];
    const t = time.values[i];
    if (!Number.isNaN(u) && !Number.isNaN(t) && t > (last.get(u) ?? -Infinity)) last.set(u, t);
  }
  if (rulAtEnd) {
    for (const u of last.keys()) {
      if (!Number.isInteger(u) || u < 1 || u > rulAtEnd.length) {
        throw new DataError(
          `${rulSource ?? 'RUL file'}: has ${rulAtEnd.length} values but the data has unit ${u}; a RUL file gives one value per unit 1..N, in order`,
        );
      }
    }
  }
  const rul = new Float64Array(ds.rows);
  for (let i = 0; i < ds.rows; i++) {
    const u = unit.values[i];
    const end = last.get(u);
    rul[i] = end === undefined ? NaN : end - time.values[i] + (rulAtEnd ? rulAtEnd[u - 1] : 0);
  }
  const columns = ds.columns.filter((c) => c.role !== 'rul');
  columns.push({ name: 'rul', role: 'rul', values: rul, missing: 0, nonNumeric: 0 });
  const note = rulAtEnd
    ? `RUL from ${rulSource ?? 'the RUL file'}: its value at each unit's last reading, counted back per cycle`
    : 'RUL derived assuming every unit runs to failure at its last reading (run-to-failure data)';
  return { ...ds, columns, notes: [...ds.notes.filter((n) => !n.startsWith('RUL ')), note] };
}
