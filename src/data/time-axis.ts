// The time axis and the unit key, looked at once a file is read (page and CLI alike): its gaps,
// whether its one series looks like several machines', whether its times go back or repeat within
// a unit, and rows without a unit id.
import type { Dataset } from './dataset.js';
import { mixedSeriesNote } from './mixed-series.js';
import { timeBackstepsNote } from './time-backsteps.js';
import { timeRepeatsNote } from './time-repeats.js';
import { unitTimeSteps } from './unit-time-steps.js';
import { unitlessRowsNote } from './unitless-rows.js';
import type { ColumnProfile } from './profile.js';
import { withTimeGaps, type TimeGaps } from './time-gaps.js';

/** The profile with its time column's gaps; the dataset's notes get mixed-series.ts's warning when it applies. */
export function withTimeAxis<
  P extends { columns: (Pick<ColumnProfile, 'name' | 'role' | 'count' | 'nonNumeric'> & { gaps?: TimeGaps })[] },
>(profile: P, ds: Dataset): P {
  // Several machines in one series go back in time at each restart: that note says more.
  const mixed = mixedSeriesNote(ds, profile.columns);
  const steps = mixed ? undefined : unitTimeSteps(ds);
  const notes = mixed ? [mixed] : [timeBackstepsNote(ds, steps), timeRepeatsNote(ds, {}, steps)];
  for (const n of [...notes, unitlessRowsNote(ds)]) if (n && !ds.notes.includes(n)) ds.notes.push(n);
  return withTimeGaps(profile, ds);
}
