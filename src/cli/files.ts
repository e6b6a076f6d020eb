// Reading datasets and models from paths, with errors that name the path. Data files
// stream through the readers in 1 MiB chunks, so memory follows the parsed columns,
// not the file; only a zip (read by its directory at the end) is held whole.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { addGroundTruth, ingestFiles, isZip, type IngestChoice, type InputFile } from '../data/ingest.js';
import { TextIngest } from '../data/text-ingest.js';
import { DataError, type Column, type Dataset } from '../data/dataset.js';
import { ColumnBuilder } from '../data/numbers.js';
import type { UnitColumnChoice } from '../data/roles.js';
import { MAX_TEXT_BYTES, MAX_WHOLE_FILE_BYTES, sizeText } from '../data/limits.js';
import { MAX_MODEL_BYTES, ModelError, parseModelText } from '../model/validate.js';
import type { ModelJson } from '../model/types.js';

const CHUNK = 1024 * 1024;
/** Chunks read per piece of rows a streamed read hands on (about 24,000 C-MAPSS rows). */
const CHUNKS_PER_PIECE = 4;

function cannotRead(path: string, what: string, e: unknown): DataError {
  const code = (e as NodeJS.ErrnoException).code;
  return new DataError(`cannot read ${what} ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
}

/** The size of a readable, non-empty file. */
function sizeOf(path: string, what: string): number {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new DataError(`${path} is a directory, not a ${what}`);
    // A pipe or a device has no size to plan by and cannot be read twice (the format is sniffed first).
    if (!st.isFile()) throw new DataError(`${path} is a pipe or a device, not a file: save what it carries to a file and give that file`);
    size = st.size;
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw cannotRead(path, what, e);
  }
  if (size === 0) throw new DataError(`${path}: the ${what} is empty`);
  return size;
}

/** Reads into `buf` from `at`, wrapping fs errors; the count read, 0 at the end. */
function readAt(fd: number, buf: Uint8Array, at: number, path: string, what: string): number {
  try {
    return readSync(fd, buf, 0, buf.length, at);
  } catch (e) {
    throw cannotRead(path, what, e);
  }
}

function open(path: string, what: string): number {
  try {
    return openSync(path, 'r');
  } catch (e) {
    throw cannotRead(path, what, e);
  }
}

function withFile<T>(path: string, what: string, use: (fd: number) => T): T {
  const fd = open(path, what);
  try {
    return use(fd);
  } finally {
    closeSync(fd);
  }
}

/** A whole file of at most MAX_WHOLE_FILE_BYTES. */
export function readBytes(path: string, what = 'file'): Uint8Array {
  const size = sizeOf(path, what);
  if (size > MAX_WHOLE_FILE_BYTES) {
    throw new DataError(
      `${path}: the ${what} is ${sizeText(size)}; isoscope reads at most ${sizeText(MAX_WHOLE_FILE_BYTES)} of it at once`,
    );
  }
  return withFile(path, what, (fd) => {
    const bytes = new Uint8Array(size);
    let at = 0;
    for (let n; at < size && (n = readAt(fd, bytes.subarray(at), at, path, what)) > 0;) at += n;
    return at === size ? bytes : bytes.subarray(0, at);
  });
}

/**
 * A data file as chunks read on demand, or whole when it is a zip. A file over the
 * text limit is refused after its first chunk, so a binary file is still called binary.
 */
function openData(path: string, what: string, limited = true): InputFile {
  const size = sizeOf(path, what);
  const name = basename(path);
  if (isZip(magicOf(path, what))) return { name, bytes: readBytes(path, what) };
  function* chunks(): Generator<Uint8Array> {
    const fd = open(path, what);
    try {
      for (let at = 0; ;) {
        const buf = new Uint8Array(CHUNK);
        const n = readAt(fd, buf, at, path, what);
        if (n === 0) return;
        yield buf.subarray(0, n);
        if (at === 0 && limited && size > MAX_TEXT_BYTES) {
          throw new DataError(
            `${path}: the ${what} is ${sizeText(size)}; isoscope reads at most ${sizeText(MAX_TEXT_BYTES)} of text from one file`,
          );
        }
        at += n;
      }
    } finally {
      closeSync(fd);
    }
  }
  return { name, chunks };
}

export function readDataset(path: string, opts: IngestChoice & { rul?: string } = {}): Dataset {
  const data = openData(path, 'data file');
  if (!opts.rul) return ingestFiles([data], opts);
  // The RUL file is read as one, never offered to the data-file picker (which took a train_ file passed as --rul for the data).
  const rulBytes = readBytes(opts.rul, 'RUL file');
  const ds = ingestFiles([data], { ...opts, runToFailure: false });
  if (ds.format !== 'cmapss' || !ds.columns.some((c) => c.role === 'unit') || !ds.columns.some((c) => c.role === 'time')) {
    throw new DataError(`${opts.rul}: a RUL file pairs only with C-MAPSS data that has unit and cycle columns`);
  }
  const notes = ds.notes.filter((n) => !n.includes('truncated test file'));
  return addGroundTruth({ ...ds, notes }, { name: basename(opts.rul), bytes: rulBytes });
}

/** True when the file is a zip archive (read whole: its directory is at its end). */
export function isZipFile(path: string): boolean {
  sizeOf(path, 'data file');
  return isZip(magicOf(path, 'data file'));
}

function magicOf(path: string, what: string): Uint8Array {
  return withFile(path, what, (fd) => {
    const head = new Uint8Array(4);
    return head.subarray(0, readAt(fd, head, 0, path, what));
  });
}

/**
 * A data file read in pieces of rows, each handed to `piece` before the next is read, so
 * memory follows one piece whatever the file's size. The columns `keep` picks (unit, time,
 * label: what ground truth and evaluation need) are kept whole and returned, with the
 * reader's notes. A zip is read whole (its directory is at its end), as one piece. `columns`
 * names the C-MAPSS columns to parse (the others are skipped); other formats parse them all.
 */
export async function streamDataset(
  path: string,
  opts: {
    entry?: string;
    keep?: (c: Column) => boolean;
    columns?: (name: string) => boolean;
    warn?: (line: string) => void;
    unitColumn?: UnitColumnChoice;
  },
  piece: (ds: Dataset) => void | Promise<void>,
): Promise<Dataset> {
  const file = openData(path, 'data file', false);
  const times = new ReaderWarnings();
  if ('bytes' in file) {
    const ds = ingestFiles([file], { entry: opts.entry, runToFailure: false, unitColumn: opts.unitColumn });
    times.add(ds);
    await piece(ds);
    times.report(opts.warn);
    return ds;
  }
  const keep = opts.keep ?? (() => false);
  const ingest = new TextIngest(file.name, { streamed: true, columns: opts.columns, unitColumn: opts.unitColumn });
  let kept: { column: Column; builder: ColumnBuilder }[] | undefined;
  let first: Dataset | undefined;
  let notes: string[] = [];
  let rows = 0;
  const take = async (ds: Dataset | undefined) => {
    if (!ds) return;
    first ??= ds;
    rows += ds.rows;
    times.add(ds);
    kept ??= ds.columns.filter(keep).map((column) => ({ column, builder: new ColumnBuilder() }));
    for (const k of kept) {
      const c = ds.columns.find((col) => col.name === k.column.name)!;
      for (let i = 0; i < c.values.length; i++) k.builder.push(c.values[i]);
      k.builder.missing += c.missing;
      k.builder.nonNumeric += c.nonNumeric;
    }
    notes = ds.notes.length ? ds.notes : notes;
    await piece(ds);
  };
  let n = 0;
  for (const chunk of file.chunks()) {
    ingest.pushBytes(chunk);
    if (++n % CHUNKS_PER_PIECE === 0) await take(ingest.drain());
  }
  await take(ingest.drain(true));
  times.report(opts.warn);
  const columns = (kept ?? []).map(({ column, builder }) => ({
    ...column,
    values: builder.finish(),
    missing: builder.missing,
    nonNumeric: builder.nonNumeric,
  }));
  return { name: first!.name, format: first!.format, rows, columns, notes };
}

export function readModel(path: string): ModelJson {
  // Refused by its size on disk, before a byte of it is read into memory.
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    // readBytes reports a missing or unreadable file.
  }
  if (size > MAX_MODEL_BYTES) throw new ModelError('too-large', `model file ${path} is ${size} bytes; the limit is ${MAX_MODEL_BYTES}`);
  const bytes = readBytes(path, 'model file');
  return parseModelText(new TextDecoder().decode(bytes)).model;
}

/**
 * What the reader said that changes what a command computes, said once per file on stderr:
 * times it could not read (07/01/2014 10:00, "… UTC") are missing, so the readings keep file
 * order and a shuffled file is scored out of time order; ids written apart that read as one
 * number ("7", "007") are one unit.
 */
export class ReaderWarnings {
  private name?: string;
  private count = 0;
  private rows = 0;
  private notes: string[] = [];

  add(ds: Dataset): void {
    // The notes, about the whole file, come with its last piece.
    if (ds.notes.length) this.notes = ds.notes;
    const time = ds.columns.find((c) => c.role === 'time');
    if (!time) return;
    this.name = time.name;
    this.count += time.nonNumeric;
    this.rows += ds.rows;
  }

  report(warn: ((line: string) => void) | undefined): void {
    if (!warn) return;
    for (const n of this.notes) if (/ read as the same number, so their rows are one unit's/.test(n)) warn(`isoscope: warning: ${n}`);
    if (!this.count) return;
    // Dates only the other day-month order reads: the reader's note says so, and why the order was taken.
    const order = this.notes.find((n) => / are dates only (day|month) first, so they were left out/.test(n));
    warn(
      `isoscope: warning: time column "${this.name}": ${this.count.toLocaleString('en-US')} of ${this.rows.toLocaleString('en-US')} values are not times isoscope reads (${order ?? 'it reads ISO 8601 such as 2024-03-01 12:00:00, dates with slashes or dots, and plain numbers; isoscope profile names the first it cannot read'}); those readings are taken in file order`,
    );
  }
}
