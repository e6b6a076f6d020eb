// Reading datasets and models from paths, with errors that name the path.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ingestFiles, type IngestChoice } from '../data/ingest.js';
import { DataError, type Dataset } from '../data/dataset.js';
import { MAX_MODEL_BYTES, ModelError, parseModelText } from '../model/validate.js';
import type { ModelJson } from '../model/types.js';

export function readBytes(path: string, what = 'file'): Uint8Array {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new DataError(`${path} is a directory, not a ${what}`);
    size = st.size;
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(
      `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  if (size === 0) throw new DataError(`${path}: the ${what} is empty`);
  return readFileSync(path);
}

export function readDataset(path: string, opts: IngestChoice & { rul?: string } = {}): Dataset {
  const files = [{ name: basename(path), bytes: readBytes(path, 'data file') }];
  if (opts.rul) files.push({ name: basename(opts.rul), bytes: readBytes(opts.rul, 'RUL file') });
  const ds = ingestFiles(files, opts);
  if (opts.rul && !ds.columns.some((c) => c.role === 'rul')) {
    throw new DataError(`${opts.rul}: a RUL file pairs only with C-MAPSS data that has unit and cycle columns`);
  }
  return ds;
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

export function writeText(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new DataError(`cannot write ${path}: ${(e as Error).message}`);
  }
}
