// Readings whose time goes back within their unit: a clock set wrong, a day dated a month off,
// or a file written in its own order. isoscope takes each unit's readings in time order, so the
// user is told where the file's order and its times disagree, and how often.
import type { Dataset } from './dataset.js';
import { SHARED_ID_WORDS, unitName, unitTimeSteps, type UnitTimeSteps } from './unit-time-steps.js';

/** The note for a file whose times go back within a unit (none when its rows already run forward in time per unit). */
export function timeBackstepsNote(ds: Dataset, steps: UnitTimeSteps | undefined = unitTimeSteps(ds)): string | undefined {
  if (!steps || steps.backs === 0) return undefined;
  const { time, unit, backs, firstBack, restarts, units } = steps;
  const which = unit ? ` (unit ${unitName(steps, firstBack)})` : '';
  const head = `${time.name} goes back ${backs.toLocaleString('en-US')} time(s) within ${unit ? 'a unit' : 'the series'}, first at data row ${(firstBack + 1).toLocaleString('en-US')}${which}: `;
  // Every unit starting over (the same machine number at several sites, one site after another) is a key, not a clock.
  if (unit && restarts === backs && restarts >= units)
    return `${head}each time back to where the unit's readings began, ${SHARED_ID_WORDS}`;
  return head + `each unit's readings are taken in time order, not the file's, so check those dates if the file's order is the true one`;
}
