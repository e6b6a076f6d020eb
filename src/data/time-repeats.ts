// Readings that share their unit's time with the reading before them. A few are a clock's
// repeated hour; many mean the unit id names more than one machine (a site's Machine 1 and
// another site's Machine 1 read as one unit), whose readings the model then takes as one
// machine's, jumping between them.
import { columnByRole, type Dataset } from './dataset.js';

/** From this share of a unit's readings repeating its time, the unit id is likely not the whole key. */
export const SHARED_ID_SHARE = 0.1;

/** The note for a file whose times repeat within a unit (none when every unit's times differ from reading to reading). */
export function timeRepeatsNote(ds: Dataset): string | undefined {
  const time = columnByRole(ds, 'time');
  if (!time) return undefined;
  const unitColumn = columnByRole(ds, 'unit');
  const unit = unitColumn?.values;
  const t = time.values;
  const last = new Map<number, number>();
  let lastUnit = NaN;
  let lastTime = NaN;
  let repeats = 0;
  let first = -1;
  let timed = 0;
  for (let i = 0; i < ds.rows; i++) {
    const x = t[i];
    if (x !== x) continue;
    timed++;
    const u = unit ? unit[i] : 0;
    if (!(u === lastUnit)) {
      last.set(lastUnit, lastTime);
      lastUnit = u;
      lastTime = last.get(u) ?? NaN;
    }
    if (x === lastTime && repeats++ === 0) first = i;
    lastTime = x;
  }
  if (repeats === 0) return undefined;
  const labels = unitColumn?.labels;
  const u = unit?.[first];
  const which = u === undefined ? '' : ` (unit ${labels ? labels[u - 1] : u})`;
  const where = unit ? 'a unit' : 'the series';
  const shared =
    repeats >= SHARED_ID_SHARE * timed
      ? unit
        ? `: ${Math.round((100 * repeats) / timed)}% of readings share a time with their unit's reading before them, so one id may name several machines (the same machine number at several sites?); give a unit column that tells them apart, or join the columns that do into one`
        : `: ${Math.round((100 * repeats) / timed)}% of readings share a time with the reading before them, so the file may hold several machines; give the column that tells them apart (--unit-column, or the page's Unit column)`
      : ': two readings at one time are taken in file order';
  return `${time.name} repeats ${repeats.toLocaleString('en-US')} time(s) within ${where}, first at data row ${(first + 1).toLocaleString('en-US')}${which}${shared}`;
}
