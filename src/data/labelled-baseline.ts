// Training rows that ground truth already calls anomalous: a forest and its threshold would
// learn them as normal. Said before training (the page's step 3) with, for one series, the
// training rows that end before its first labelled anomaly.
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
  /** One series only: its readings before the first labelled anomaly, in time order (a `first:N` that ends there). */
  before?: number;
}

/** `oneSeries`: the data is one machine's series (the page gives such data a unit column of its own). */
export function labelledInBaseline(ds: Dataset, b: Baseline, oneSeries = !columnByRole(ds, 'unit')): LabelledInBaseline | undefined {
  const label = columnByRole(ds, 'label')?.values;
  if (!label) return undefined;
  const mask = baselineMask(ds, b);
  let rows = 0;
  let of = 0;
  for (let i = 0; i < ds.rows; i++) {
    of += mask[i];
    if (mask[i] && label[i] === 1) rows++;
  }
  if (!rows) return undefined;
  const found = { column: columnByRole(ds, 'label')!.name, rows, of };
  if (!oneSeries) return found;
  const order = unitTimeOrder(ds);
  let before = 0;
  while (before < ds.rows && label[order ? order[before] : before] !== 1) before++;
  return { ...found, before };
}
