// The columnar dataset every part of isoscope works on: one Float64Array per column
// (NaN marks a missing or non-numeric cell, and the counts say which), names and roles.
import { joinedCopy } from './joined.js';
import { printable } from './printable.js';

export type ColumnRole = 'unit' | 'time' | 'setting' | 'label' | 'rul' | 'feature';

export interface Column {
  name: string;
  role: ColumnRole;
  values: Float64Array;
  /** Empty cells. */
  missing: number;
  /** Cells that held text which is not a number (also NaN in values). */
  nonNumeric: number;
  /** For a timestamp column parsed from text: values are epoch milliseconds. */
  timestamp?: boolean;
  /** For a unit column of text ids: the id of code k is labels[k - 1] (codes count from 1 in order of appearance). */
  labels?: string[];
  /** The unit of measure a line under the header gave (°C, bar), for labels and charts. */
  measure?: string;
}

export interface Dataset {
  name: string;
  format: 'cmapss' | 'csv';
  rows: number;
  columns: Column[];
  /** Notes a reader wants the user to see (e.g. "RUL derived assuming run-to-failure"). */
  notes: string[];
}

/** The unit key of data without a unit column: its one series is one unit (codes of real units count from 1). */
export const WHOLE_SERIES = 0;

/** Which machine, when, and the ground truth: what the page keeps beside the scores for its charts, evaluation and slider index. */
const TRUTH_ROLES: ReadonlySet<ColumnRole> = new Set(['unit', 'time', 'rul', 'label']);

/** The unit, time and ground-truth columns as copies of their own (safe to transfer), with a unit column for a single series. */
export function truthOf(ds: Dataset): Dataset {
  const columns = ds.columns.filter((c) => TRUTH_ROLES.has(c.role)).map(ownColumn);
  return withWholeSeries({ ...ds, columns });
}

/** A plain column of its own: a parts column's parts or a compact column's codes must not ride along (a transfer would detach them). */
function ownColumn(c: Column): Column {
  const { name, role, missing, nonNumeric, timestamp, labels } = c;
  return {
    name,
    role,
    values: copyOfValues(c),
    missing,
    nonNumeric,
    ...(timestamp !== undefined ? { timestamp } : {}),
    ...(labels ? { labels } : {}),
  };
}

/**
 * A column's values in a new array. A column read in parts (a big file's, parts-column.ts) is
 * joined straight into it: its `values` would join them into a cached array first, a second
 * copy into memory touched for the first time, which then also crossed to the engine worker.
 */
function copyOfValues(c: Column): Float64Array {
  const parts = (c as { parts?: Float64Array[] }).parts;
  return parts ? joinedCopy(parts) : c.values.slice();
}

/** The dataset itself, or, without a unit column, the same with one: every row in unit WHOLE_SERIES. */
export function withWholeSeries(ds: Dataset): Dataset {
  if (columnByRole(ds, 'unit')) return ds;
  const unit: Column = { name: 'unit', role: 'unit', values: new Float64Array(ds.rows).fill(WHOLE_SERIES), missing: 0, nonNumeric: 0 };
  return { ...ds, columns: [unit, ...ds.columns] };
}

export class DataError extends Error {
  override name = 'DataError';

  /** One line, whatever a file or a flag put into it (printable.ts). */
  constructor(message: string) {
    super(printable(message));
  }
}

export function column(ds: Dataset, name: string): Column | undefined {
  return ds.columns.find((c) => c.name === name);
}

export function columnByRole(ds: Dataset, role: ColumnRole): Column | undefined {
  return ds.columns.find((c) => c.role === role);
}

/** The columns by name, in the order given; throws naming every absent one. */
export function requireColumns(ds: Dataset, names: readonly string[]): Column[] {
  const absent = names.filter((n) => !column(ds, n));
  if (absent.length) {
    throw new DataError(
      `the data has no column${absent.length > 1 ? 's' : ''} ${absent.map((a) => `"${a}"`).join(', ')} (it has: ${ds.columns.map((c) => c.name).join(', ')})`,
    );
  }
  return names.map((n) => column(ds, n)!);
}

/** The feature columns' values by name, in the order given; throws naming every absent one. */
export function featureColumns(ds: Dataset, names: readonly string[]): Float64Array[] {
  return requireColumns(ds, names).map((c) => c.values);
}
