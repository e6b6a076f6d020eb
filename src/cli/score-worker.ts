// One worker thread of `isoscope score --threads N`: scores the units it is given, piece by
// piece in file order, with its own engine, and writes their lines of the scores CSV. Each
// unit goes to one worker only, so its window and alarm state stay exactly as in a
// single-threaded run.
import { parentPort, workerData } from 'node:worker_threads';
import { createNodeEngine } from '../engine/node-engine.js';
import { LoadedModel } from '../model/loaded-model.js';
import { PieceScorer } from '../model/piece-scorer.js';
import { scoresCsvLines } from '../data/scores-csv.js';
import { columnByRole, type Dataset } from '../data/dataset.js';
import type { ModelJson } from '../model/types.js';

export interface ThreadPiece {
  ds: Dataset;
  /** Each row's number in the whole file. */
  rows: Int32Array;
}

export type ThreadReply =
  { text: string; ends: Uint32Array; unscorable: number; ms: number } | { error: { name: string; message: string } } | { ready: true };

const port = parentPort!;
const model = (workerData as { model: ModelJson }).model;
const scorer = new PieceScorer(new LoadedModel(await createNodeEngine(), model));
const reply = (m: ThreadReply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

port.on('message', ({ ds, rows }: ThreadPiece) => {
  try {
    const t0 = performance.now();
    const r = scorer.score(ds);
    const ms = performance.now() - t0;
    const table = {
      unit: columnByRole(ds, 'unit'),
      time: columnByRole(ds, 'time'),
      scores: r.scores,
      offset: model.threshold.offset,
      flags: r.flags,
      alarm: r.alarm,
    };
    const { text, ends } = scoresCsvLines(table, rows);
    reply({ text, ends, unscorable: r.unscorable, ms }, [ends.buffer as ArrayBuffer]);
  } catch (e) {
    reply({ error: { name: (e as Error).name, message: (e as Error).message } });
  }
});
reply({ ready: true });
