// The fleet board's "top drivers": each unit's latest reading explained, per sensor.
import { expect, test } from 'vitest';
import { getEngine, loadFd001, shippedModel } from './helpers.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { latestDrivers } from '../src/model/unit-drivers.js';
import { inputOf } from '../src/features/feature-words.js';

test("each unit's latest reading, explained as the page explains a clicked reading, summed per sensor", async () => {
  const engine = await getEngine();
  const model = await shippedModel();
  const ds = loadFd001('test_FD001.txt');
  const loaded = new LoadedModel(engine, model);
  const all = latestDrivers(engine, loaded, ds);
  expect(all).toHaveLength(100);
  const unit = ds.columns.find((c) => c.role === 'unit')!.values;
  const time = ds.columns.find((c) => c.role === 'time')!.values;
  for (const u of [1, 31, 100]) {
    const d = all.find((x) => x.unit === u)!;
    const rows = [...unit.keys()].filter((i) => unit[i] === u);
    expect(time[d.row]).toBe(Math.max(...rows.map((i) => time[i])));
    // The same explanation as the whole-dataset path (derived columns for every row).
    const ex = loaded.explain(loaded.featureRow(ds, d.row));
    const perInput = new Map<string, number>();
    ex.features.forEach((f, k) =>
      perInput.set(inputOf(f, model.recipe?.inputs), (perInput.get(inputOf(f, model.recipe?.inputs)) ?? 0) + ex.attribution[k]),
    );
    const expected = [...perInput]
      .filter(([, a]) => a > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3);
    expect(d.drivers.map((x) => x.input)).toEqual(expected.map(([n]) => n));
    d.drivers.forEach((x, k) => expect(x.attribution).toBeCloseTo(expected[k][1], 12));
    expect(d.drivers.every((x) => /^sensor_\d+$/.test(x.input))).toBe(true);
  }
  loaded.dispose();
});

test('a sensor far out of its training range at the latest reading is named, above or below, apart from the drivers', async () => {
  const engine = await getEngine();
  const model = await shippedModel();
  const ds = loadFd001('test_FD001.txt');
  const unit = ds.columns.find((c) => c.role === 'unit')!.values;
  const last31 = [...unit.keys()].filter((i) => unit[i] === 31).pop()!;
  const s11 = ds.columns.find((c) => c.name === 'sensor_11')!.values;
  const s7 = ds.columns.find((c) => c.name === 'sensor_7')!.values;
  s11[last31] += 5; // sensor 11's training range spans about 1.5
  s7[last31] -= 50;
  const loaded = new LoadedModel(engine, model);
  const all = latestDrivers(engine, loaded, ds);
  expect(all.find((d) => d.unit === 31)!.outside).toEqual([
    { input: 'sensor_7', side: 'below' },
    { input: 'sensor_11', side: 'above' },
  ]);
  // Most test units are cut off well before failure: inside the range their healthy halves trained (a few, worn, are not).
  expect(all.filter((d) => d.unit !== 31 && d.outside.length).length).toBeLessThan(10);
  // A model without an envelope names none.
  const bare = new LoadedModel(engine, { ...model, envelope: undefined });
  expect(latestDrivers(engine, bare, ds).every((d) => d.outside.length === 0)).toBe(true);
});
