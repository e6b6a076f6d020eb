// The time axis, looked at once a file is read (page and CLI alike): its gaps, and whether its
// one series looks like several machines'.
import type { Dataset } from './dataset.js';
import { mixedSeriesNote } from './mixed-series.js';
import type { ColumnProfile } from './profile.js';
import { withTimeGaps, type TimeGaps } from './time-gaps.js';

/** The profile with its time column's gaps; the dataset's notes get mixed-series.ts's warning when it applies. */
export function withTimeAxis<
  P extends { columns: (Pick<ColumnProfile, 'name' | 'role' | 'count' | 'nonNumeric'> & { gaps?: TimeGaps })[] },
>(profile: P, ds: Dataset): P {
  const note = mixedSeriesNote(ds, profile.columns);
  if (note && !ds.notes.includes(note)) ds.notes.push(note);
  return withTimeGaps(profile, ds);
}
