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

test('a sensor far from its training readings at the latest reading (beyond 6σ in a feature) is named, above or below, apart from the drivers', async () => {
  const engine = await getEngine();
  const model = await shippedModel();
  const ds = loadFd001('test_FD001.txt');
  const loaded = new LoadedModel(engine, model);
  const before = latestDrivers(engine, loaded, ds);
  // Worn units are far from their healthy training readings in many sensors; the first that is not gets two sensor faults.
  const calm = before.find((d) => d.outside.length === 0)!;
  expect(before.filter((d) => d.outside.length).length).toBeLessThan(50);
  const unit = ds.columns.find((c) => c.role === 'unit')!.values;
  const rows = [...unit.keys()].filter((i) => unit[i] === calm.unit);
  const s11 = ds.columns.find((c) => c.name === 'sensor_11')!.values;
  const s7 = ds.columns.find((c) => c.name === 'sensor_7')!.values;
  // Over the last 5 readings (the window the features average): sensor 11 up by 5, sensor 7 down by 50.
  for (const r of rows.slice(-5)) {
    s11[r] += 5;
    s7[r] -= 50;
  }
  const after = latestDrivers(engine, loaded, ds);
  const out = after.find((d) => d.unit === calm.unit)!.outside;
  expect(out.map(({ input, side }) => `${input} ${side}`).sort()).toEqual(['sensor_11 above', 'sensor_7 below']);
  expect(out.every((o) => o.sigma > 6)).toBe(true);
  // Farthest first.
  expect(out[0].sigma).toBeGreaterThanOrEqual(out[1].sigma);
  // The other units are as they were.
  expect(after.filter((d) => d.unit !== calm.unit)).toEqual(before.filter((d) => d.unit !== calm.unit));
});
