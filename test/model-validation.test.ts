import { describe, expect, test, beforeAll } from 'vitest';
import { getEngine, loadFd001 } from './helpers.js';
import { trainModel } from '../src/model/train.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { parseModelText } from '../src/model/validate.js';
import type { ModelJson } from '../src/model/types.js';

let good: ModelJson;
const mutate = (f: (m: ModelJson) => void): string => {
  const m = structuredClone(good);
  f(m);
  return JSON.stringify(m);
};

beforeAll(async () => {
  good = (await trainModel(await getEngine(), loadFd001(), { params: { trees: 5, maxSamples: 64 } })).model;
});

describe('model JSON import', () => {
  test('a trained model passes and round-trips', () => {
    expect(parseModelText(JSON.stringify(good)).model).toEqual(good);
  });

  test.each([
    ['empty', '', /model file is empty \[empty\]/],
    ['binary', '\u0000\u0001PK', /binary, not JSON \[binary\]/],
    ['not JSON', '{"format":', /not valid JSON/],
    ['an array', '[1,2]', /must be an object \[not-object\]/],
    ['another format', '{"format":"onnx"}', /not an isoscope model: "format" is "onnx"/],
    ['a newer version', '{"format":"isoscope-model","version":2}', /model version 2 is not supported; this isoscope reads version 1/],
  ])('%s is refused with its own error', (_name, text, message) => {
    expect(() => parseModelText(text)).toThrow(message);
  });

  test('schema errors name the field and what was expected', () => {
    expect(() => parseModelText(mutate((m) => ((m.forest as { maxSamples: unknown }).maxSamples = 'lots')))).toThrow(
      /model field \/forest\/maxSamples: must be integer/,
    );
    expect(() => parseModelText(mutate((m) => delete (m as Partial<ModelJson>).scaler))).toThrow(/must have required property 'scaler'/);
    expect(() => parseModelText(mutate((m) => (m.scaler.scale[2] = 0)))).toThrow(/\/scaler\/scale\/2: must be > 0/);
    expect(() => parseModelText(mutate((m) => ((m as unknown as Record<string, unknown>).extra = 1)))).toThrow(
      /must NOT have additional properties "extra"/,
    );
  });

  test('an offset no score can cross is refused: it would flag every reading or none', () => {
    expect(() => parseModelText(mutate((m) => (m.threshold.offset = 5)))).toThrow(
      /\/threshold\/offset is 5: scores \(score_samples\) lie between -1 and 0, so an offset not between them would flag every reading \[range\]/,
    );
    expect(() => parseModelText(mutate((m) => (m.threshold.offset = -1.5)))).toThrow(/would flag no reading/);
    expect(() => parseModelText(mutate((m) => (m.threshold.offset = 0)))).toThrow(/would flag every reading/);
    expect(() => parseModelText(mutate((m) => (m.threshold.offset = -1)))).toThrow(/would flag no reading/);
    expect(() => parseModelText(mutate((m) => (m.threshold.offset = -0.5)))).not.toThrow();
  });

  test('huge numbers (Infinity after parsing) are refused', () => {
    const text = JSON.stringify(good).replace(/"offset":[^,}]+/, '"offset":1e999');
    expect(() => parseModelText(text)).toThrow(/\/threshold\/offset is not a finite number/);
    const thr = mutate((m) => (m.forest.trees[0].threshold[0] = 1)).replace(/"threshold":\[1,/, '"threshold":[-1e400,');
    expect(() => parseModelText(thr)).toThrow(/trees\/0\/threshold\/0: -Infinity is not a finite number/);
  });

  test('cyclic, shared, out-of-range and orphaned nodes are refused', () => {
    expect(() => parseModelText(mutate((m) => (m.forest.trees[1].left[m.forest.trees[1].left.findIndex((l) => l > 0)] = 0)))).toThrow(
      /trees\/1: node 0 is reached twice \(a cycle or a shared child\) \[cycle\]/,
    );
    expect(() => parseModelText(mutate((m) => (m.forest.trees[0].right[0] = 99999)))).toThrow(/child outside the tree/);
    expect(() => parseModelText(mutate((m) => (m.forest.trees[0].feature[0] = 500)))).toThrow(/feature 500 but the model has 14 features/);
    expect(() => parseModelText(mutate((m) => (m.forest.trees[0].feature[0] = -1)))).toThrow(/mixes leaf and split/);
    expect(() =>
      parseModelText(
        mutate((m) => {
          const t = m.forest.trees[0];
          t.feature.push(-1);
          t.threshold.push(0);
          t.left.push(-1);
          t.right.push(-1);
          t.size.push(1);
        }),
      ),
    ).toThrow(/1 node\(s\) are not reachable/);
    expect(() => parseModelText(mutate((m) => m.forest.trees[0].size.pop()))).toThrow(/size: has \d+ entries, expected \d+ like feature/);
  });

  test('a pathologically deep tree is refused before it reaches the engine', () => {
    const chain = { feature: [] as number[], threshold: [] as number[], left: [] as number[], right: [] as number[], size: [] as number[] };
    for (let i = 0; i < 40; i++) {
      chain.feature.push(0, -1);
      chain.threshold.push(0, 0);
      chain.size.push(2, 1);
      chain.left.push(2 * i + 1, -1);
      chain.right.push(2 * i + 2, -1);
    }
    chain.feature.push(-1);
    chain.threshold.push(0);
    chain.left.push(-1);
    chain.right.push(-1);
    chain.size.push(1);
    expect(() => parseModelText(mutate((m) => (m.forest.trees = [chain])))).toThrow(/deeper than 16 levels \[too-deep\]/);
  });

  test('a refused import leaves the loaded model working', async () => {
    const engine = await getEngine();
    const loaded = new LoadedModel(engine, good);
    const ds = loadFd001();
    const before = loaded.scoreDataset(ds).scores;
    expect(() => parseModelText('{"format":"isoscope-model","version":1,"features":[]}')).toThrow();
    expect(loaded.scoreDataset(ds).scores).toEqual(before);
  });
});
