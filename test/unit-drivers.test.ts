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
