import { describe, expect, test } from 'vitest';
import { getEngine, lcg, loadFd001 } from './helpers.js';
import { referenceScore } from './reference-forest.js';
import { trainModel } from '../src/model/train.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { parseModelText } from '../src/model/validate.js';
import { parseBaseline } from '../src/data/baseline.js';
import type { Dataset } from '../src/data/dataset.js';

function smallDataset(): Dataset {
  const r = lcg(3);
  const cols = [0, 1, 2].map(() => Float64Array.from({ length: 64 }, () => r() * 10));
  cols[0][5] = 60; // one obvious outlier
  return {
    name: 'small',
    format: 'csv',
    rows: 64,
    notes: [],
    columns: cols.map((v, i) => ({ name: `s${i}`, role: 'feature' as const, values: v, missing: 0, nonNumeric: 0 })),
  };
}

describe('Wasm Isolation Forest', () => {
  test('a fixed seed gives these exact scores on small data', async () => {
    const engine = await getEngine();
    const ds = smallDataset();
    const { model } = await trainModel(engine, ds, { params: { trees: 10, seed: 1 }, createdAt: 'fixed' });
    const scores = new LoadedModel(engine, model).scoreDataset(ds).scores;
    expect(Array.from(scores.slice(0, 8))).toEqual([
      -0.4821852563604315, -0.5051163877756834, -0.5031969513151796, -0.48077294062344056, -0.42899021185294944, -0.7591329982420668,
      -0.48294140352363113, -0.4441471683120957,
    ]);
  });

  test('the outlier scores lowest', async () => {
    const engine = await getEngine();
    const ds = smallDataset();
    const { model } = await trainModel(engine, ds, { params: { trees: 100, seed: 9 } });
    const scores = new LoadedModel(engine, model).scoreDataset(ds).scores;
    const lowest = scores.indexOf(Math.min(...scores));
    expect(lowest).toBe(5);
  });

  test('same data, parameters and seed give a byte-identical model; another seed does not', async () => {
    const engine = await getEngine();
    const ds = loadFd001();
    const opts = { baseline: parseBaseline('first:50%'), params: { seed: 42 }, createdAt: '2026-01-01T00:00:00Z' };
    const a = JSON.stringify((await trainModel(engine, ds, opts)).model);
    const b = JSON.stringify((await trainModel(engine, ds, opts)).model);
    const c = JSON.stringify((await trainModel(engine, ds, { ...opts, params: { seed: 43 } })).model);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  test('each tree is grown from its own subsample of max_samples rows', async () => {
    const engine = await getEngine();
    const { model } = await trainModel(engine, loadFd001(), { params: { trees: 20, maxSamples: 128 } });
    expect(model.forest.maxSamples).toBe(128);
    for (const tree of model.forest.trees) expect(tree.size[0]).toBe(128);
    // Different subsamples give different root splits across trees.
    const roots = new Set(model.forest.trees.map((t) => `${t.feature[0]}:${t.threshold[0]}`));
    expect(roots.size).toBeGreaterThan(15);
    // Height limit ceil(log2(128)) = 7.
    const depthOf = (t: (typeof model.forest.trees)[0]) => {
      const walk = (n: number): number => (t.left[n] === -1 ? 0 : 1 + Math.max(walk(t.left[n]), walk(t.right[n])));
      return walk(0);
    };
    expect(Math.max(...model.forest.trees.map(depthOf))).toBeLessThanOrEqual(7);
  });

  test('max_features restricts each tree to its own feature subset', async () => {
    const engine = await getEngine();
    const { model } = await trainModel(engine, loadFd001(), { params: { trees: 30, maxFeatures: 0.2 } });
    const perTree = model.forest.trees.map((t) => new Set(t.feature.filter((f) => f >= 0)));
    for (const s of perTree) expect(s.size).toBeLessThanOrEqual(3); // floor(0.2 * 15)
    expect(new Set(perTree.map((s) => [...s].sort().join())).size).toBeGreaterThan(5);
  });

  test('compiled scoring agrees with a naive walk of the JSON trees', async () => {
    const engine = await getEngine();
    const ds = loadFd001();
    const { model } = await trainModel(engine, ds, { params: { trees: 25, maxSamples: 200, seed: 5 } });
    const scores = new LoadedModel(engine, model).scoreDataset(ds).scores;
    const cols = model.features.map((f) => ds.columns.find((c) => c.name === f)!.values);
    for (let i = 0; i < ds.rows; i += 97) {
      expect(scores[i]).toBeCloseTo(
        referenceScore(
          model,
          cols.map((c) => c[i]),
        ),
        12,
      );
    }
  });

  test('export then import gives bit-identical scores', async () => {
    const engine = await getEngine();
    const ds = loadFd001();
    const { model } = await trainModel(engine, ds, { params: { contamination: 0.05 } });
    const before = new LoadedModel(engine, model).scoreDataset(ds);
    const imported = parseModelText(JSON.stringify(model)).model;
    const after = new LoadedModel(engine, imported).scoreDataset(ds);
    expect(Buffer.from(after.scores.buffer).equals(Buffer.from(before.scores.buffer))).toBe(true);
    expect(Array.from(after.flags)).toEqual(Array.from(before.flags));
  });

  test('contamination sets the offset to that percentile of training scores', async () => {
    const engine = await getEngine();
    const ds = loadFd001();
    const { model } = await trainModel(engine, ds, { params: { contamination: 0.1 } });
    const { flags } = new LoadedModel(engine, model).scoreDataset(ds);
    const rate = flags.reduce((a, b) => a + b, 0) / ds.rows;
    expect(rate).toBeGreaterThan(0.095);
    expect(rate).toBeLessThan(0.105);
    expect(model.threshold.offset).not.toBe(-0.5);
  });

  test('rows with a missing feature get NaN, never a score computed from 0', async () => {
    const engine = await getEngine();
    const ds = smallDataset();
    const { model } = await trainModel(engine, ds, { params: { trees: 10 } });
    ds.columns[1].values[3] = NaN;
    const { scores, unscorable, flags } = new LoadedModel(engine, model).scoreDataset(ds);
    expect(Number.isNaN(scores[3])).toBe(true);
    expect(flags[3]).toBe(0);
    expect(unscorable).toBe(1);
    expect(Number.isNaN(scores[4])).toBe(false);
  });

  test('attribution sums to c(psi) - E[h] and credits the feature that made the outlier', async () => {
    const engine = await getEngine();
    const ds = smallDataset();
    const { model } = await trainModel(engine, ds, { params: { trees: 100 } });
    const loaded = new LoadedModel(engine, model);
    const row = Float64Array.from(ds.columns.map((c) => c.values[5]));
    const ex = loaded.explain(row);
    const sum = ex.attribution.reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(ex.averagePathLength - ex.meanPathLength, 10);
    expect(ex.attribution.indexOf(Math.max(...ex.attribution))).toBe(0);
    expect(ex.zscores[0]).toBeGreaterThan(2);
  });

  test('train/score cycles do not grow Wasm memory', async () => {
    const engine = await getEngine();
    const ds = loadFd001();
    const cycle = async () => {
      const { model } = await trainModel(engine, ds, { params: { trees: 20 } });
      const m = new LoadedModel(engine, model);
      m.scoreDataset(ds);
      m.explain(Float64Array.from(model.features.map(() => 0)));
      m.dispose();
    };
    for (let i = 0; i < 3; i++) await cycle();
    const before = engine.memoryBytes;
    for (let i = 0; i < 30; i++) await cycle();
    expect(engine.memoryBytes).toBe(before);
  });
});

describe('row-major input', () => {
  test('a row-major f64 block scores exactly like the columns; f32 input is accepted', async () => {
    const engine = await getEngine();
    const ds = loadFd001();
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

describe('the shipped default model', () => {
  test("is what the CLI's defaults give on FD001 today (healthy half, default recipe and alarm, seed 42)", async () => {
    const { readFileSync } = await import('node:fs');
    const { DEFAULT_QUALITY, DEFAULT_CONTAMINATION } = await import('../src/features/defaults.js');
    const shipped = JSON.parse(readFileSync(new URL('../models/fd001-baseline.json', import.meta.url), 'utf8'));
    const { model } = await trainModel(await getEngine(), loadFd001(), {
      baseline: parseBaseline('first:50%'),
      params: { seed: 42, contamination: DEFAULT_CONTAMINATION },
      recipe: DEFAULT_QUALITY.recipe,
      alarm: DEFAULT_QUALITY.alarm,
    });
    expect(model.recipe).toEqual(shipped.recipe);
    expect(model.alarm).toEqual(shipped.alarm);
    expect(model.threshold).toEqual(shipped.threshold);
    // If this fails, the engine changed: regenerate with `npm run model:default`.
    expect(model.forest).toEqual(shipped.forest);
    expect(model.scaler).toEqual(shipped.scaler);
    expect(model.training.fingerprint).toBe(shipped.training.fingerprint);
  });
});
