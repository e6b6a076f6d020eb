// Issue 10, item 1: models that used to wrap the engine's size arithmetic, exhaust its
// memory, or score NaN / -0 / -Infinity are refused with a model error naming the field,
// and neither a refused model nor a trap disturbs the models already loaded.
import { describe, expect, test, beforeAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cmapssPath, csvDataset, getEngine, loadFd001, shippedModel } from './helpers.js';
import { trainModel } from '../src/model/train.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { ModelError, parseModelText, validateModel } from '../src/model/validate.js';
import { probeForest } from '../src/model/probe.js';
import { EngineTrap, type ForestSpec } from '../src/engine/wasm-engine.js';
import { resolveParams, DEFAULT_PARAMS } from '../src/engine/params.js';
import type { ModelJson, TreeJson } from '../src/model/types.js';
import { chainTree, syntheticExtended } from '../bench/model-mutations.js';
import { Consumer } from '../src/connectors/consumer.js';
import { Metrics } from '../src/connectors/metrics.js';

let shipped: ModelJson;
let block: Float64Array;
const text = (m: unknown) => JSON.stringify(m);

beforeAll(async () => {
  shipped = await shippedModel();
  const d = shipped.features.length;
  block = Float64Array.from({ length: 64 * d }, (_, i) => shipped.scaler.mean[i % d] + ((i % 7) - 3) * shipped.scaler.scale[i % d]);
});

describe('models the issue reported', () => {
  test('maxSamples 1 is refused (it scored NaN or -0 for every reading)', () => {
    const m = structuredClone(shipped);
    m.forest.maxSamples = 1;
    expect(() => parseModelText(text(m))).toThrow(/model field \/forest\/maxSamples: must be >= 2 \[schema\]/);
  });

  test('a leaf size near 9e307 is refused (it scored -Infinity)', () => {
    const m = structuredClone(shipped);
    const leaf = m.forest.trees[2].feature.indexOf(-1);
    m.forest.trees[2].size[leaf] = 8.99e307;
    expect(() => parseModelText(text(m))).toThrow(
      new RegExp(
        `/forest/trees/2/size/${leaf}: 8.99e\\+307 rows is more than the 256 \\(maxSamples\\) each tree is grown from \\[range\\]`,
      ),
    );
  });

  test('huge hyperplane normals are refused (they gave NaN explanations)', () => {
    const m = syntheticExtended({ features: 4, trees: 2, depth: 3, normal: 1e308 });
    expect(() => parseModelText(text(m))).toThrow(/\/forest\/trees\/0\/normal\/0: must be <= 1e\+100 \[schema\]/);
    // Objects built in code skip JSON, so NaN can reach validation too.
    const nan = syntheticExtended({ features: 4, trees: 2, depth: 3 });
    nan.forest.trees[1].normal![4] = NaN;
    expect(() => validateModel(nan)).toThrow(/\/forest\/trees\/1\/normal\/4: must be <= 1e\+100 \[schema\]/);
  });

  test('a 320 KB extended forest that asked for 2 GiB is refused by the size it would compile to', () => {
    const m = syntheticExtended({ features: 4096, trees: 1, depth: 16 });
    const t = text(m);
    expect(t.length).toBeLessThan(400_000);
    expect(() => parseModelText(t)).toThrow(
      /\/forest\/trees: 1 trees of depth 16 over 4096 features compile to 2051 MiB .* the limit is 512 MiB \[too-large\]/,
    );
  });

  test('trees × split slots × features that wrapped 32 bits (5 × 32767 × 3277 × 8 = 2^32 + 131064) is refused', () => {
    const m = syntheticExtended({ features: 3277, trees: 5, depth: 15 });
    expect(() => parseModelText(text(m))).toThrow(/5 trees of depth 15 over 3277 features compile to \d+ MiB.*\[too-large\]/);
  });

  test('an extended forest missing its normals is refused before anything is sized from trees × nodes × features', () => {
    const m = syntheticExtended({ features: 4096, trees: 3, depth: 2 });
    for (const t of m.forest.trees) delete t.normal;
    expect(() => parseModelText(text(m))).toThrow(
      /trees\/0\/normal: an extended forest needs 20480 values \(4096 per node\), found none \[shape\]/,
    );
  });

  test('a recipe whose window state per unit would be huge is refused', () => {
    // The widest window the schema allows is fine for the 14 inputs FD001 has...
    const m = structuredClone(shipped);
    m.recipe!.window.size = 1000;
    m.features = m.recipe!.inputs.map((i) => `${i}:dev20:mean1000`);
    expect(parseModelText(text(m)).model.recipe!.window.size).toBe(1000);
    // ...but not for 4096 inputs: 864 KiB per unit, 54 MiB before the 65th unit arrives.
    const wide = structuredClone(shipped);
    const inputs = Array.from({ length: 4096 }, (_, i) => `s${i}`);
    wide.recipe = { inputs, unitBaseline: 0, window: { size: 20, stats: ['mean'] } };
    wide.features = inputs.map((i) => `${i}:mean20`);
    wide.scaler = { mean: inputs.map(() => 0), scale: inputs.map(() => 1) };
    expect(() => validateModel(wide)).toThrow(
      /4096 inputs with a window of 20 keep 110592 values per unit; the limit is 65536 \[too-large\]/,
    );
  });

  test('non-finite numbers are refused wherever they are, nested or not', () => {
    const t = text(shipped).replace(/"rows":\d+/, '"rows":1e999');
    expect(() => parseModelText(t)).toThrow(/model field \/training\/rows: Infinity is not a finite number \[not-finite\]/);
    const metrics = text({ ...shipped, metrics: { trainingRows: 1 } }).replace('"trainingRows":1', '"trainingRows":-1e400');
    expect(() => parseModelText(metrics)).toThrow(/model field \/metrics\/trainingRows: -Infinity is not a finite number/);
    // The schema leaves /training open: deep nesting is walked without recursion.
    const deep = text(shipped).replace('"training":{', `"training":{"extra":${'['.repeat(100000)}1e999${']'.repeat(100000)},`);
    expect(() => parseModelText(deep)).toThrow(/model field \/training\/extra(\/0)+: Infinity is not a finite number/);
  });

  test('training refuses a max_samples that leaves one row per tree', () => {
    expect(() => resolveParams({ ...DEFAULT_PARAMS, maxSamples: 0.001 }, 500, 3)).toThrow(
      /max samples 0.001 of 500 rows is 1 row per tree; each tree needs at least 2/,
    );
    expect(resolveParams({ ...DEFAULT_PARAMS, maxSamples: 0.004 }, 500, 3).psi).toBe(2);
  });
});

describe('load-time probe', () => {
  test('a forest that scores outside [-1, 0) is refused at load, naming what it scored', async () => {
    const engine = await getEngine();
    // Validation would refuse these; the probe is the second line, checked here on its own.
    const { spec } = validateModel(shipped);
    expect(() => probeForest(engine.sandbox(), { ...spec, maxSamples: 1 })).toThrow(
      /model field \/forest: scores (NaN|0|-0) for a finite reading \(probe row 0\).*\[bad-score\]/,
    );
    const size = spec.size.slice();
    size.fill(8.99e307);
    expect(() => probeForest(engine.sandbox(), { ...spec, size })).toThrow(/scores -Infinity for a finite reading/);
  });

  test('huge normals that slip past validation are caught by the explanation probe', async () => {
    const engine = await getEngine();
    const { spec } = validateModel(syntheticExtended({ features: 4, trees: 2, depth: 3 }));
    const normals = spec.normals!.map((v) => (v === 0 ? 0 : 1e308));
    expect(() => probeForest(engine.sandbox(), { ...spec, normals })).toThrow(/explains a finite reading .* \[bad-explanation\]/);
  });
});

/** A validated spec with one child pointing far outside the node arrays: compileForest reads out of bounds and traps. */
function trappingSpec(spec: ForestSpec): ForestSpec {
  const left = spec.left.slice();
  left[0] = 1 << 28;
  return { ...spec, left };
}

describe('a trap discards the engine instance, not the models', () => {
  test('no complete training row is explained: an input never given, or inputs logged on rows of their own', async () => {
    const engine = await getEngine();
    const alternate = [
      'time,temp,pressure',
      ...Array.from({ length: 100 }, (_, i) => `${i},${i % 2 ? 20 + (i % 7) : ''},${i % 2 ? '' : 5 + (i % 3)}`),
    ];
    await expect(trainModel(engine, csvDataset(alternate.join('\n')), { params: { trees: 10, seed: 7 } })).rejects.toThrow(
      /^no training rows: the baseline selects no rows with every feature present: the inputs are never given on one row \(temp in 50%, pressure in 50% of its 100 rows\), as when each sensor is logged on rows of its own/,
    );
    const never = ['time,temp,pressure', ...Array.from({ length: 100 }, (_, i) => `${i},${20 + (i % 7)},${i < 90 ? '' : 5 + (i % 3)}`)];
    await expect(
      trainModel(engine, csvDataset(never.join('\n')), {
        features: ['temp', 'pressure'],
        baseline: { kind: 'first', count: 50 },
        params: { trees: 10, seed: 7 },
      }),
    ).rejects.toThrow(/pressure is missing in every one of its 50 rows; leave it out of the features$/);
  });

  test('a loaded model keeps scoring identically after another forest traps the engine', async () => {
    const engine = await getEngine();
    const model = (await trainModel(engine, loadFd001(), { params: { trees: 10, seed: 7 } })).model;
    const a = new LoadedModel(engine, model);
    const b = new LoadedModel(engine, shipped);
    const d = model.features.length;
    const rows = Float64Array.from({ length: 50 * d }, (_, i) => model.scaler.mean[i % d] + ((i % 5) - 2) * model.scaler.scale[i % d]);
    const beforeA = a.scoreRowMajor(rows, d).scores;
    const beforeB = b.scoreRowMajor(block, shipped.features.length).scores;
    const generation = engine.generation;
    const raw = engine.loadForest(validateModel(model).spec);

    expect(() => engine.loadForest(trappingSpec(validateModel(model).spec))).toThrow(EngineTrap);
    expect(engine.generation).toBe(generation + 1);
    // Handles into the discarded instance are refused, never dereferenced in the new one.
    expect(() => engine.scoreRowMajor(raw, rows, d)).toThrow(/this forest is gone/);
    engine.freeForest(raw);

    expect(Buffer.from(a.scoreRowMajor(rows, d).scores.buffer).equals(Buffer.from(beforeA.buffer))).toBe(true);
    expect(Buffer.from(b.scoreRowMajor(block, shipped.features.length).scores.buffer).equals(Buffer.from(beforeB.buffer))).toBe(true);
    expect(a.explain(rows.subarray(0, d)).attribution.every(Number.isFinite)).toBe(true);
    a.dispose();
    b.dispose();
  });

  test('a stream keeps working after a trap, its window state started afresh', async () => {
    const engine = await getEngine();
    const loaded = new LoadedModel(engine, shipped);
    const inputs = loaded.streamInputs.length;
    const n = 40;
    const raw = Float64Array.from({ length: n * inputs }, (_, i) => 500 + (i % 13));
    const units = Float64Array.from({ length: n }, (_, i) => i % 2);
    const first = loaded.scoreStream(raw, inputs, units, n).scores;
    expect(() => engine.loadForest(trappingSpec(validateModel(shipped).spec))).toThrow(EngineTrap);
    // Fresh window state: the same batch again scores as the very first batch did.
    expect(Array.from(loaded.scoreStream(raw, inputs, units, n).scores)).toEqual(Array.from(first));
    loaded.dispose();
  });

  test('a model the engine traps on is a model error, and the models already loaded are untouched', async () => {
    const engine = await getEngine();
    const current = new LoadedModel(engine, shipped);
    const before = current.scoreRowMajor(block, shipped.features.length).scores;
    const generation = engine.generation;
    for (const bad of [
      (m: ModelJson) => (m.forest.maxSamples = 1),
      (m: ModelJson) => (m.forest.trees[0].size[0] = 1e308),
      (m: ModelJson) => (m.forest.trees[0].left[0] = 0),
    ]) {
      const m = structuredClone(shipped);
      bad(m);
      let error: unknown;
      try {
        new LoadedModel(engine, m).dispose();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ModelError);
    }
    expect(engine.generation).toBe(generation);
    expect(Array.from(current.scoreRowMajor(block, shipped.features.length).scores)).toEqual(Array.from(before));
    current.dispose();
  });
});

describe('the stream consumer', () => {
  test('a bad newer model is refused before the swap: the current model stays', async () => {
    const engine = await getEngine();
    const hub = {
      connectionString: 'Endpoint=sb://localhost/;SharedAccessKeyName=k;SharedAccessKey=s',
      hub: 'readings',
      consumerGroup: '$Default',
    };
    // Never started: setModel is all this needs, and it needs no hub.
    const consumer = new Consumer({ hub, engine, model: shipped, metrics: new Metrics() });
    const bad = structuredClone(shipped);
    bad.id = 'bad';
    bad.forest.trees[5].size[0] = 1e308;
    expect(() => consumer.setModel(bad, 'v9')).toThrow(ModelError);
    expect(consumer.modelId).toBe(shipped.id);
    await consumer.stop();
  });
});

describe('engine sizes are computed before Wasm is asked for memory', () => {
  test('a forest whose compiled size would wrap 32 bits is refused by the engine itself', async () => {
    const engine = await getEngine();
    const tree: TreeJson = chainTree(15, 3277);
    const spec: ForestSpec = {
      offsets: Int32Array.from([0, 31, 62, 93, 124, 155]),
      feature: new Int32Array(155),
      threshold: new Float64Array(155),
      left: Int32Array.from(Array(5).fill(tree.left).flat()),
      right: Int32Array.from(Array(5).fill(tree.right).flat()),
      size: new Float64Array(155),
      normals: new Float64Array(155 * 3277),
      depth: 15,
      maxSamples: 256,
      mean: new Float64Array(3277),
      scale: new Float64Array(3277).fill(1),
    };
    const generation = engine.generation;
    expect(() => engine.loadForest(spec)).toThrow(/needs \d+ bytes compiled; the limit is 536870912/);
    expect(engine.generation).toBe(generation);
  });
});

describe('the CLI', () => {
  const run = promisify(execFile);
  const dir = mkdtempSync(join(tmpdir(), 'isoscope-hardening-'));

  test('every reported model exits 1 with one line naming the field, never 70', async () => {
    const bigLeaf = structuredClone(shipped);
    bigLeaf.forest.trees[0].size[bigLeaf.forest.trees[0].feature.indexOf(-1)] = 8.99e307;
    const cases: Array<[string, string, RegExp]> = [
      ['maxsamples1', text({ ...shipped, forest: { ...shipped.forest, maxSamples: 1 } }), /\/forest\/maxSamples: must be >= 2 \[schema\]/],
      ['bigleaf', text(bigLeaf), /\/forest\/trees\/0\/size\/\d+: 8.99e\+307 rows is more than the 256/],
      ['wide', text(syntheticExtended({ features: 4096, trees: 1, depth: 16 })), /compile to 2051 MiB in the engine; the limit is 512 MiB/],
      ['normals', text(syntheticExtended({ features: 4, trees: 2, depth: 3, normal: 1e308 })), /\/normal\/0: must be <= 1e\+100/],
    ];
    for (const [name, body, message] of cases) {
      const path = join(dir, `${name}.json`);
      writeFileSync(path, body);
      const bin = join(import.meta.dirname, '..', 'bin', 'isoscope.js');
      const failed = await run('node', [bin, 'score', cmapssPath('test_FD001.txt'), '--model', path]).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(failed.code).toBe(1);
      expect(failed.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(failed.stderr).toMatch(message);
    }
  });
});
