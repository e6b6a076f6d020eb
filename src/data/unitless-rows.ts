// Rows whose unit cell is empty, in a file with a unit column: their readings are one more group
// to the alarm rule, the calibration and the evaluation, which no board row or unit shows. The user
// is told how many there are and where the first is.
import { columnByRole, type Dataset } from './dataset.js';

export function unitlessRowsNote(ds: Dataset): string | undefined {
  const unit = columnByRole(ds, 'unit');
  if (!unit) return undefined;
  const u = unit.values;
  let count = 0;
  let first = -1;
  for (let i = 0; i < ds.rows; i++) if (u[i] !== u[i] && count++ === 0) first = i;
  if (count === 0) return undefined;
  return (
    `${unit.name} is empty in ${count.toLocaleString('en-US')} row(s) (first at data row ${(first + 1).toLocaleString('en-US')}): ` +
    `their readings are scored as one more series of their own, counted in the calibration and the evaluation but on no board row; give them an id, or leave them out of the file`
  );
}
