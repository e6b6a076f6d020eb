// The fuzz worker: rebuilds case `index`, reads it whole (and profiles it, as
// `isoscope profile` does) and in chunks, and reports how it went. Catching a hang
// is the driver's job: it kills this thread when no report comes in time.
import { parentPort, workerData } from 'node:worker_threads';
import { DataError, type Dataset } from '../src/data/dataset.js';
import { addGroundTruth, ingestFiles, isZip } from '../src/data/ingest.js';
import { chunksOf, parseChunks } from '../src/data/text-ingest.js';
import { profileDataset } from '../src/data/profile.js';
import { makeCase, type Corpus } from './fuzz-inputs.js';

export type Result = 'dataset' | 'data-error' | 'crash' | 'unclear' | 'mismatch';

export interface Report {
  index: number;
  ms: number;
  result: Result;
  detail?: string;
  kind: string;
  size: number;
}

type Outcome = { dataset: Dataset } | { error: string };

const { seed, corpus } = workerData as { seed: number; corpus: Corpus };

function read(run: () => Dataset): Outcome {
  try {
    return { dataset: run() };
  } catch (e) {
    if (e instanceof DataError) return { error: e.message };
    throw e;
  }
}

function inChunks(name: string, bytes: Uint8Array, sizes: number[]): Dataset {
  return addGroundTruth(parseChunks(name, chunksOf(bytes, sizes)));
}

const bits = (v: Float64Array) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

/** The first difference between two outcomes, or undefined when they are the same to the bit. */
function difference(a: Outcome, b: Outcome): string | undefined {
  if ('error' in a || 'error' in b) {
    const ea = 'error' in a ? a.error : 'a dataset';
    const eb = 'error' in b ? b.error : 'a dataset';
    return ea === eb ? undefined : `whole: ${ea} | chunked: ${eb}`;
  }
  const x = a.dataset;
  const y = b.dataset;
  const head = (d: Dataset) =>
    JSON.stringify([d.name, d.format, d.rows, d.notes, d.columns.map((c) => [c.name, c.role, c.missing, c.nonNumeric, c.timestamp])]);
  if (head(x) !== head(y)) return `whole: ${head(x).slice(0, 300)} | chunked: ${head(y).slice(0, 300)}`;
  const column = x.columns.findIndex((c, i) => {
    const p = bits(c.values);
    const q = bits(y.columns[i].values);
    return p.length !== q.length || p.some((v, k) => v !== q[k]);
  });
  return column < 0 ? undefined : `column ${x.columns[column].name} differs`;
}

/** A message for the user: one line that names one of the files. */
function clear(message: string, names: string[]): boolean {
  return message.length > 0 && message.length < 500 && !/[\r\n]/.test(message) && names.some((n) => message.includes(n));
}

function run(index: number): Report {
  const c = makeCase(seed, index, corpus);
  const report: Report = { index, ms: 0, result: 'dataset', kind: c.kind, size: c.files[0].bytes.length };
  const t0 = performance.now();
  try {
    const whole = read(() => ingestFiles(c.files));
    if ('dataset' in whole) profileDataset(whole.dataset);
    else if (
      !clear(
        whole.error,
        c.files.map((f) => f.name),
      )
    )
      [report.result, report.detail] = ['unclear', whole.error];
    else report.result = 'data-error';
    const [file] = c.files;
    if (c.files.length === 1 && !isZip(file.bytes)) {
      const diff = difference(
        whole,
        read(() => inChunks(file.name, file.bytes, c.chunks)),
      );
      if (diff) [report.result, report.detail] = ['mismatch', diff];
    }
  } catch (e) {
    [report.result, report.detail] = ['crash', e instanceof Error ? (e.stack ?? e.message) : String(e)];
  }
  report.ms = performance.now() - t0;
  return report;
}

parentPort!.on('message', (index: number) => parentPort!.postMessage(run(index)));
parentPort!.postMessage('ready');
