// A file without a unit column is one machine's series in time order. When its times start over
// or repeat, it most likely holds several machines under a column whose name isoscope did not
// read as the unit: their readings would be merged into one series, so the user is told.
import { columnByRole, type Dataset } from './dataset.js';
import { isMachineWord } from './roles.js';

/** Readings sharing their time with the one before, at or above this share, are machines side by side. */
const REPEATED_SHARE = 0.1;
const MIN_STEPS = 20;

/** The note for a one-series file whose times start over or repeat, naming the text columns that may tell machines apart. */
export function mixedSeriesNote(
  ds: Dataset,
  columns: readonly { name: string; role: string; count: number; nonNumeric: number }[],
): string | undefined {
  if (columnByRole(ds, 'unit')) return undefined;
  const time = columnByRole(ds, 'time');
  if (!time) return undefined;
  const t = time.values;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < t.length; i++) {
    if (t[i] < lo) lo = t[i];
    if (t[i] > hi) hi = t[i];
  }
  if (!(hi > lo)) return undefined;
  // Starting over: from the last quarter of the time range back into its first quarter (a clock set back an hour is not).
  const early = lo + (hi - lo) / 4;
  const late = hi - (hi - lo) / 4;
  let steps = 0;
  let same = 0;
  let restarts = 0;
  let firstRestart = -1;
  let prev = NaN;
  for (let i = 0; i < t.length; i++) {
    const x = t[i];
    if (x !== x) continue;
    if (prev === prev) {
      steps++;
      if (x === prev) same++;
      else if (x < early && prev > late && restarts++ === 0) firstRestart = i;
    }
    prev = x;
  }
  if (steps < MIN_STEPS) return undefined;
  const what =
    restarts > 0
      ? `${time.name} starts over ${restarts.toLocaleString('en-US')} time(s) (first at data row ${(firstRestart + 1).toLocaleString('en-US')})`
      : same >= steps * REPEATED_SHARE
        ? `${Math.round((same / steps) * 100)}% of readings share their ${time.name} with the one before`
        : undefined;
  if (!what) return undefined;
  // Text the reader left as text, or a machine word over numbers ("Turbine": 1…8).
  const hints = columns.flatMap((c) =>
    c.role !== 'feature'
      ? []
      : c.count === 0 && c.nonNumeric > 0
        ? [`${c.name} holds text`]
        : isMachineWord(c.name)
          ? [`${c.name} names a machine`]
          : [],
  );
  const which = hints.length
    ? ` (${hints.slice(0, 3).join(', ')}${hints.length > 1 ? '; one may be that column' : ' and may be that column'})`
    : '';
  return (
    `${what}, and no column is read as the unit, so every reading is taken as one machine's, in time order. ` +
    `If the file holds several machines, name the column that tells them apart unit_id${which}, or choose it as the unit column (the page's step 1; --unit-column in the CLI)`
  );
}
