// The engine's Wasm memory only grows, so a big input must pass through it in chunks:
// scaling 400,000 training rows (seven chunks) gives exactly the f32 block a one-shot
// scaling gives, and leaves the memory grown by a chunk, not by the whole input. A
// training, which must hold its rows in Wasm, runs in an instance of its own.
import { expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { createNodeEngine, wasmPath } from '../src/engine/node-engine.js';
import { EngineService } from '../src/services/engine-service.js';
import { trainModel } from '../src/model/train.js';
import { DEFAULT_QUALITY } from '../src/features/defaults.js';
import { loadFd001 } from './helpers.js';

test('scaleColumns: rows across chunk edges scale bit for bit as (x - mean) / scale in f32; Wasm memory stays near one chunk', async () => {
  const engine = await createNodeEngine();
  const n = 400_000;
  const d = 6;
  const columns = Array.from({ length: d }, (_, f) =>
    Float64Array.from({ length: n }, (_, i) => 500 + Math.sin(i * 0.37 + f) * (f + 1) * 7.3),
  );
  columns[2][70_000] = NaN;
  const mean = Float64Array.from({ length: d }, (_, f) => 500 + f * 0.1);
  const scale = Float64Array.from({ length: d }, (_, f) => 1.7 + f);
  const before = engine.memoryBytes;
  const block = engine.scaleColumns(columns, mean, scale);
  const expected = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) expected[i * d + f] = Math.fround((columns[f][i] - mean[f]) / scale[f]);
  expect(Buffer.from(block.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
  // The whole input is 19.2 MB in f64 plus 9.6 MB out; one chunk of 65,536 rows is about a sixth.
  expect(engine.memoryBytes - before).toBeLessThan((n * d * 12) / 2);
});

test("a training in the engine worker leaves the engine's memory as it was: it runs in an instance of its own", async () => {
  const service = new EngineService();
  await service.init(readFileSync(wasmPath('release')));
  service.setDataset(loadFd001());
  const before = service.memoryBytes();
  const { model, scores } = await service.train({
    params: { seed: 3 },
    recipe: DEFAULT_QUALITY.recipe,
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  // Scoring the 20,631 rows needs a few MB; the training's own copy of its rows (in f32) and its trees would be more.
  expect(service.memoryBytes() - before).toBeLessThan(4 * 2 ** 20);
  const engine = await createNodeEngine();
  const reference = await trainModel(engine, loadFd001(), {
    params: { seed: 3 },
    recipe: DEFAULT_QUALITY.recipe,
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  expect(JSON.stringify(model)).toBe(JSON.stringify(reference.model));
  expect(scores.length).toBe(20_631);
});
