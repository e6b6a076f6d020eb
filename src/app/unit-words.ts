// How the page names a unit: its number ("12"), its text id from the file ("pump-A"),
// or, for data without a unit column, the file's one series by the file's name.
import { columnByRole, type Dataset } from '../data/dataset.js';

export interface UnitWords {
  /** "12", "pump-A", "line-3" (the file line-3.csv without a unit column). */
  name(u: number): string;
  /** Orders units by their names ("pump-2" before "pump-10"). */
  compare(a: number, b: number): number;
}

const collator = new Intl.Collator('en', { numeric: true });

/** whole: the name of data without a unit column, whose rows are all unit WHOLE_SERIES. */
export function unitWords(truth?: Dataset, whole?: string): UnitWords {
  if (whole !== undefined) return { name: () => whole, compare: () => 0 };
  const labels = truth && columnByRole(truth, 'unit')?.labels;
  if (!labels) return { name: (u) => String(u), compare: (a, b) => a - b };
  const name = (u: number) => labels[u - 1] ?? String(u);
  return { name, compare: (a, b) => collator.compare(name(a), name(b)) };
}
