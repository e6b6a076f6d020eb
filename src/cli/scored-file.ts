// A data file scored for evaluation in one streamed pass: memory follows a piece of rows,
// plus what the evaluation needs of every row (unit, time, label, the score), kept whole.
import { basename } from 'node:path';
import { DataError, type Dataset } from '../data/dataset.js';
import { addGroundTruth } from '../data/ingest.js';
import { ColumnBuilder } from '../data/numbers.js';
import { flagAnomalies } from '../alarms/threshold.js';
import { LoadedModel } from '../model/loaded-model.js';
import { OutOfOrderError, PieceOrder, PieceScorer } from '../model/piece-scorer.js';
import type { ModelJson } from '../model/types.js';
import { fingerprintFor, fingerprintInputs as inputsOf, fingerprintKind, inputsFingerprint } from '../model/inputs-fingerprint.js';
import type { WasmEngine } from '../engine/wasm-engine.js';
import { CheckSample } from './check-sample.js';
import { isZipFile, readBytes, readDataset, streamDataset } from './files.js';
import type { UnitColumnChoice } from '../data/roles.js';

export interface ScoredFile {
  /** The model–data check of the file (of its first rows, for a big one). */
  sample: CheckSample;
  /** The rows' unit, time, label and remaining useful life (no features). */
  ds: Dataset;
  scores: Float64Array;
  flags: Uint8Array;
  /** The file's model inputs, row by row (inputs-fingerprint.ts): the training file's when in sample. */
  inputs: string;
  /** The file's column names (ds keeps only some). */
  columns: string[];
}

export async function scoreFile(
  file: string,
  opts: { rul?: string; entry?: string; labelColumn?: string; warn?: (line: string) => void; unitColumn?: UnitColumnChoice },
  model: ModelJson,
  engine: WasmEngine,
): Promise<ScoredFile> {
  if (isZipFile(file)) return scoreWhole(file, opts, model, engine);
  const loaded = new LoadedModel(engine, model);
  try {
    const order = new PieceOrder();
    const scorer = new PieceScorer(loaded);
    const scores = new ColumnBuilder();
    const sample = new CheckSample(model);
    const inputs = fingerprintFor(model);
    let columns: string[] | undefined;
    const keys = await streamDataset(
      file,
      {
        keep: (c) => ['unit', 'time', 'label', 'rul'].includes(c.role) || c.name === opts.labelColumn,
        warn: opts.warn,
        unitColumn: opts.unitColumn,
      },
      (piece) => {
        columns ??= piece.columns.map((c) => c.name);
        order.accept(piece);
        sample.add(piece);
        inputs.add(piece);
        const s = scorer.score(piece).scores;
        for (let i = 0; i < s.length; i++) scores.push(s[i]);
      },
    );
    const ds = addGroundTruth(keys, opts.rul ? { name: basename(opts.rul), bytes: readBytes(opts.rul, 'RUL file') } : undefined);
    if (opts.rul && !ds.columns.some((c) => c.role === 'rul'))
      throw new DataError(`${opts.rul}: a RUL file pairs only with C-MAPSS data that has unit and cycle columns`);
    const values = scores.finish();
    return { ds, sample, scores: values, flags: flagAnomalies(values, loaded.offset), inputs: inputs.digest(), columns: columns ?? [] };
  } catch (e) {
    // Units that go back in time: scored whole, in time order per unit.
    if (e instanceof OutOfOrderError) return scoreWhole(file, opts, model, engine);
    throw e;
  } finally {
    loaded.dispose();
  }
}

function scoreWhole(
  file: string,
  opts: { rul?: string; entry?: string; unitColumn?: UnitColumnChoice },
  model: ModelJson,
  engine: WasmEngine,
): ScoredFile {
  const ds = readDataset(file, { rul: opts.rul, entry: opts.entry, unitColumn: opts.unitColumn });
  const loaded = new LoadedModel(engine, model);
  try {
    const { scores, flags } = loaded.scoreDataset(ds);
    const sample = new CheckSample(model);
    sample.add(ds);
    return {
      ds,
      sample,
      scores,
      flags,
      inputs: inputsFingerprint(ds, inputsOf(model), fingerprintKind(model.training.inputsFingerprint)),
      columns: ds.columns.map((c) => c.name),
    };
  } finally {
    loaded.dispose();
  }
}
