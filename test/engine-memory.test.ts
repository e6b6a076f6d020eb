// The engine's Wasm memory only grows, so a big input must pass through it in chunks:
// scaling 400,000 training rows (seven chunks) gives exactly the f32 block a one-shot
// scaling gives, and leaves the memory grown by a chunk, not by the whole input.
import { expect, test } from 'vitest';
import { createNodeEngine } from '../src/engine/node-engine.js';

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
