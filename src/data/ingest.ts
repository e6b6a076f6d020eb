// Bytes in, Dataset out: sniffs gzip/zip/binary, decodes text in a stream, picks the
// C-MAPSS or CSV parser from the first text, and pairs a C-MAPSS test file with its
// RUL file. Shared by the ingest worker (browser) and the CLI (Node).
import { Gunzip, unzipSync } from 'fflate';
import { CmapssParser, looksLikeCmapss, parseRulFile } from './cmapss.js';
import { CsvParser } from './csv.js';
import { DataError, type Dataset } from './dataset.js';
import { attachRul } from './rul.js';

export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

const SNIFF_BYTES = 64 * 1024;

function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
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
 * first 64 KiB decide the reader: C-MAPSS gets raw bytes, CSV gets decoded text.
 */
export class TextIngest {
  private gunzip?: Gunzip;
  private sniffed = false;
  private readonly decoder = new TextDecoder('utf-8');
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private cmapss?: CmapssParser;
  private csv?: CsvParser;
  private readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  pushBytes(chunk: Uint8Array, final = false): void {
    if (!this.sniffed) {
      this.sniffed = true;
      if (isZip(chunk)) throw new DataError(`${this.name}: a zip archive must be read whole; use ingestFiles`);
      if (isGzip(chunk)) this.gunzip = new Gunzip((data) => this.route(data));
    }
    if (this.gunzip) this.gunzip.push(chunk, final);
    else this.route(chunk);
  }

  finish(): Dataset {
    if (!this.sniffed) throw new DataError(`${this.name}: the file is empty`);
    if (!this.cmapss && !this.csv) this.choose(true);
    if (this.cmapss) return this.cmapss.finish();
    this.csv!.push(this.decoder.decode());
    return this.csv!.finish();
  }

  private route(bytes: Uint8Array): void {
    if (this.cmapss) return this.cmapss.pushBytes(bytes);
    if (this.csv) return this.csv.push(this.decoder.decode(bytes, { stream: true }));
    if (bytes.length) {
      this.pending.push(bytes.slice());
      this.pendingBytes += bytes.length;
    }
    if (this.pendingBytes >= SNIFF_BYTES) this.choose(false);
  }

  private choose(atEnd: boolean): void {
    let all = new Uint8Array(this.pendingBytes);
    let at = 0;
    for (const p of this.pending) {
      all.set(p, at);
      at += p.length;
    }
    this.pending = [];
    this.pendingBytes = 0;
    if (all[0] === 0xef && all[1] === 0xbb && all[2] === 0xbf) all = all.subarray(3); // UTF-8 BOM
    const head = new TextDecoder().decode(all.subarray(0, 16384));
    if (head.trim() === '') {
      if (atEnd || all.length >= SNIFF_BYTES) throw new DataError(`${this.name}: the file is empty`);
      this.pending = [all];
      this.pendingBytes = all.length;
      return;
    }
    if (looksBinary(head)) throw new DataError(`${this.name}: this looks like a binary file, not sensor readings as text (CSV or C-MAPSS)`);
    if (looksLikeCmapss(head.slice(0, 8192))) {
      this.cmapss = new CmapssParser(this.name);
      this.cmapss.pushBytes(all);
    } else {
      this.csv = new CsvParser(this.name);
      this.csv.push(this.decoder.decode(all, { stream: true }));
    }
  }
}

export function parseBytes(file: NamedBytes): Dataset {
  const ingest = new TextIngest(file.name);
  ingest.pushBytes(file.bytes, true);
  return ingest.finish();
}

const DATA_ENTRY = /\.(txt|csv|tsv|gz)$/i;

/** The data files inside a zip, in archive order (folders and macOS metadata left out). */
export function zipEntries(bytes: Uint8Array): Map<string, Uint8Array> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (f) => DATA_ENTRY.test(f.name) && !f.name.startsWith('__MACOSX/') });
  } catch (e) {
    throw new DataError(`the zip archive is damaged or unsupported (${(e as Error).message})`);
  }
  return new Map(Object.entries(files).map(([k, v]) => [k.split('/').pop()!, v]));
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
export function ingestFiles(files: NamedBytes[], choice: IngestChoice = {}): Dataset {
  const pool = new Map<string, Uint8Array>();
  for (const f of files) {
    const base = f.name.split(/[\\/]/).pop()!;
    if (isZip(f.bytes)) zipEntries(f.bytes).forEach((v, k) => pool.set(k, v));
    else pool.set(base, f.bytes);
  }
  if (pool.size === 0) throw new DataError('no data files given (an archive held no .txt or .csv files)');
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
  const ds = parseBytes({ name: pick, bytes: pool.get(pick)! });
  const test = TEST_NAME.exec(pick);
  const pairedRul = test ? names.find((n) => RUL_NAME.exec(n)?.[1].toUpperCase() === test[1].toUpperCase()) : undefined;
  // A lone RUL file pairs with any data file except a run-to-failure training file.
  const loneRul = names.filter((n) => n !== pick && RUL_NAME.test(n));
  const rulName = pairedRul ?? (loneRul.length === 1 && !/^train_/i.test(pick) ? loneRul[0] : undefined);
  return addGroundTruth(ds, rulName ? { name: rulName, bytes: pool.get(rulName)! } : undefined, choice.runToFailure);
}

/**
 * Remaining useful life for C-MAPSS data: from a RUL file when given, else derived
 * for a training file (run-to-failure); a test file without one gets a note.
 */
export function addGroundTruth(ds: Dataset, rulFile?: NamedBytes, runToFailure = true): Dataset {
  if (ds.format !== 'cmapss') return ds;
  const test = TEST_NAME.exec(ds.name);
  if (rulFile) return attachRul(ds, parseRulFile(new TextDecoder().decode(rulFile.bytes), rulFile.name), rulFile.name);
  if (test) return { ...ds, notes: [...ds.notes, `${ds.name} is a truncated test file: add ${test[1]}'s RUL file for ground truth`] };
  return runToFailure ? attachRul(ds) : ds;
}
