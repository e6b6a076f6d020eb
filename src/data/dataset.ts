// The columnar dataset every part of isoscope works on: one Float64Array per column
// (NaN marks a missing or non-numeric cell, and the counts say which), names and roles.

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
  /** For a column of text ids ("press-01"): values are codes 1, 2, …; the text of code c is labels[c - 1]. */
  labels?: string[];
}

export interface Dataset {
  name: string;
  format: 'cmapss' | 'csv';
  rows: number;
  columns: Column[];
  /** Notes a reader wants the user to see (e.g. "RUL derived assuming run-to-failure"). */
  notes: string[];
}

export class DataError extends Error {
  override name = 'DataError';
}

export function column(ds: Dataset, name: string): Column | undefined {
  return ds.columns.find((c) => c.name === name);
}

export function columnByRole(ds: Dataset, role: ColumnRole): Column | undefined {
  return ds.columns.find((c) => c.role === role);
}

/** The feature columns by name, in the order given; throws naming every absent one. */
export function featureColumns(ds: Dataset, names: readonly string[]): Float64Array[] {
  const absent = names.filter((n) => !column(ds, n));
  if (absent.length) {
    throw new DataError(
      `the data has no column${absent.length > 1 ? 's' : ''} ${absent.map((a) => `"${a}"`).join(', ')} (it has: ${ds.columns.map((c) => c.name).join(', ')})`,
    );
  }
  return names.map((n) => column(ds, n)!.values);
}
