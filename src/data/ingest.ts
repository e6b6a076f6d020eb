// Bytes in, Dataset out: sniffs gzip/zip/binary from the first bytes, decodes text
// in a stream, picks the C-MAPSS or CSV parser from the first text, and pairs a
// C-MAPSS test file with its RUL file. Shared by the ingest worker (browser) and
// the CLI (Node). Chunks may be cut anywhere: the dataset, or the error, is the
// same as for the whole file in one piece.
import { CmapssParser, looksLikeCmapss, parseRulFile } from './cmapss.js';
import { CsvParser } from './csv.js';
import { DataError, type Dataset } from './dataset.js';
import { StepInflater } from './inflate.js';
import { MAX_RUL_BYTES, MAX_TEXT_BYTES, sizeText } from './limits.js';
import { attachRul } from './rul.js';
import { entryBytes, isZip, zipEntries } from './zip.js';

export { isZip } from './zip.js';

export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

/** A file read in chunks on demand (the CLI streams files rather than holding them); never a zip. */
export interface NamedChunks {
  name: string;
  chunks: () => Iterable<Uint8Array>;
}

export type InputFile = NamedBytes | NamedChunks;

const SNIFF_BYTES = 64 * 1024;
const DECODE_BYTES = 1024 * 1024;
/** Enough to tell gzip (2 bytes) and zip (4 bytes) apart from text. */
const MAGIC_BYTES = 4;
const EMPTY: Uint8Array = new Uint8Array(0);

function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

function looksBinary(text: string): boolean {
  let control = 0;
  const n = Math.min(text.length, 4096);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return true;
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) control++;
  }
  return n > 0 && control / n > 0.05;
}

/**
 * Streaming ingest of one file (plain or gzip). Push byte chunks, then finish(). The
 * first 4 bytes tell gzip from text, the first 64 KiB of text decide the reader:
 * C-MAPSS gets raw bytes, CSV gets decoded text. A binary file is refused there,
 * before the rest is read; a zero byte later, or text past 1 GiB, stops the read.
 */
export class TextIngest {
  private magic: Uint8Array = EMPTY;
  private container?: 'gzip' | 'plain';
  private inflater?: StepInflater;
  private ended = false;
  private textBytes = 0;
  private readonly decoder = new TextDecoder('utf-8');
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private cmapss?: CmapssParser;
  private csv?: CsvParser;
  private readonly name: string;
  /** Text past which the read stops: none when the caller streams the rows out (drain) instead of holding them. */
  private readonly textLimit: number;

  constructor(name: string, opts: { streamed?: boolean } = {}) {
    this.name = name;
    this.textLimit = opts.streamed ? Infinity : MAX_TEXT_BYTES;
  }

  pushBytes(chunk: Uint8Array, final = false): void {
    if (this.ended) throw new Error(`${this.name}: bytes pushed after the final chunk`);
    if (!this.container) {
      if (this.magic.length + chunk.length < MAGIC_BYTES && !final) {
        this.magic = concat(this.magic, chunk);
        return;
      }
      const head = concat(this.magic, chunk.subarray(0, MAGIC_BYTES));
      if (isZip(head)) {
        throw new DataError(
          head[2] === 5
            ? `${this.name}: an empty zip archive (no data files inside)`
            : `${this.name}: a zip archive inside another file is not supported; give the archive itself`,
        );
      }
      this.container = isGzip(head) ? 'gzip' : 'plain';
      if (this.container === 'gzip') this.inflater = new StepInflater('gzip', `${this.name}: the gzip data`);
      const held = this.magic;
      this.magic = EMPTY;
      this.unwrap(held, false);
    }
    this.unwrap(chunk, final);
    if (final) this.ended = true;
  }

  finish(): Dataset {
    if (!this.ended) this.pushBytes(EMPTY, true);
    if (!this.cmapss && !this.csv) this.choose(true);
    if (this.cmapss) return this.cmapss.finish();
    this.csv!.push(this.decoder.decode());
    return this.csv!.finish();
  }

  /**
   * For a streamed read: the rows parsed since the last drain (none while the reader is
   * still choosing the format); `final` ends the text first, like finish().
   */
  drain(final = false): Dataset | undefined {
    if (final) {
      if (!this.ended) this.pushBytes(EMPTY, true);
      if (!this.cmapss && !this.csv) this.choose(true);
      this.csv?.push(this.decoder.decode());
    }
    if (this.cmapss) return this.cmapss.drain(final);
    return this.csv?.drain(final);
  }

  private unwrap(chunk: Uint8Array, final: boolean): void {
    if (!this.inflater) return this.route(chunk);
    for (const text of this.inflater.steps(chunk, final)) this.route(text);
  }

  /** Passes text on up to a zero byte or the size limit, then stops with that error: where it stops depends on content only. */
  private route(bytes: Uint8Array): void {
    let n = bytes.length;
    let stop: string | undefined;
    if (this.textBytes + n > this.textLimit) {
      n = this.textLimit - this.textBytes;
      stop = `${this.name}: more than ${sizeText(MAX_TEXT_BYTES)} of text${this.inflater ? ' once decompressed' : ''}; isoscope reads at most that much from one file`;
    }
    const zero = bytes.subarray(0, n).indexOf(0);
    if (zero >= 0) {
      n = zero;
      stop = `${this.name}: this looks like a binary file (a zero byte at offset ${this.textBytes + zero}), not sensor readings as text (CSV or C-MAPSS)`;
    }
    this.textBytes += n;
    this.feed(n === bytes.length ? bytes : bytes.subarray(0, n));
    if (stop) throw new DataError(stop);
  }

  private feed(bytes: Uint8Array): void {
    if (this.cmapss) return this.cmapss.pushBytes(bytes);
    if (this.csv) {
      // Decoded a slice at a time: a whole file handed over as one chunk never becomes one giant string.
      for (let at = 0; at < bytes.length; at += DECODE_BYTES)
        this.csv.push(this.decoder.decode(bytes.subarray(at, at + DECODE_BYTES), { stream: true }));
      return;
    }
    const need = SNIFF_BYTES - this.pendingBytes;
    if (bytes.length) {
      this.pending.push(bytes.slice(0, need));
      this.pendingBytes += Math.min(need, bytes.length);
    }
    if (this.pendingBytes < SNIFF_BYTES) return;
    this.choose(false);
    if (bytes.length > need) this.feed(bytes.subarray(need));
  }

  private choose(atEnd: boolean): void {
    let all = concat(...this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    if (all[0] === 0xef && all[1] === 0xbb && all[2] === 0xbf) all = all.subarray(3); // UTF-8 BOM
    const head = new TextDecoder().decode(all.subarray(0, 16384));
    if (head.trim() === '') {
      throw new DataError(atEnd ? `${this.name}: the file is empty` : `${this.name}: the first 16 KiB are blank; is this a data file?`);
    }
    if (looksBinary(head)) throw new DataError(`${this.name}: this looks like a binary file, not sensor readings as text (CSV or C-MAPSS)`);
    if (looksLikeCmapss(head.slice(0, 8192))) {
      this.cmapss = new CmapssParser(this.name);
      this.cmapss.pushBytes(all);
    } else {
      this.csv = new CsvParser(this.name);
      this.feed(all);
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function parseChunks(name: string, chunks: Iterable<Uint8Array>): Dataset {
  const ingest = new TextIngest(name);
  for (const c of chunks) ingest.pushBytes(c);
  return ingest.finish();
}

export function parseBytes(file: NamedBytes): Dataset {
  return parseChunks(file.name, [file.bytes]);
}

const DATA_ENTRY = /\.(txt|csv|tsv|gz)$/i;

/** A file to read: its chunks, and the archive it came from, which error messages name first. */
interface Source {
  chunks: () => Iterable<Uint8Array>;
  archive?: string;
}

/** The data files inside a zip, in archive order (folders and macOS metadata left out); nothing is inflated yet. */
function zipSources(zip: NamedBytes): Map<string, Source> {
  const archive = zip.name.split(/[\\/]/).pop()!;
  const sources = new Map<string, Source>();
  for (const e of inArchive(archive, () => zipEntries(zip.bytes))) {
    if (!DATA_ENTRY.test(e.path) || e.path.startsWith('__MACOSX/')) continue;
    sources.set(e.path.split('/').pop()!, { archive, chunks: () => entryBytes(zip.bytes, e) });
  }
  return sources;
}

function inArchive<T>(archive: string | undefined, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (archive && e instanceof DataError) throw new DataError(`${archive}: ${e.message}`);
    throw e;
  }
}

/** A RUL file whole, refused past MAX_RUL_BYTES before it is all read. */
function readRul(name: string, source: Source): NamedBytes {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const c of source.chunks()) {
    size += c.length;
    if (size > MAX_RUL_BYTES) throw rulTooBig(name);
    parts.push(c.slice());
  }
  return { name, bytes: concat(...parts) };
}

function rulTooBig(name: string): DataError {
  return new DataError(`${name}: more than ${sizeText(MAX_RUL_BYTES)}, too big for a RUL file (one number per test unit)`);
}

export interface IngestChoice {
  /** Which file inside a zip to load; by default the only data file, or the first train_* file. */
  entry?: string;
  /** Set false to keep RUL from being derived for C-MAPSS training files. */
  runToFailure?: boolean;
}

const RUL_NAME = /^RUL_(FD\d{3})\.txt$/i;
const TEST_NAME = /^test_(FD\d{3})\.txt$/i;

/**
 * Turns dropped files into one dataset: expands zips, picks the data file, and gives it
 * remaining useful life from a paired RUL file (test_FDxxx + RUL_FDxxx), or from
 * run-to-failure when it is a C-MAPSS training file.
 */
export function ingestFiles(files: InputFile[], choice: IngestChoice = {}): Dataset {
  const pool = new Map<string, Source>();
  for (const f of files) {
    const base = f.name.split(/[\\/]/).pop()!;
    if ('bytes' in f && isZip(f.bytes)) zipSources(f).forEach((v, k) => pool.set(k, v));
    else pool.set(base, { chunks: 'bytes' in f ? () => [f.bytes] : f.chunks });
  }
  if (files.length === 0) throw new DataError('no data files given');
  if (pool.size === 0) throw new DataError(`${files.map((f) => f.name).join(', ')}: no data files inside (no .txt, .csv, .tsv or .gz)`);
  const names = [...pool.keys()];
  const dataNames = names.filter((n) => !RUL_NAME.test(n) && !/^readme/i.test(n));
  let pick = choice.entry;
  if (pick !== undefined && !pool.has(pick)) {
    throw new DataError(`no file named "${pick}" among: ${names.join(', ')}`);
  }
  if (pick === undefined) {
    if (dataNames.length === 0) throw new DataError(`only RUL files given (${names.join(', ')}); add the matching test_FDxxx.txt file`);
    pick = dataNames.length === 1 ? dataNames[0] : (dataNames.find((n) => /^train_/i.test(n)) ?? dataNames[0]);
  }
  const source = pool.get(pick)!;
  const ds = inArchive(source.archive, () => parseChunks(pick, source.chunks()));
  const test = TEST_NAME.exec(pick);
  const pairedRul = test ? names.find((n) => RUL_NAME.exec(n)?.[1].toUpperCase() === test[1].toUpperCase()) : undefined;
  // A lone RUL file pairs with any data file except a run-to-failure training file.
  const loneRul = names.filter((n) => n !== pick && RUL_NAME.test(n));
  const rulName = pairedRul ?? (loneRul.length === 1 && !/^train_/i.test(pick) ? loneRul[0] : undefined);
  const rul = rulName ? pool.get(rulName)! : undefined;
  return inArchive(rul?.archive, () => addGroundTruth(ds, rul && readRul(rulName!, rul), choice.runToFailure));
}

/**
 * Remaining useful life for C-MAPSS data: from a RUL file when given, else derived
 * for a training file (run-to-failure); a test file without one gets a note.
 */
export function addGroundTruth(ds: Dataset, rulFile?: NamedBytes, runToFailure = true): Dataset {
  if (ds.format !== 'cmapss') return ds;
  const test = TEST_NAME.exec(ds.name);
  if (rulFile && rulFile.bytes.length > MAX_RUL_BYTES) throw rulTooBig(rulFile.name);
  if (rulFile) return attachRul(ds, parseRulFile(new TextDecoder().decode(rulFile.bytes), rulFile.name), rulFile.name);
  if (test) return { ...ds, notes: [...ds.notes, `${ds.name} is a truncated test file: add ${test[1]}'s RUL file for ground truth`] };
  return runToFailure ? attachRul(ds) : ds;
}
