import { describe, expect, test } from 'vitest';
import { columnsDataset, getEngine, lcg, loadFd001 } from './helpers.js';
import { FeatureTransform } from '../src/features/transform.js';
import { deriveDataset } from '../src/features/derive.js';
import { derivedNames, type FeatureRecipe } from '../src/features/recipe.js';
import { trainModel } from '../src/model/train.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { parseModelText } from '../src/model/validate.js';
import { parseBaseline } from '../src/data/baseline.js';
import { streamOrder } from '../src/data/order.js';
import { featureColumns, type Dataset } from '../src/data/dataset.js';
import { DEFAULT_QUALITY } from '../src/features/defaults.js';

/** Direct (non-incremental) window statistics, the oracle for the engine's running sums. */
function naive(values: number[], B: number, k: number): { value: number; mean: number; std: number; slope: number }[] {
  const devs: number[] = [];
  return values.map((x, i) => {
    const base = values.slice(0, Math.min(i + 1, B));
    const v = B > 0 ? x - base.reduce((a, b) => a + b, 0) / base.length : x;
    devs.push(v);
    const win = devs.slice(-k);
    const m = win.length;
    const mean = win.reduce((a, b) => a + b, 0) / m;
    // Until the window is full the spread is missing (the reading is unscored).
    const std = m < k ? NaN : Math.sqrt(win.reduce((a, b) => a + (b - mean) ** 2, 0) / m);
    const xm = (m - 1) / 2;
    const sxx = win.reduce((a, _, j) => a + (j - xm) ** 2, 0);
    const slope = sxx > 0 ? win.reduce((a, y, j) => a + (j - xm) * (y - mean), 0) / sxx : 0;
    return { value: v, mean, std, slope };
  });
}

function twoUnits(): Dataset {
  const r = lcg(21);
  const rows = 60;
  const unit = Float64Array.from({ length: rows }, (_, i) => (i < 30 ? 1 : 2));
  const time = Float64Array.from({ length: rows }, (_, i) => (i % 30) + 1);
  const a = Float64Array.from({ length: rows }, (_, i) => 100 + (i % 30) * 0.5 + r());
  const b = Float64Array.from({ length: rows }, () => 5 + r());
  return columnsDataset('t', [
    ['unit', 'unit', unit],
    ['time', 'time', time],
    ['a', 'feature', a],
    ['b', 'feature', b],
  ]);
}

describe('window features', () => {
  test('per-unit baseline deviation, rolling mean, std and slope match a direct computation', async () => {
    const ds = twoUnits();
    const recipe: FeatureRecipe = { inputs: ['a', 'b'], unitBaseline: 4, window: { size: 5, stats: ['value', 'mean', 'std', 'slope'] } };
    const out = deriveDataset(await getEngine(), ds, recipe);
    expect(derivedNames(recipe)).toEqual([
      'a:dev4',
      'a:dev4:mean5',
      'a:dev4:std5',
      'a:dev4:slope5',
      'b:dev4',
      'b:dev4:mean5',
      'b:dev4:std5',
      'b:dev4:slope5',
    ]);
    for (const input of ['a', 'b']) {
      for (const u of [1, 2]) {
        const rows = [...Array(ds.rows).keys()].filter((i) => ds.columns[0].values[i] === u);
        const expected = naive(
          rows.map((i) => ds.columns.find((c) => c.name === input)!.values[i]),
          4,
          5,
        );
        const got = (stat: string) => rows.map((i) => out.columns.find((c) => c.name === `${input}:dev4${stat}`)!.values[i]);
        got('').forEach((v, j) => expect(v).toBeCloseTo(expected[j].value, 9));
        got(':mean5').forEach((v, j) => expect(v).toBeCloseTo(expected[j].mean, 9));
        got(':std5').forEach((v, j) => (Number.isNaN(expected[j].std) ? expect(v).toBeNaN() : expect(v).toBeCloseTo(expected[j].std, 6)));
        got(':slope5').forEach((v, j) => expect(v).toBeCloseTo(expected[j].slope, 9));
      }
    }
  });

  test('a missing value leaves the state alone and yields NaN for that reading only', async () => {
    const ds = twoUnits();
    ds.columns[2].values[10] = NaN;
    const clean = deriveDataset(await getEngine(), twoUnits(), { inputs: ['a'], unitBaseline: 0, window: { size: 3, stats: ['mean'] } });
    const out = deriveDataset(await getEngine(), ds, { inputs: ['a'], unitBaseline: 0, window: { size: 3, stats: ['mean'] } });
    const m = out.columns.find((c) => c.name === 'a:mean3')!.values;
    expect(Number.isNaN(m[10])).toBe(true);
    expect(m[9]).toBe(clean.columns.find((c) => c.name === 'a:mean3')!.values[9]);
    // After the gap, the window holds the readings around it, not a zero.
    const a = ds.columns[2].values;
    expect(m[11]).toBeCloseTo((a[8] + a[9] + a[11]) / 3, 12);
  });

  test.each([1e10, -1e12, 1.7e308])(
    'a reading of %s leaves no trace once out of the window: later features and scores equal the clean series, batch and stream',
    async (spike) => {
      const engine = await getEngine();
      const ds = twoUnits();
      const recipe: FeatureRecipe = { inputs: ['a', 'b'], unitBaseline: 0, window: { size: 5, stats: ['value', 'mean', 'std', 'slope'] } };
      const clean = deriveDataset(engine, ds, recipe);
      const spiked = twoUnits();
      spiked.columns[2].values[8] = spike;
      const out = deriveDataset(engine, spiked, recipe);
      const oracle = naive(Array.from(spiked.columns[2].values.subarray(0, 30)), 0, 5);
      for (const stat of ['mean', 'std', 'slope'] as const) {
        const name = `a:${stat}5`;
        const got = out.columns.find((c) => c.name === name)!.values;
        const want = clean.columns.find((c) => c.name === name)!.values;
        // Rows 9-12 hold the spike in their window; from row 13 on it is gone.
        for (let i = 13; i < 30; i++) {
          expect(got[i]).toBeCloseTo(want[i], 9);
          expect(got[i]).toBeCloseTo(oracle[i][stat], 9);
        }
      }
      // The fused scoring pass and the stream transform resum at the same readings: bit for bit.
      const { model } = await trainModel(engine, ds, { recipe: { ...recipe, regimes: 'off' } });
      const loaded = new LoadedModel(engine, model);
      const fused = loaded.scoreDataset(spiked).scores;
      const derived = loaded.scoreColumns(featureColumns(loaded.featureData(spiked), model.features)).scores;
      expect(Buffer.from(fused.buffer).equals(Buffer.from(derived.buffer))).toBe(true);
      const cleanScores = loaded.scoreDataset(ds).scores;
      for (let i = 13; i < 30; i++) expect(fused[i]).toBeCloseTo(cleanScores[i], 12);
    },
  );

  test.each([1e308, -1e200, 2e154])(
    'a reading of %s (past ±1e150) is anomalous at once and never enters the unit state, its baseline included: batch and stream',
    async (absurd) => {
      // Taken into the baseline mean it left every later reading of the unit unscored (1e308) or anomalous (1e200).
      const engine = await getEngine();
      const recipe: FeatureRecipe = { inputs: ['a', 'b'], unitBaseline: 20, window: { size: 5, stats: ['value', 'mean', 'std', 'slope'] } };
      const spiked = twoUnits();
      spiked.columns[2].values[8] = absurd; // in the unit's baseline (its first 20), its window full
      const gap = twoUnits();
      gap.columns[2].values[8] = NaN;
      const features = (ds: Dataset) => deriveDataset(engine, ds, recipe).columns.filter((c) => c.name.startsWith('a:'));
      const hex = (v: Float64Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
      const [got, want] = [features(spiked), features(gap)];
      // Its own features are the value itself (std its size); every other reading's are as if it were a gap.
      expect(got.map((c) => c.values[8])).toEqual([absurd, absurd, Math.abs(absurd), absurd]);
      for (const c of [...got, ...want]) c.values[8] = 0;
      expect(got.map((c) => hex(c.values))).toEqual(want.map((c) => hex(c.values)));
      const { model } = await trainModel(engine, twoUnits(), { recipe: { ...recipe, regimes: 'off' } });
      const loaded = new LoadedModel(engine, model);
      const scores = loaded.scoreDataset(spiked).scores;
      const gapScores = loaded.scoreDataset(gap).scores;
      expect(scores[8]).toBe(-1); // far past the trained range: the range rule's score
      expect(Buffer.from(scores.subarray(9).slice().buffer).equals(Buffer.from(gapScores.subarray(9).slice().buffer))).toBe(true);
      expect(scores.slice(9, 30).every(Number.isFinite)).toBe(true);
      // The derived columns and the stream path (serve, consume), a reading at a time, agree bit for bit.
      const derived = loaded.scoreColumns(featureColumns(loaded.featureData(spiked), model.features)).scores;
      expect(Buffer.from(derived.buffer).equals(Buffer.from(scores.buffer))).toBe(true);
      const a = spiked.columns[2].values;
      const b = spiked.columns[3].values;
      const streamed = Array.from(
        { length: 30 },
        (_, i) => loaded.scoreStream(Float64Array.of(a[i], b[i]), 2, Float64Array.of(1), 1).scores[0],
      );
      expect(Buffer.from(Float64Array.from(streamed).buffer).equals(Buffer.from(scores.slice(0, 30).buffer))).toBe(true);
    },
  );

  test('scores with features computed in the scoring pass equal scores of the derived columns, bit for bit', async () => {
    const engine = await getEngine();
    const ds = loadFd001();
    const { model } = await trainModel(engine, ds, {
      baseline: parseBaseline('first:50%'),
      recipe: { unitBaseline: 20, window: { size: 5, stats: ['mean', 'std', 'slope'] } },
    });
    const loaded = new LoadedModel(engine, model);
    const fused = loaded.scoreDataset(ds).scores;
    const derived = loaded.scoreColumns(featureColumns(loaded.featureData(ds), model.features)).scores;
    expect(Buffer.from(fused.buffer).equals(Buffer.from(derived.buffer))).toBe(true);
  });

  test('a stream fed in uneven batches, units interleaved, scores exactly like the batch', async () => {
    const engine = await getEngine();
    const ds = loadFd001();
    const { model } = await trainModel(engine, ds, { baseline: parseBaseline('first:50%'), recipe: DEFAULT_QUALITY.recipe });
    const loaded = new LoadedModel(engine, model);
    const batch = loaded.scoreDataset(ds).scores;
    const inputs = featureColumns(ds, loaded.streamInputs);
    const unit = ds.columns.find((c) => c.role === 'unit')!.values;
    const order = streamOrder(ds);
    const r = lcg(3);
    const streamed = new Float64Array(ds.rows);
    for (let at = 0; at < order.length;) {
      const n = Math.min(order.length - at, 1 + Math.floor(r() * 700));
      const block = new Float64Array(n * inputs.length);
      const units = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        inputs.forEach((c, f) => (block[i * inputs.length + f] = c[order[at + i]]));
        units[i] = unit[order[at + i]];
      }
      const { scores } = loaded.scoreStream(block, inputs.length, units, n);
      for (let i = 0; i < n; i++) streamed[order[at + i]] = scores[i];
      at += n;
    }
    expect(Buffer.from(streamed.buffer).equals(Buffer.from(batch.buffer))).toBe(true);
  });

  test('the recipe travels in the model JSON: export, import, same scores; a recipe that disagrees with the features is refused', async () => {
    const engine = await getEngine();
    const ds = loadFd001();
    const { model } = await trainModel(engine, ds, {
      baseline: parseBaseline('first:50%'),
      recipe: DEFAULT_QUALITY.recipe,
      alarm: DEFAULT_QUALITY.alarm,
    });
    expect(model.recipe).toMatchObject({ unitBaseline: 20, window: { size: 5, stats: ['mean'] } });
    expect(model.recipe!.regimes).toBeUndefined(); // FD001 flies one condition
    expect(model.alarm).toEqual({ k: 5, n: 8, clear: 1 });
    const again = parseModelText(JSON.stringify(model)).model;
    expect(new LoadedModel(engine, again).scoreDataset(ds).scores).toEqual(new LoadedModel(engine, model).scoreDataset(ds).scores);
    const bad = structuredClone(model);
    bad.recipe!.window.size = 7;
    expect(() => parseModelText(JSON.stringify(bad))).toThrow(/\/recipe: it derives 14 features \(sensor_2:dev20:mean7/);
    const badAlarm = structuredClone(model);
    badAlarm.alarm = { k: 9, n: 8, clear: 1 };
    expect(() => parseModelText(JSON.stringify(badAlarm))).toThrow(/needs clear < k <= n/);
  });

  test('the stream transform keeps every unit apart', async () => {
    const engine = await getEngine();
    const t = new FeatureTransform(engine, { inputs: ['x'], unitBaseline: 0, window: { size: 2, stats: ['mean'] } });
    const out = t.apply(Float64Array.from([1, 100, 3, 300]), Float64Array.from([1, 2, 1, 2]), 4);
    expect(Array.from(out)).toEqual([1, 100, 2, 200]);
    t.dispose();
  });
});
