// The engine worker keeps the loaded readings as codes (compact-values.ts), at half the
// bytes. Work on the data reads it through a view made for that piece of work: a view's
// column decodes to Float64 when first read and keeps that copy, so the copy is freed
// with the view, and the stored data stays compact. Readers that want a few rows or a
// range decode just those (readRows, readRange) and never make the whole copy.
import { compactParts, decodeAt, decodeRange, decodeRows, type CompactValues } from './compact-values.js';
import { PartsColumn } from './parts-column.js';
import type { Column, ColumnRole, Dataset } from './dataset.js';

/** The readings. Unit, time and truth columns are read on nearly every path and stay Float64. */
const COMPACT_ROLES: ReadonlySet<ColumnRole> = new Set(['feature', 'setting']);

export class CompactColumn implements Column {
  readonly name: string;
  readonly role: ColumnRole;
  readonly missing: number;
  readonly nonNumeric: number;
  readonly timestamp?: boolean;
  readonly labels?: string[];
  readonly measure?: string;
  readonly compact: CompactValues;
  private decoded?: Float64Array;

  constructor(meta: Omit<Column, 'values'>, compact: CompactValues) {
    this.name = meta.name;
    this.role = meta.role;
    this.missing = meta.missing;
    this.nonNumeric = meta.nonNumeric;
    if (meta.timestamp !== undefined) this.timestamp = meta.timestamp;
    if (meta.labels !== undefined) this.labels = meta.labels;
    if (meta.measure !== undefined) this.measure = meta.measure;
    this.compact = compact;
  }

  get values(): Float64Array {
    return (this.decoded ??= decodeRange(this.compact));
  }

  set values(v: Float64Array) {
    this.decoded = v;
  }

  /** The same codes with no decoded copy: a new view's column. */
  fresh(): CompactColumn {
    return new CompactColumn(this, this.compact);
  }
}

/** A column the engine keeps as codes (when its values allow): the readings. */
export function compactable(c: Column): boolean {
  return COMPACT_ROLES.has(c.role);
}

/** The column in codes (a parts column encoded from its parts), or the column itself when a value would not come back exactly. */
export function compactColumn(c: Column): Column {
  if (c instanceof CompactColumn || !COMPACT_ROLES.has(c.role)) return c;
  const compact = compactParts(c instanceof PartsColumn ? c.parts : [c.values]);
  if (compact) return new CompactColumn(metaOf(c), compact);
  // Parts that cannot be codes are joined once, here: a parts column read later would hold its parts and the join.
  return c instanceof PartsColumn ? plainColumn(c, c.values) : c;
}

/** A dataset for one piece of work: what its columns decode is its own and goes with it. */
export function readView(ds: Dataset): Dataset {
  return { ...ds, columns: ds.columns.map((c) => (c instanceof CompactColumn ? c.fresh() : c)) };
}

/** One value (a stream's reading, row by row: no column decoded whole). */
export function valueAt(c: Column, row: number): number {
  if (c instanceof PartsColumn) return partsValueAt(c.parts, row);
  return c instanceof CompactColumn ? decodeAt(c.compact, row) : c.values[row];
}

/** The values at the given rows, decoding only those (into `out` when given). */
export function readRows(c: Column, rows: ArrayLike<number>, out: Float64Array = new Float64Array(rows.length)): Float64Array {
  if (c instanceof CompactColumn) return decodeRows(c.compact, rows, out);
  if (c instanceof PartsColumn) {
    for (let j = 0; j < rows.length; j++) out[j] = partsValueAt(c.parts, rows[j]);
    return out;
  }
  const v = c.values;
  for (let j = 0; j < rows.length; j++) out[j] = v[rows[j]];
  return out;
}

/**
 * Values [from, to): a copy, or with `view` a view where the column is Float64 already.
 * `scratch`, when given, takes a compact column's decoded values (a pass reuses it).
 */
export function readRange(c: Column, from: number, to: number, view = false, scratch?: Float64Array): Float64Array {
  if (c instanceof CompactColumn) return decodeRange(c.compact, from, to, scratch?.subarray(0, to - from));
  if (c instanceof PartsColumn) return partsRange(c.parts, from, to, view);
  return view ? c.values.subarray(from, to) : c.values.slice(from, to);
}

/** Per column, a buffer of `size` values, made when first asked for: a pass decodes every piece into the same ones. */
export class Scratch {
  private readonly buffers: Float64Array[] = [];
  private readonly size: number;

  constructor(size: number) {
    this.size = size;
  }

  for(f: number): Float64Array {
    return (this.buffers[f] ??= new Float64Array(this.size));
  }
}

/** A column's description without its values. */
function metaOf(c: Column): Omit<Column, 'values'> {
  const out: Omit<Column, 'values'> = { name: c.name, role: c.role, missing: c.missing, nonNumeric: c.nonNumeric };
  if (c.timestamp !== undefined) out.timestamp = c.timestamp;
  if (c.labels !== undefined) out.labels = c.labels;
  if (c.measure !== undefined) out.measure = c.measure;
  return out;
}

/** The column as a plain object with these values (no codes: safe to transfer). */
function plainColumn(c: Column, values: Float64Array): Column {
  return { ...metaOf(c), values };
}

/**
 * The given rows (in that order) of these columns as a dataset of its own. With `view`, a
 * contiguous run is a view (of the values, or of a compact column's codes); otherwise
 * every column is a plain Float64 copy, safe to transfer.
 */
export function selectRows(ds: Dataset, columns: readonly Column[], rows: Int32Array, view = false): Dataset {
  const n = rows.length;
  const start = rows[0] ?? 0;
  const contiguous = isRun(rows);
  const pick = (c: Column): Column => {
    if (!contiguous) return plainColumn(c, readRows(c, rows));
    // A run of a compact column stays compact: its codes viewed in place, decoded by whoever reads it.
    if (view && c instanceof CompactColumn)
      return new CompactColumn(c, { ...c.compact, codes: c.compact.codes.subarray(start, start + n) });
    return plainColumn(c, readRange(c, start, start + n, view));
  };
  return { ...ds, rows: n, columns: columns.map(pick) };
}

/** True when the rows are one run, start to end (the parts of a file sorted by unit). */
function isRun(rows: Int32Array): boolean {
  return rows.length === 0 || rows[rows.length - 1] - rows[0] === rows.length - 1;
}

/** A column as it crosses to another worker: Float64 values, or a compact column's codes. */
export type PortableColumn = Omit<Column, 'values'> & ({ values: Float64Array } | { compact: CompactValues });

/** A dataset as it crosses to another worker. */
export type PortableDataset = Omit<Dataset, 'columns'> & { columns: PortableColumn[] };

/**
 * The given rows as a dataset to send to another worker: compact columns go as their own
 * codes (half the bytes of Float64, and the receiver decodes them a chunk at a time as it
 * reads, instead of this worker decoding them all first), the rest as Float64 copies.
 * Every buffer is the piece's own, safe to transfer. `portableToDataset` takes it back.
 */
export function selectPortableRows(ds: Dataset, columns: readonly Column[], rows: Int32Array): PortableDataset {
  const run = isRun(rows);
  const start = rows[0] ?? 0;
  const end = start + rows.length;
  const pick = (c: Column): PortableColumn => {
    if (!(c instanceof CompactColumn)) return plainColumn(c, run ? readRange(c, start, end) : readRows(c, rows));
    const { codes, divisor } = c.compact;
    const picked = run ? codes.slice(start, end) : Int32Array.from(rows, (r) => codes[r]);
    return { ...metaOf(c), compact: { codes: picked, divisor } };
  };
  return { ...ds, rows: rows.length, columns: columns.map(pick) };
}

/** A piece another worker sent (selectPortableRows) as a dataset: its codes read as compact columns. */
export function portableToDataset(piece: PortableDataset): Dataset {
  return { ...piece, columns: piece.columns.map((c) => ('compact' in c ? new CompactColumn(c, c.compact) : c)) };
}

/**
 * Replaces the dataset's reading columns by compact ones, a column per task, so work
 * queued meanwhile runs in between (it reads whichever form a column has: the same
 * values). Stops early once `current` is false: the dataset was replaced.
 */
export async function compactInPlace(ds: Dataset, current: () => boolean): Promise<void> {
  for (let k = 0; k < ds.columns.length; k++) {
    await new Promise((ok) => setTimeout(ok, 0));
    if (!current()) return;
    ds.columns[k] = compactColumn(ds.columns[k]);
  }
}

const EMPTY = new Float64Array(0);

/**
 * A pass over rows (in file order, or in `order`) that holds the columns a chunk at a
 * time, so a pass over compact columns never decodes them whole. Float64 columns walked
 * in file order are read in place. At walk position j, column f's value is
 * values[f][j - start]; call load(j) when j reaches end.
 */
export class RowChunks {
  start = 0;
  end = 0;
  readonly values: Float64Array[];
  private readonly columns: readonly Column[];
  private readonly order: Int32Array | null;
  private readonly rows: number;
  private readonly size: number;
  /** Chunks are decoded into the same buffers: a pass leaves no garbage per chunk for an idle worker to keep. */
  private readonly scratch: Scratch;

  constructor(columns: readonly Column[], order: Int32Array | null, rows: number, size = 65536) {
    this.scratch = new Scratch(size);
    this.columns = columns;
    this.order = order;
    this.rows = rows;
    this.size = size;
    this.values = columns.map(() => EMPTY);
  }

  load(j: number): void {
    this.start = j;
    this.end = Math.min(this.rows, j + this.size);
    const order = this.order?.subarray(this.start, this.end);
    const n = this.end - this.start;
    this.columns.forEach(
      (c, f) =>
        (this.values[f] = order
          ? readRows(c, order, this.scratch.for(f).subarray(0, n))
          : readRange(c, this.start, this.end, true, this.scratch.for(f))),
    );
  }
}

// A parts column read where it is (before the engine encodes it): rows and ranges from the
// parts, so a unit's chart or a score plan does not join the whole column first.
function partsValueAt(parts: readonly Float64Array[], row: number): number {
  for (const p of parts) {
    if (row < p.length) return p[row];
    row -= p.length;
  }
  return NaN;
}

function partsRange(parts: readonly Float64Array[], from: number, to: number, view: boolean): Float64Array {
  let start = 0;
  for (const p of parts) {
    // Within one part: a view when asked for one, as a plain column gives.
    if (from >= start && to <= start + p.length) return view ? p.subarray(from - start, to - start) : p.slice(from - start, to - start);
    start += p.length;
  }
  const out = new Float64Array(to - from);
  start = 0;
  for (const p of parts) {
    const a = Math.max(from, start);
    const b = Math.min(to, start + p.length);
    if (a < b) out.set(p.subarray(a - start, b - start), a - from);
    start += p.length;
  }
  return out;
}
