// A column read in parts: two ingest workers' shares of a big file. The readings stay in
// their parts until something needs one array; the engine worker encodes them straight
// from the parts (compact-columns.ts), so the 1 GB file's join, a 600 MB copy into memory
// touched for the first time, is never made. Anything else that reads `values` gets
// the parts joined, once.
import type { Column, Dataset } from './dataset.js';
import { joinedCopy } from './joined.js';

export class PartsColumn implements Column {
  readonly name: string;
  readonly role: Column['role'];
  readonly missing: number;
  readonly nonNumeric: number;
  readonly parts: Float64Array[];
  private joined?: Float64Array;

  constructor(meta: Pick<Column, 'name' | 'role' | 'missing' | 'nonNumeric'>, parts: Float64Array[]) {
    this.name = meta.name;
    this.role = meta.role;
    this.missing = meta.missing;
    this.nonNumeric = meta.nonNumeric;
    this.parts = parts;
  }

  get values(): Float64Array {
    return (this.joined ??= joinedCopy(this.parts));
  }

  set values(v: Float64Array) {
    this.joined = v;
  }
}

/** The buffers a column's values live in (its parts' for a parts column), to transfer it. */
export function columnBuffers(c: Column): ArrayBuffer[] {
  const views = c instanceof PartsColumn ? c.parts : [c.values];
  return views.map((v) => v.buffer as ArrayBuffer);
}

/**
 * The dataset as it arrived from another worker: a parts column crosses as a plain object
 * (its `parts`, no `values`) and is made a parts column again.
 */
export function withPartsColumns(ds: Dataset): Dataset {
  const columns = ds.columns.map((c) => {
    const parts = (c as Partial<PartsColumn>).parts;
    return parts && !(c instanceof PartsColumn) ? new PartsColumn(c, parts) : c;
  });
  return { ...ds, columns };
}
