import { describe, expect, test } from 'vitest';
import { getEngine, lcg, loadFd001 } from './helpers.js';
import { trainModel } from '../src/model/train.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { parseModelText } from '../src/model/validate.js';
import type { ModelJson } from '../src/model/types.js';
import type { Dataset } from '../src/data/dataset.js';

function c(n: number): number {
  if (n <= 1) return 0;
  if (n <= 2) return 1;
  return 2 * (Math.log(n - 1) + 0.5772156649015329) - (2 * (n - 1)) / n;
}

/** Naive walk of the JSON hyperplanes: normal · f32(scaled x) in f64, feature order. */
function oracle(model: ModelJson, row: number[]): number {
  const d = model.features.length;
  const z = row.map((x, i) => Math.fround((x - model.scaler.mean[i]) / model.scaler.scale[i]));
  let total = 0;
  for (const t of model.forest.trees) {
    let node = 0;
    let depth = 0;
    while (t.left[node] !== -1) {
      let s = 0;
      for (let f = 0; f < d; f++) s += t.normal![node * d + f] * z[f];
      node = s <= t.threshold[node] ? t.left[node] : t.right[node];
      depth++;
    }
    total += depth + c(t.size[node]);
  }
  return -(2 ** (-(total / model.forest.trees.length) / c(model.forest.maxSamples)));
}

/** Points along the diagonal x = y, and one point off it whose x and y are each ordinary. */
function diagonal(): Dataset {
  const r = lcg(8);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t = r() * 10;
    x.push(t + (r() - 0.5) * 0.3);
    y.push(t + (r() - 0.5) * 0.3);
  }
  x.push(2);
  y.push(8);
  const col = (name: string, values: number[]) => ({
    name,
    role: 'feature' as const,
    values: Float64Array.from(values),
    missing: 0,
    nonNumeric: 0,
  });
  return { name: 'diag', format: 'csv', rows: x.length, notes: [], columns: [col('x', x), col('y', y)] };
}

describe('Extended Isolation Forest', () => {
  test('engine scores equal a naive walk of the JSON hyperplanes, exactly', async () => {
    const engine = await getEngine();
    const ds = loadFd001();
    const { model } = await trainModel(engine, ds, { params: { trees: 30, extensionLevel: 'full', seed: 4 } });
    expect(model.forest.kind).toBe('extended-isolation-forest');
    expect(model.forest.extensionLevel).toBe(13);
    const { scores } = new LoadedModel(engine, model).scoreDataset(ds);
    const cols = model.features.map((f) => ds.columns.find((col) => col.name === f)!.values);
    // Same walk; the last bit may differ only through log/pow in the score formula (Wasm vs host).
    for (let i = 0; i < ds.rows; i += 211)
      expect(scores[i]).toBeCloseTo(
        oracle(
          model,
          cols.map((col) => col[i]),
        ),
        13,
      );
  });

  test('the extension level sets how many components each normal has; the seed fixes the trees', async () => {
    const engine = await getEngine();
    const ds = loadFd001();
    const nonZero = (m: ModelJson) =>
      m.forest.trees.flatMap((t) =>
        t.left.flatMap((l, node) => (l === -1 ? [] : [t.normal!.slice(node * 14, node * 14 + 14).filter((v) => v !== 0).length])),
      );
    const axis = (await trainModel(engine, ds, { params: { trees: 10, extensionLevel: 0 } })).model;
    expect(new Set(nonZero(axis))).toEqual(new Set([1]));
    const three = (await trainModel(engine, ds, { params: { trees: 10, extensionLevel: 3 } })).model;
    expect(new Set(nonZero(three))).toEqual(new Set([4]));
    const again = (await trainModel(engine, ds, { params: { trees: 10, extensionLevel: 3 } })).model;
    expect(JSON.stringify(again.forest)).toBe(JSON.stringify(three.forest));
    await expect(trainModel(engine, ds, { params: { extensionLevel: 14 } })).rejects.toThrow(
      /extension level must be a whole number from 0 to 13/,
    );
  });

  test('hyperplanes isolate a point that is off the diagonal but ordinary on each axis', async () => {
    const engine = await getEngine();
    const ds = diagonal();
    const { model } = await trainModel(engine, ds, { params: { extensionLevel: 'full', trees: 200 } });
    const { scores } = new LoadedModel(engine, model).scoreDataset(ds);
    const outlier = ds.rows - 1;
    const rank = Array.from(scores).filter((s) => s < scores[outlier]).length;
    expect(rank).toBe(0); // the most anomalous reading
  });

  test('export and import keep scores bit-identical; a missing or short normal is refused', async () => {
    const engine = await getEngine();
    const ds = loadFd001();
    const { model } = await trainModel(engine, ds, { params: { trees: 20, extensionLevel: 2 } });
    const again = parseModelText(JSON.stringify(model)).model;
    expect(new LoadedModel(engine, again).scoreDataset(ds).scores).toEqual(new LoadedModel(engine, model).scoreDataset(ds).scores);
    const short = structuredClone(model);
    short.forest.trees[3].normal!.pop();
    expect(() => parseModelText(JSON.stringify(short))).toThrow(/trees\/3\/normal: an extended forest needs \d+ values \(14 per node\)/);
    const axis = structuredClone(model);
    axis.forest.kind = 'isolation-forest';
    expect(() => parseModelText(JSON.stringify(axis))).toThrow(/only extended forests have normals/);
  });

  test('attribution still sums to c(psi) - E[h]', async () => {
    const engine = await getEngine();
    const ds = diagonal();
    const { model } = await trainModel(engine, ds, { params: { extensionLevel: 1, trees: 100 } });
    const ex = new LoadedModel(engine, model).explain(Float64Array.from([2, 8]));
    expect(ex.attribution.reduce((a, b) => a + b, 0)).toBeCloseTo(ex.averagePathLength - ex.meanPathLength, 10);
    expect(ex.attribution.every((a) => a > 0)).toBe(true);
  });
});

describe('engine memory across forest kinds', () => {
  test('extended and axis forests loaded and freed in turn reuse memory cleanly', async () => {
    const engine = await getEngine();
    const ds = loadFd001();
    // A freed extended forest leaves non-zero bytes behind; an axis forest built there must not read them as pointers.
    for (let i = 0; i < 6; i++) {
      const { model } = await trainModel(engine, ds, { params: { trees: 10, ...(i % 2 ? {} : { extensionLevel: 'full' as const }) } });
      const loaded = new LoadedModel(engine, model);
      loaded.scoreDataset(ds);
      loaded.dispose();
    }
    const before = engine.memoryBytes;
    const { model } = await trainModel(engine, ds, { params: { trees: 10 } });
    new LoadedModel(engine, model).dispose();
    expect(engine.memoryBytes).toBe(before);
  });
});
