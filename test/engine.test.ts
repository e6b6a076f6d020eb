// The engine suite (test/engine-suite.ts) three times: the release build in-process and
// through a worker_threads Worker over Comlink, and the debug build (asserts on)
// in-process; then the checks that need the engine itself, and that the transports agree.
import { afterAll, describe, expect, test } from 'vitest';
import { engineSuite, fd001Dataset, smallDataset } from './engine-suite.js';
import { inProcess, throughWorker, type EngineApi } from './engine-transports.js';
import { createNodeEngine, type WasmFlavour } from '../src/engine/node-engine.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { parseModelText } from '../src/model/validate.js';
import { trainModel } from '../src/model/train.js';
import type { Dataset } from '../src/data/dataset.js';
import { lcg } from './helpers.js';

const releaseInProcess = inProcess('release');
const releaseWorker = throughWorker('release');
const debugInProcess = inProcess('debug');
const releaseFromBytes = inProcess('release', 'bytes');
const transports = [releaseInProcess, releaseWorker, debugInProcess];
afterAll(() => Promise.all([...transports, releaseFromBytes].map((t) => t.close())));

for (const t of transports) engineSuite(t.name, () => t.api());

const flavours: WasmFlavour[] = ['release', 'debug'];

describe.each(flavours)('the %s build, directly', (flavour) => {
  test('attribution credits each split by the path it saved: the sensor far out pushes towards anomalous, the centred ones towards normal', async () => {
    const engine = await createNodeEngine(flavour);
    const r = lcg(11);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    const cols = Array.from({ length: 6 }, () => Float64Array.from({ length: 4000 }, gauss));
    const ds: Dataset = {
      name: 'six',
      format: 'csv',
      rows: 4000,
      notes: [],
      columns: cols.map((values, i) => ({ name: `s${i}`, role: 'feature' as const, values, missing: 0, nonNumeric: 0 })),
    };
    const { model } = await trainModel(engine, ds, { params: { trees: 200, seed: 5 } });
    const loaded = new LoadedModel(engine, model);
    // s3 twenty standard deviations out, every other sensor at its centre.
    const row = Float64Array.from({ length: 6 }, (_, f) => (f === 3 ? 20 : 0));
    const { attribution } = loaded.explain(row);
    // Centred in five of six sensors, the reading is no more isolated than an average one overall
    // (a share of the total, as a path's splits once shared it equally, would give s3 its sign).
    expect(attribution.reduce((a, b) => a + b, 0)).toBeLessThan(0);
    expect(attribution[3]).toBeGreaterThan(1);
    for (let f = 0; f < 6; f++) if (f !== 3) expect(attribution[f]).toBeLessThan(0);
  });

  test('a row-major f64 block scores exactly like the columns; f32 input is accepted', async () => {
    const engine = await createNodeEngine(flavour);
    const ds = fd001Dataset();
    const { model } = await trainModel(engine, ds, { params: { trees: 30 } });
    const cols = model.features.map((f) => ds.columns.find((c) => c.name === f)!.values);
    const stride = cols.length + 2; // extra trailing values per row are ignored
    const n = 5000;
    const block = new Float64Array(n * stride);
    for (let i = 0; i < n; i++) cols.forEach((c, f) => (block[i * stride + f] = c[i]));
    const loaded = new LoadedModel(engine, model);
    const columnar = loaded.scoreColumns(cols.map((c) => c.subarray(0, n))).scores;
    const handle = engine.loadForest(parseModelText(JSON.stringify(model)).spec);
    expect(Array.from(engine.scoreRowMajor(handle, block, stride).scores)).toEqual(Array.from(columnar));
    const f32 = engine.scoreRowMajor(handle, Float32Array.from(block), stride).scores;
    for (let i = 0; i < n; i += 50) expect(f32[i]).toBeCloseTo(columnar[i], 2);
    engine.freeForest(handle);
  });
});

describe('the debug build', () => {
  test("keeps the runtime's asserts: a double free aborts, naming the allocator's check", async () => {
    const engine = await createNodeEngine('debug');
    const { model } = await trainModel(engine, smallDataset(), { params: { trees: 5 } });
    const handle = engine.loadForest(parseModelText(JSON.stringify(model)).spec);
    engine.freeForest(handle);
    // The engine's handles make a second freeForest harmless; the raw export shows the runtime's check.
    expect(() => engine.freeForest(handle)).not.toThrow();
    const raw = (engine as unknown as { live(): { alloc(n: number): number; free(p: number): void } }).live();
    const p = raw.alloc(64);
    raw.free(p);
    expect(() => raw.free(p)).toThrow(/engine: Wasm aborted \(an internal invariant failed\): at ~lib\/rt\/tlsf\.ts:\d+:\d+\)/);
  });
});

describe('the transports agree', () => {
  const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

  /** What one transport makes of the same requests: model text, score bytes, an explanation, re-imported scores. */
  async function outcome(api: EngineApi) {
    await api.setDataset(fd001Dataset());
    const out: string[] = [];
    for (const params of [
      { seed: 7, trees: 50 },
      { seed: 7, trees: 30, extensionLevel: 'full' as const },
    ]) {
      const trained = await api.train({ params, createdAt: '2026-01-01T00:00:00Z' });
      const text = JSON.stringify(trained.model);
      const imported = await api.importModel(text);
      out.push(
        text,
        bytes(trained.scores).toString('base64'),
        JSON.stringify(await api.explainRow(1234)),
        bytes(imported.scores).toString('base64'),
      );
    }
    return out;
  }

  test('byte-identical models, scores and explanations for the same seed, on every transport and build', async () => {
    const [first, ...others] = await Promise.all(
      [releaseInProcess, releaseFromBytes, releaseWorker, debugInProcess].map(async (t) => outcome(await t.api())),
    );
    expect(first.length).toBe(8);
    for (const other of others) expect(other).toEqual(first);
  });
});
