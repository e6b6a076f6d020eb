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
  const firstOf = new Map<number, number>();
  let restarts = 0;
  let lastUnit = NaN;
  let lastTime = -Infinity;
  let backs = 0;
  let first = -1;
  for (let i = 0; i < ds.rows; i++) {
    const x = t[i];
    const u = unit ? unit[i] : 0;
    // A row without a unit id is no unit's reading (unitless-rows.ts says so).
    if (x !== x || u !== u) continue;
    if (u !== lastUnit) {
      last.set(lastUnit, lastTime);
      lastUnit = u;
      lastTime = last.get(u) ?? -Infinity;
      if (!firstOf.has(u)) firstOf.set(u, x);
    }
    if (x < lastTime) {
      if (backs++ === 0) first = i;
      // Back to where the unit's readings began (within a twentieth of its span so far), as another
      // machine's start would be; a day dated a month off lands far from it.
      const start = firstOf.get(u)!;
      if (Math.abs(x - start) <= (lastTime - start) / 20) restarts++;
    }
    lastTime = x;
  }
  if (backs === 0) return undefined;
  const labels = unitColumn?.labels;
  const u = unit?.[first];
  const which = u === undefined ? '' : ` (unit ${labels ? labels[u - 1] : u})`;
  const head = `${time.name} goes back ${backs.toLocaleString('en-US')} time(s) within ${unit ? 'a unit' : 'the series'}, first at data row ${(first + 1).toLocaleString('en-US')}${which}: `;
  // Every unit starting over (the same machine number at several sites, one site after another) is a key, not a clock.
  if (unit && restarts === backs && restarts >= firstOf.size)
    return (
      head +
      `each time back to where the unit's readings began, so one id may name several machines (the same machine number at several sites?). ` +
      'A unit column must tell the machines apart by itself: if it takes two columns (site and machine), join them into one column in the file'
    );
  return head + `each unit's readings are taken in time order, not the file's, so check those dates if the file's order is the true one`;
}
