// A Node worker thread that scores its share of rows with its own Wasm engine, for
// measuring the gain from a second worker.
import { parentPort, workerData } from 'node:worker_threads';
import { createNodeEngine } from '../src/engine/node-engine.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import type { ModelJson } from '../src/model/types.js';

interface Job {
  model: ModelJson;
  columns: SharedArrayBuffer[];
  start: number;
  end: number;
}

const job = workerData as Job;
const engine = await createNodeEngine();
const loaded = new LoadedModel(engine, job.model);
const cols = job.columns.map((b) => new Float64Array(b).subarray(job.start, job.end));
loaded.scoreColumns(cols.map((c) => c.subarray(0, 4096))); // warm-up
parentPort!.postMessage('ready');
// Each 'go' scores the whole share once (the bench repeats and keeps the best).
parentPort!.on('message', () => {
  const t = performance.now();
  const { scores } = loaded.scoreColumns(cols);
  parentPort!.postMessage({ ms: performance.now() - t, checksum: scores[0] + scores[scores.length - 1] });
});
