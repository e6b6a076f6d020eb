// The time axis and the unit key, looked at once a file is read (page and CLI alike): its gaps,
// whether its one series looks like several machines', whether its times go back or repeat within
// a unit, rows without a unit id, and units that stopped reporting long before the rest.
import type { Dataset } from './dataset.js';
import { mixedSeriesNote } from './mixed-series.js';
import { timeBackstepsNote } from './time-backsteps.js';
import { timeRepeatsNote } from './time-repeats.js';
import { unitTimeSteps } from './unit-time-steps.js';
import { unitlessRowsNote } from './unitless-rows.js';
import { silentUnitsNote } from './unit-silence.js';
import type { ColumnProfile } from './profile.js';
import { withTimeGaps, type TimeGaps } from './time-gaps.js';

/** The profile with its time column's gaps; the dataset's notes get mixed-series.ts's warning when it applies. */
export function withTimeAxis<
  P extends { columns: (Pick<ColumnProfile, 'name' | 'role' | 'count' | 'nonNumeric'> & { gaps?: TimeGaps })[] },
>(profile: P, ds: Dataset): P {
  const notes = unitTimeNotes(ds, mixedSeriesNote(ds, profile.columns));
  for (const n of [...notes, unitlessRowsNote(ds), silentUnitsNote(ds)]) if (n && !ds.notes.includes(n)) ds.notes.push(n);
  return withTimeGaps(profile, ds);
}

/**
 * What the unit key and the times within units say: the mixed-series note when there is one
 * (several machines in one series go back in time at each restart: it says more), else the
 * times that go back or repeat within a unit. A sample's rows are not the file's: it gets no
 * row numbers, and no backward times, which it places by row.
 */
export function unitTimeNotes(ds: Dataset, mixed: string | undefined, sampled = false): string[] {
  if (mixed) return [mixed];
  const steps = unitTimeSteps(ds);
  const notes = sampled ? [timeRepeatsNote(ds, { rows: false }, steps)] : [timeBackstepsNote(ds, steps), timeRepeatsNote(ds, {}, steps)];
  return notes.filter((n): n is string => !!n);
}
