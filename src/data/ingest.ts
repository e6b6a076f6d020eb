// Files in, one Dataset out: opens zips (reading only the chosen entry), reads each file
// through TextIngest (text-ingest.ts), and pairs a C-MAPSS test file with its RUL file.
// Shared by the ingest worker (browser) and the CLI (Node).
import { parseRulFile } from './cmapss.js';
import { DataError, type Dataset } from './dataset.js';
import { MAX_RUL_BYTES, sizeText } from './limits.js';
import { attachRul } from './rul.js';
import { concat, parseChunks, spreadsheetWords, type NamedBytes } from './text-ingest.js';
import { entryBytes, isZip, zipEntries } from './zip.js';
import type { UnitColumnChoice } from './roles.js';

export { isZip } from './zip.js';

/** A file read in chunks on demand (the CLI streams files rather than holding them); never a zip. */
export interface NamedChunks {
  name: string;
  chunks: () => Iterable<Uint8Array>;
}

export type InputFile = NamedBytes | NamedChunks;

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
  const entries = inArchive(archive, () => zipEntries(zip.bytes));
  // An .xlsx or .ods is a zip too: say what it is, not that it holds no data files.
  if (entries.some((e) => e.path.startsWith('xl/') || e.path === 'content.xml')) throw new DataError(spreadsheetWords(archive));
  for (const e of entries) {
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
  /** The unit column the user named (CSV). */
  unitColumn?: UnitColumnChoice;
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
  const ds = inArchive(source.archive, () => parseChunks(pick, source.chunks(), choice.unitColumn));
  const test = TEST_NAME.exec(pick);
  const pairedRul = test ? names.find((n) => RUL_NAME.exec(n)?.[1].toUpperCase() === test[1].toUpperCase()) : undefined;
  // A lone RUL file pairs with any data file except a run-to-failure training file.
  const loneRul = names.filter((n) => n !== pick && RUL_NAME.test(n));
  const rulName = pairedRul ?? (loneRul.length === 1 && !/^train_/i.test(pick) ? loneRul[0] : undefined);
  const rul = rulName ? pool.get(rulName)! : undefined;
  const read = inArchive(rul?.archive, () => addGroundTruth(ds, rul && readRul(rulName!, rul), choice.runToFailure));
  // Several data files given at once: one is read; the others are named, never passed over in silence.
  const unread = choice.entry === undefined ? names.filter((n) => n !== pick && n !== rulName && !/^readme/i.test(n)) : [];
  if (!unread.length) return read;
  const shown = unread.length > 6 ? `${unread.slice(0, 6).join(', ')} and ${unread.length - 6} more` : unread.join(', ');
  return {
    ...read,
    notes: [
      ...read.notes,
      `not read: ${shown}. One data file is read at a time, with its RUL file (${pick} was chosen${/^train_/i.test(pick) ? ', the training file' : ''}); to read another, give it alone (a test file with its RUL file), or name it with --entry in the CLI`,
    ],
  };
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
