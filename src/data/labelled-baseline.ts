// Training rows that ground truth already calls anomalous: a forest and its threshold would
// learn them as normal. Said before training (the page's step 3) with the training rows
// (first:N) that end before every unit's first labelled anomaly.
import { columnByRole, type Dataset } from './dataset.js';
import { baselineMask, type Baseline } from './baseline.js';
import { unitTimeOrder } from './order.js';

/** A healthy stretch shorter than this before a series' first labelled anomaly is offered as no training rows. */
export const FEWEST_HEALTHY = 10;

export interface LabelledInBaseline {
  /** The ground-truth column. */
  column: string;
  /** Training rows labelled anomalous. */
  rows: number;
  /** Training rows the baseline chooses. */
  of: number;
  /**
   * The readings before the first labelled anomaly, in time order: one series', or the fewest of
   * any unit's (a `first:N` that ends before every unit's first).
   */
  before: number;
  /** With units: the unit with the fewest. */
  unit?: number;
  /** Every reading of the data is labelled 1: the file may mean 1 as normal. */
  everyReading: boolean;
  /** Every labelled reading is 1 and the others are blank: the file may mean blank as normal. */
  blankOthers: boolean;
}

/**
 * b: the training rows, or their mask already built (baselineMask). `oneSeries`: the data is one
 * machine's series (the page gives such data a unit column of its own). Undefined: no training
 * row is labelled anomalous.
 */
export function labelledInBaseline(
  ds: Dataset,
  b: Baseline | Uint8Array,
  oneSeries = !columnByRole(ds, 'unit'),
): LabelledInBaseline | undefined {
  const label = columnByRole(ds, 'label')?.values;
  if (!label) return undefined;
  const mask = b instanceof Uint8Array ? b : baselineMask(ds, b);
  let rows = 0;
  let of = 0;
  for (let i = 0; i < ds.rows; i++) {
    of += mask[i];
    if (mask[i] && label[i] === 1) rows++;
  }
  if (!rows) return undefined;
  const column = columnByRole(ds, 'label')!.name;
  const onlyOnes = label.every((v) => v === 1 || Number.isNaN(v));
  const everyReading = onlyOnes && label.every((v) => v === 1);
  const blankOthers = onlyOnes && !everyReading;
  const order = unitTimeOrder(ds);
  const units = oneSeries ? undefined : columnByRole(ds, 'unit')?.values;
  if (!units) {
    let before = 0;
    while (before < ds.rows && label[order ? order[before] : before] !== 1) before++;
    return { column, rows, of, before, everyReading, blankOthers };
  }
  // Each unit's readings so far, in its time order (-1 once its first labelled anomaly is met).
  const seen = new Map<number, number>();
  let before = Infinity;
  let unit: number | undefined;
  for (let j = 0; j < ds.rows; j++) {
    const i = order ? order[j] : j;
    const n = seen.get(units[i]) ?? 0;
    if (n < 0) continue;
    if (label[i] === 1) {
      if (n < before) [before, unit] = [n, units[i]];
      seen.set(units[i], -1);
    } else seen.set(units[i], n + 1);
  }
  return { column, rows, of, before, unit, everyReading, blankOthers };
}

/** A label column of 1s and blanks: a file that marks its anomalies alone. */
export const BLANK_OTHERS =
  'Its other readings are blank, which isoscope reads as unlabelled, not as 0 (normal): write 0 for the normal readings.';

/** Why no first:N is offered: the first labelled anomaly comes before FEWEST_HEALTHY readings. */
export function tooEarlyWords(found: LabelledInBaseline, unitName: (unit: number) => string): string {
  // A column of 1s alone is more likely a 'healthy' or 'ok' flag than a file that is anomalous throughout.
  if (found.everyReading)
    return 'Every reading is labelled 1, which isoscope reads as anomalous (0 normal, 1 anomaly): if 1 marks normal readings in this file, write the labels the other way round before training and evaluating.';
  const early =
    found.unit === undefined
      ? `The first labelled anomaly is reading ${found.before + 1}: too early for a healthy stretch before it.`
      : `Unit ${unitName(found.unit)}'s first labelled anomaly is its reading ${found.before + 1}: too early for a healthy stretch before every unit's first.`;
  return found.blankOthers ? `${early} ${BLANK_OTHERS}` : early;
}
