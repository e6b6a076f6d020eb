// The engine suite, written once against EngineService's async surface (what the page's
// engine worker answers) and run over every transport and Wasm build by engine.test.ts.
import { beforeAll, describe, expect, test } from 'vitest';
import { lcg, loadFd001 } from './helpers.js';
import { referenceRanges, referenceScore } from './reference-forest.js';
import type { EngineApi } from './engine-transports.js';
import { parseModelText } from '../src/model/validate.js';
import { parseBaseline } from '../src/data/baseline.js';
import { flagAnomalies } from '../src/alarms/threshold.js';
import type { ModelJson } from '../src/model/types.js';
import { fingerprintInputs } from '../src/model/inputs-fingerprint.js';
import type { Dataset } from '../src/data/dataset.js';

export function smallDataset(): Dataset {
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

let fd001: Dataset | undefined;
/** FD001, parsed once per test file (every transport copies what it is given). */
export const fd001Dataset = (): Dataset => (fd001 ??= loadFd001());

/** Flags as LoadedModel sets them: decision = score - the model's offset < 0. */
const flagsOf = (scores: Float64Array, model: ModelJson) => flagAnomalies(scores, model.threshold.offset);

const featureValues = (ds: Dataset, model: ModelJson) => model.features.map((f) => ds.columns.find((c) => c.name === f)!.values);

function c(n: number): number {
  if (n <= 1) return 0;
  if (n <= 2) return 1;
  return 2 * (Math.log(n - 1) + 0.5772156649015329) - (2 * (n - 1)) / n;
}

/** Naive walk of the JSON hyperplanes: normal · f32(scaled x) in f64, feature order. */
function hyperplaneOracle(model: ModelJson, row: number[]): number {
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

export function engineSuite(name: string, getApi: () => Promise<EngineApi>): void {
  describe(name, () => {
    let api: EngineApi;
    beforeAll(async () => {
      api = await getApi();
    });

    describe('Wasm Isolation Forest', () => {
      test('a fixed seed gives these exact scores on small data', async () => {
        await api.setDataset(smallDataset());
        const { scores } = await api.train({ params: { trees: 10, seed: 1 }, createdAt: 'fixed' });
        expect(Array.from(scores.slice(0, 8))).toEqual([
          -0.4821852563604315, -0.5051163877756834, -0.5031969513151796, -0.48077294062344056, -0.42899021185294944, -0.7591329982420668,
          -0.48294140352363113, -0.4441471683120957,
        ]);
      });

      test('the outlier scores lowest', async () => {
        await api.setDataset(smallDataset());
        const { scores } = await api.train({ params: { trees: 100, seed: 9 } });
        const lowest = scores.indexOf(Math.min(...scores));
        expect(lowest).toBe(5);
      });

      test('same data, parameters and seed give a byte-identical model; another seed does not', async () => {
        await api.setDataset(fd001Dataset());
        const opts = { baseline: parseBaseline('first:50%'), params: { seed: 42 }, createdAt: '2026-01-01T00:00:00Z' };
        const a = JSON.stringify((await api.train(opts)).model);
        const b = JSON.stringify((await api.train(opts)).model);
        const c = JSON.stringify((await api.train({ ...opts, params: { seed: 43 } })).model);
        expect(a).toBe(b);
        expect(a).not.toBe(c);
      });

      test('each tree is grown from its own subsample of max_samples rows', async () => {
        await api.setDataset(fd001Dataset());
        const { model } = await api.train({ params: { trees: 20, maxSamples: 128 } });
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
        await api.setDataset(fd001Dataset());
        const { model } = await api.train({ params: { trees: 30, maxFeatures: 0.2 } });
        const perTree = model.forest.trees.map((t) => new Set(t.feature.filter((f) => f >= 0)));
        for (const s of perTree) expect(s.size).toBeLessThanOrEqual(3); // floor(0.2 * 15)
        expect(new Set(perTree.map((s) => [...s].sort().join())).size).toBeGreaterThan(5);
      });

      test('compiled scoring agrees with a naive walk of the JSON trees', async () => {
        const ds = fd001Dataset();
        await api.setDataset(ds);
        const { model, scores } = await api.train({ params: { trees: 25, maxSamples: 200, seed: 5 } });
        const cols = featureValues(ds, model);
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
        await api.setDataset(fd001Dataset());
        const before = await api.train({ params: { contamination: 0.05 } });
        const after = await api.importModel(JSON.stringify(before.model));
        expect(Buffer.from(after.scores.buffer).equals(Buffer.from(before.scores.buffer))).toBe(true);
        expect(Array.from(flagsOf(after.scores, after.model))).toEqual(Array.from(flagsOf(before.scores, before.model)));
      });

      test('contamination sets the offset to that percentile of training scores', async () => {
        const ds = fd001Dataset();
        await api.setDataset(ds);
        // In sample, as scikit-learn's offset_; the default calibrates on units the trees did not see.
        const { model, scores } = await api.train({ params: { contamination: 0.1 }, threshold: 'in-sample' });
        const flags = flagsOf(scores, model);
        const rate = flags.reduce((a, b) => a + b, 0) / ds.rows;
        expect(rate).toBeGreaterThan(0.095);
        expect(rate).toBeLessThan(0.105);
        expect(model.threshold.offset).not.toBe(-0.5);
        expect(model.threshold.calibration).toBeUndefined();
        const calibrated = (await api.train({ params: { contamination: 0.1 } })).model;
        expect(calibrated.threshold.calibration?.folds).toBeGreaterThan(1);
        expect(calibrated.threshold.offset).not.toBe(model.threshold.offset);
      });

      test('rows with a missing feature get NaN, never a score computed from 0', async () => {
        const ds = smallDataset();
        await api.setDataset(ds);
        const { model } = await api.train({ params: { trees: 10 } });
        ds.columns[1].values[3] = NaN;
        await api.setDataset(ds);
        const { scores, unscorable } = await api.importModel(JSON.stringify(model));
        const flags = flagsOf(scores, model);
        expect(Number.isNaN(scores[3])).toBe(true);
        expect(flags[3]).toBe(0);
        expect(unscorable).toBe(1);
        expect(Number.isNaN(scores[4])).toBe(false);
      });

      test('attribution sums to c(psi) - E[h] and credits the feature that made the outlier', async () => {
        await api.setDataset(smallDataset());
        await api.train({ params: { trees: 100 } });
        const ex = await api.explainRow(5);
        const sum = ex.attribution.reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(ex.averagePathLength - ex.meanPathLength, 10);
        expect(ex.attribution.indexOf(Math.max(...ex.attribution))).toBe(0);
        expect(ex.zscores[0]).toBeGreaterThan(2);
      });

      test("a reading past three times a feature's training range is isolated at once (-1) and explained by that feature; one within is scored by the trees", async () => {
        const ds = smallDataset();
        await api.setDataset(ds);
        const { model } = await api.train({ params: { trees: 50, seed: 4 } });
        const [lo, hi] = referenceRanges(model)[1].map((z) => z * model.scaler.scale[1] + model.scaler.mean[1]);
        const probe = structuredClone(ds);
        const s1 = probe.columns[1].values;
        [s1[0], s1[1], s1[2], s1[3], s1[4]] = [1e300, -1e300, hi * 1.01, lo - Math.abs(lo) * 0.01 - 1e-9, hi * 0.97];
        await api.setDataset(probe);
        const { scores } = await api.importModel(JSON.stringify(model));
        expect(Array.from(scores.slice(0, 4))).toEqual([-1, -1, -1, -1]);
        expect(scores[4]).toBeGreaterThan(-1);
        expect(scores[4]).toBeCloseTo(referenceScore(model, [ds.columns[0].values[4], s1[4], ds.columns[2].values[4]]), 12);
        const ex = await api.explainRow(0);
        expect(ex.meanPathLength).toBe(0);
        expect(Array.from(ex.attribution, (a) => a > 0)).toEqual([false, true, false]);
        expect(ex.attribution[1]).toBeCloseTo(ex.averagePathLength, 10);
      });

      test('a feature split only a few times (a 0/1 flag on three rows of 20,000) keeps its common value in range', async () => {
        const col = (name: string, values: Float64Array) => ({ name, role: 'feature' as const, values, missing: 0, nonNumeric: 0 });
        const r = lcg(4);
        const n = 20_000;
        const x = Float64Array.from({ length: n }, () => r() * 10);
        const y = Float64Array.from({ length: n }, () => r() * 10);
        const flag = new Float64Array(n);
        flag[17] = flag[9000] = flag[15000] = 1;
        await api.setDataset({ name: 'flag', format: 'csv', rows: n, notes: [], columns: [col('x', x), col('y', y), col('flag', flag)] });
        // Seed 4 splits the flag twice, at 0.69 and 0.80: a range from those alone left out every 0.
        const { scores } = await api.train({ features: ['x', 'y', 'flag'], params: { trees: 100, seed: 4 } });
        expect(scores.filter((s) => s === -1).length).toBeLessThanOrEqual(3);
      });

      test('the model stays when new data is loaded: rescore gives what importing it gives; drivers per unit', async () => {
        await api.setDataset(fd001Dataset());
        const { model } = await api.train({ params: { trees: 30 }, recipe: { unitBaseline: 20, window: { size: 5, stats: ['mean'] } } });
        const test = loadFd001('test_FD001.txt');
        await api.setDataset(test);
        const again = await api.rescore();
        expect(again.model.id).toBe(model.id);
        const imported = await api.importModel(JSON.stringify(model));
        expect(Buffer.from(again.scores.buffer).equals(Buffer.from(imported.scores.buffer))).toBe(true);
        const drivers = await api.unitDrivers(3);
        expect(drivers.map((d) => d.unit)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
        expect(drivers.every((d) => d.drivers.length <= 3 && d.drivers.every((x) => /^sensor_\d+$/.test(x.input)))).toBe(true);
        await api.setDataset(smallDataset());
        await expect(api.rescore()).rejects.toThrow(/the data has no columns "sensor_/);
        const before = await api.memoryBytes();
        await api.setDataset(test);
        for (let i = 0; i < 10; i++) {
          await api.rescore();
          await api.unitDrivers(3);
        }
        expect(await api.memoryBytes()).toBe(before);
      });

      test('train/score/explain/import cycles do not grow Wasm memory', async () => {
        await api.setDataset(fd001Dataset());
        const cycle = async () => {
          const { model } = await api.train({ params: { trees: 20 } });
          await api.explainRow(0);
          await api.importModel(JSON.stringify(model)); // frees the trained model, loads and scores its copy
        };
        for (let i = 0; i < 3; i++) await cycle();
        const before = await api.memoryBytes();
        for (let i = 0; i < 30; i++) await cycle();
        expect(await api.memoryBytes()).toBe(before);
      });
    });

    describe('the shipped default model', () => {
      test("is what the CLI's defaults give on FD001 today (healthy half, default recipe and alarm, seed 42)", async () => {
        const { readFileSync } = await import('node:fs');
        const { DEFAULT_QUALITY, DEFAULT_CONTAMINATION } = await import('../src/features/defaults.js');
        const shipped = JSON.parse(readFileSync(new URL('../models/fd001-baseline.json', import.meta.url), 'utf8')) as ModelJson;
        await api.setDataset(fd001Dataset());
        const { model } = await api.train({
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

    describe('Extended Isolation Forest', () => {
      test('engine scores equal a naive walk of the JSON hyperplanes, exactly', async () => {
        const ds = fd001Dataset();
        await api.setDataset(ds);
        const { model, scores } = await api.train({ params: { trees: 30, extensionLevel: 'full', seed: 4 } });
        expect(model.forest.kind).toBe('extended-isolation-forest');
        expect(model.forest.extensionLevel).toBe(13);
        const cols = featureValues(ds, model);
        // Same walk; the last bit may differ only through log/pow in the score formula (Wasm vs host).
        for (let i = 0; i < ds.rows; i += 211)
          expect(scores[i]).toBeCloseTo(
            hyperplaneOracle(
              model,
              cols.map((col) => col[i]),
            ),
            13,
          );
      });

      test('the extension level sets how many components each normal has; the seed fixes the trees', async () => {
        await api.setDataset(fd001Dataset());
        const nonZero = (m: ModelJson) =>
          m.forest.trees.flatMap((t) =>
            t.left.flatMap((l, node) => (l === -1 ? [] : [t.normal!.slice(node * 14, node * 14 + 14).filter((v) => v !== 0).length])),
          );
        const axis = (await api.train({ params: { trees: 10, extensionLevel: 0 } })).model;
        expect(new Set(nonZero(axis))).toEqual(new Set([1]));
        const three = (await api.train({ params: { trees: 10, extensionLevel: 3 } })).model;
        expect(new Set(nonZero(three))).toEqual(new Set([4]));
        const again = (await api.train({ params: { trees: 10, extensionLevel: 3 } })).model;
        expect(JSON.stringify(again.forest)).toBe(JSON.stringify(three.forest));
        await expect(api.train({ params: { extensionLevel: 14 } })).rejects.toThrow(/extension level must be a whole number from 0 to 13/);
      });

      test('hyperplanes isolate a point that is off the diagonal but ordinary on each axis', async () => {
        const ds = diagonal();
        await api.setDataset(ds);
        const { scores } = await api.train({ params: { extensionLevel: 'full', trees: 200 } });
        const outlier = ds.rows - 1;
        const rank = Array.from(scores).filter((s) => s < scores[outlier]).length;
        expect(rank).toBe(0); // the most anomalous reading
      });

      test('export and import keep scores bit-identical; a missing or short normal is refused', async () => {
        await api.setDataset(fd001Dataset());
        const { model, scores } = await api.train({ params: { trees: 20, extensionLevel: 2 } });
        const again = parseModelText(JSON.stringify(model)).model;
        expect((await api.importModel(JSON.stringify(again))).scores).toEqual(scores);
        const short = structuredClone(model);
        short.forest.trees[3].normal!.pop();
        await expect(api.importModel(JSON.stringify(short))).rejects.toThrow(
          /trees\/3\/normal: an extended forest needs \d+ values \(14 per node\)/,
        );
        const axis = structuredClone(model);
        axis.forest.kind = 'isolation-forest';
        await expect(api.importModel(JSON.stringify(axis))).rejects.toThrow(/only extended forests have normals/);
      });

      test('attribution still sums to c(psi) - E[h]', async () => {
        const ds = diagonal();
        await api.setDataset(ds);
        await api.train({ params: { extensionLevel: 1, trees: 100 } });
        const ex = await api.explainRow(ds.rows - 1); // (2, 8)
        expect(ex.attribution.reduce((a, b) => a + b, 0)).toBeCloseTo(ex.averagePathLength - ex.meanPathLength, 10);
        expect(ex.attribution.every((a) => a > 0)).toBe(true);
      });
    });

    describe('engine memory across forest kinds', () => {
      test('extended and axis forests loaded and freed in turn reuse memory cleanly', async () => {
        await api.setDataset(fd001Dataset());
        // A freed extended forest leaves non-zero bytes behind; an axis forest built there must not read them as pointers.
        // Each model the service loads frees the one before.
        for (let i = 0; i < 6; i++) await api.train({ params: { trees: 10, ...(i % 2 ? {} : { extensionLevel: 'full' as const }) } });
        const before = await api.memoryBytes();
        await api.train({ params: { trees: 10 } });
        expect(await api.memoryBytes()).toBe(before);
      });
    });

    describe('the service surface', () => {
      test('drivers and the data check asked for just before another model is loaded are skipped, not run ahead of it', async () => {
        await api.setDataset(fd001Dataset());
        const { model } = await api.train({ params: { trees: 10 } });
        // The model's text is made first, so the three requests leave back to back: the jobs give
        // way for one turn of the worker's loop, and a slow main thread must not miss that turn.
        const text = JSON.stringify(model);
        const drivers = api.unitDrivers(3);
        const check = api.dataCheck();
        await api.importModel(text);
        expect(await drivers).toEqual([]);
        expect(await check).toBeUndefined();
        // Asked for the model now loaded, they answer.
        expect((await api.unitDrivers(3)).length).toBe(100);
        expect((await api.dataCheck())?.verdict).toBe('ok');
      });

      test("the loaded data's inputs fingerprint is its training's (compacted columns, inputs dropped within regimes); other data's is not", async () => {
        await api.setDataset(loadFd001('train_FD002.txt'));
        const { model } = await api.train({
          params: { trees: 10 },
          recipe: { unitBaseline: 20, window: { size: 5, stats: ['mean'] }, regimes: 'auto' },
        });
        expect(model.recipe?.regimes).toBeDefined();
        const inputs = fingerprintInputs(model);
        expect(await api.inputsFingerprint(inputs, 'set')).toBe(model.training.inputsFingerprint);
        await api.setDataset(fd001Dataset());
        expect(await api.inputsFingerprint(inputs, 'set')).toMatch(/^rows:20631:set:/);
      });

      test('answers for the loaded data and refuses, with its reason, what it cannot do', async () => {
        const ds = fd001Dataset();
        await api.setDataset(ds);
        const unit = ds.columns.find((col) => col.role === 'unit')!.values;
        const s2 = ds.columns.find((col) => col.name === 'sensor_2')!.values;
        const series = await api.unitSeries(3, ['sensor_2']);
        const rows = Array.from(unit.keys()).filter((i) => unit[i] === 3);
        expect(Array.from(series.rows)).toEqual(rows);
        expect(Array.from(series.columns.sensor_2)).toEqual(rows.map((i) => s2[i]));
        await api.train({ params: { trees: 10 } });
        await expect(api.explainRow(ds.rows)).rejects.toThrow(`row ${ds.rows} is outside the data (0..${ds.rows - 1})`);
        await expect(api.importModel('{"format": 1')).rejects.toThrow(/model file is not valid JSON/);
        // A refused import leaves the current model in place.
        expect((await api.explainRow(0)).features.length).toBeGreaterThan(0);
      });
    });
  });
}
