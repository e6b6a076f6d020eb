// Readings whose time goes back within their unit: a clock set wrong, a day dated a month off,
// or a file written in its own order. isoscope takes each unit's readings in time order, so the
// user is told where the file's order and its times disagree, and how often.
import { columnByRole, type Dataset } from './dataset.js';

/** The note for a file whose times go back within a unit (none when its rows already run forward in time per unit). */
export function timeBackstepsNote(ds: Dataset): string | undefined {
  const time = columnByRole(ds, 'time');
  if (!time) return undefined;
  const unitColumn = columnByRole(ds, 'unit');
  const unit = unitColumn?.values;
  const t = time.values;
  const last = new Map<number, number>();
  let lastUnit = NaN;
  let lastTime = -Infinity;
  let backs = 0;
  let first = -1;
  for (let i = 0; i < ds.rows; i++) {
    const x = t[i];
    if (x !== x) continue;
    const u = unit ? unit[i] : 0;
    if (!(u === lastUnit)) {
      last.set(lastUnit, lastTime);
      lastUnit = u;
      lastTime = last.get(u) ?? -Infinity;
    }
    if (x < lastTime && backs++ === 0) first = i;
    lastTime = x;
  }
  if (backs === 0) return undefined;
  const labels = unitColumn?.labels;
  const u = unit?.[first];
  const which = u === undefined ? '' : ` (unit ${labels ? labels[u - 1] : u})`;
  return (
    `${time.name} goes back ${backs.toLocaleString('en-US')} time(s) within ${unit ? 'a unit' : 'the series'}, first at data row ${(first + 1).toLocaleString('en-US')}${which}: ` +
    `each unit's readings are taken in time order, not the file's, so check those dates if the file's order is the true one`
  );
}
