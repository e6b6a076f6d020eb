// Readings that share their unit's time with the reading before them. A few are a clock's
// repeated hour; many mean the unit id names more than one machine (a site's Machine 1 and
// another site's Machine 1 read as one unit), whose readings the model then takes as one
// machine's, jumping between them. One series is left to mixed-series.ts and the time
// column's own profile line, which say it already.
import { columnByRole, type Dataset } from './dataset.js';

/** From this share of a unit's readings repeating its time, the unit id is likely not the whole key. */
export const SHARED_ID_SHARE = 0.1;

/**
 * The note for a file whose times repeat within a unit (none when every unit's times differ
 * from reading to reading). `rows: false` for a sample, whose row numbers are not the file's.
 */
export function timeRepeatsNote(ds: Dataset, opts: { rows?: boolean } = {}): string | undefined {
  const time = columnByRole(ds, 'time');
  const unitColumn = columnByRole(ds, 'unit');
  if (!time || !unitColumn) return undefined;
  const unit = unitColumn.values;
  const t = time.values;
  const last = new Map<number, number>();
  let lastUnit = NaN;
  let lastTime = NaN;
  let repeats = 0;
  let first = -1;
  let timed = 0;
  for (let i = 0; i < ds.rows; i++) {
    const x = t[i];
    const u = unit[i];
    // A row without a unit id is no unit's reading (unitless-rows.ts says so).
    if (x !== x || u !== u) continue;
    timed++;
    if (u !== lastUnit) {
      last.set(lastUnit, lastTime);
      lastUnit = u;
      lastTime = last.get(u) ?? NaN;
    }
    if (x === lastTime && repeats++ === 0) first = i;
    lastTime = x;
  }
  if (repeats === 0) return undefined;
  last.set(lastUnit, lastTime);
  last.delete(NaN);
  const name = (u: number) => (unitColumn.labels ? unitColumn.labels[u - 1] : String(u));
  const where = opts.rows === false ? '' : `, first at data row ${(first + 1).toLocaleString('en-US')} (unit ${name(unit[first])})`;
  const share = Math.round((100 * repeats) / timed);
  const why =
    repeats < SHARED_ID_SHARE * timed
      ? 'two readings at one time are taken in file order'
      : last.size > 1
        ? `${share}% of readings share a time with their unit's reading before them, so one id may name several machines (the same machine number at several sites?). ` +
          'A unit column must tell the machines apart by itself: if it takes two columns (site and machine), join them into one column in the file'
        : `${share}% of readings share a time with the reading before them: the readings come faster than the times are written (a clock in whole seconds?), or the unit holds several machines`;
  return `${time.name} repeats ${repeats.toLocaleString('en-US')} time(s) within a unit${where}: ${why}`;
}
