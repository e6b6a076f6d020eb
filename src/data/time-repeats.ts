// Readings that share their unit's time with the reading before them. A few are a clock's
// repeated hour; many mean the unit id names more than one machine (a site's Machine 1 and
// another site's Machine 1 read as one unit), whose readings the model then takes as one
// machine's, jumping between them. One series is left to mixed-series.ts and the time
// column's own profile line, which say it already.
import type { Dataset } from './dataset.js';
import { SHARED_ID_WORDS, unitName, unitTimeSteps, type UnitTimeSteps } from './unit-time-steps.js';

/** From this share of a unit's readings repeating its time, the unit id is likely not the whole key. */
export const SHARED_ID_SHARE = 0.1;

/**
 * The note for a file whose times repeat within a unit (none when every unit's times differ
 * from reading to reading). `rows: false` for a sample, whose row numbers are not the file's.
 */
export function timeRepeatsNote(
  ds: Dataset,
  opts: { rows?: boolean } = {},
  steps: UnitTimeSteps | undefined = unitTimeSteps(ds),
): string | undefined {
  if (!steps?.unit || steps.repeats === 0) return undefined;
  const { time, repeats, firstRepeat, timed, units } = steps;
  const where =
    opts.rows === false ? '' : `, first at data row ${(firstRepeat + 1).toLocaleString('en-US')} (unit ${unitName(steps, firstRepeat)})`;
  const share = Math.round((100 * repeats) / timed);
  const why =
    repeats < SHARED_ID_SHARE * timed
      ? 'two readings at one time are taken in file order'
      : units > 1
        ? `${share}% of readings share a time with their unit's reading before them, ${SHARED_ID_WORDS}`
        : `${share}% of readings share a time with the reading before them: the readings come faster than the times are written (a clock in whole seconds?), or the unit holds several machines`;
  return `${time.name} repeats ${repeats.toLocaleString('en-US')} time(s) within a unit${where}: ${why}`;
}
