// Compact columns (issue 15): the engine worker keeps readings as scaled Int32 codes.
// Every value must come back as the very double it was, or the column stays Float64;
// training and scoring on compacted data must give what they give on Float64 columns.
import { describe, expect, test } from 'vitest';
import { compactValues, decodeAt, decodeRange, decodeRows, NAN_CODE } from '../src/data/compact-values.js';
import { CompactColumn, compactColumn, readRange, readRows, readView, selectRows, valueAt } from '../src/data/compact-columns.js';
import { EngineService } from '../src/services/engine-service.js';
import { trainModel } from '../src/model/train.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { DEFAULT_QUALITY } from '../src/features/defaults.js';
import { column, featureColumns, truthOf, type Column, type Dataset } from '../src/data/dataset.js';
import { getEngine, lcg, loadFd001, shippedModel } from './helpers.js';
import { readFileSync } from 'node:fs';
import { wasmPath } from '../src/engine/node-engine.js';
import { columnBuffers, PartsColumn, withPartsColumns } from '../src/data/parts-column.js';
import { transferList } from '../src/services/transfer.js';

const same = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
const feature = (name: string, values: Float64Array): Column => ({ name, role: 'feature', values, missing: 0, nonNumeric: 0 });

describe('compact values', () => {
  test('decimal text with 0 to 6 decimals comes back bit for bit, NaN and -0 included', () => {
    const r = lcg(11);
    for (let k = 0; k <= 6; k++) {
      const values = Float64Array.from({ length: 5000 }, (_, i) => {
        if (i % 97 === 0) return NaN;
        if (i % 89 === 0) return -0;
        const digits = Math.floor(r() * 2e8) - 1e8;
        return parseFloat((digits / 10 ** k).toFixed(k));
      });
      const c = compactValues(values);
      expect(c, `k=${k}`).toBeDefined();
      expect(c!.divisor).toBeLessThanOrEqual(10 ** k);
      expect(same(decodeRange(c!), values)).toBe(true);
      expect(Object.is(decodeAt(c!, 89), -0)).toBe(true);
      expect(c!.codes[0]).toBe(NAN_CODE);
      const rows = Int32Array.from([4999, 0, 89, 1234]);
      expect(
        same(
          decodeRows(c!, rows),
          Float64Array.from(rows, (i) => values[i]),
        ),
      ).toBe(true);
    }
  });

  test('a decimal that needs more places later in the column moves the whole column to the finer scale', () => {
    const values = new Float64Array(3000).fill(1.5);
    values[2500] = 518.6712;
    const c = compactValues(values)!;
    expect(c.divisor).toBe(1e4);
    expect(same(decodeRange(c), values)).toBe(true);
  });

  test('a small negative value after the first rows is kept, not rounded to -0', () => {
    for (const [plain, odd] of [
      [7, -0.3],
      [7, -0.5],
      [1.5, -0.04],
      [1.2345, -0.00003],
    ]) {
      const values = new Float64Array(2000).fill(plain);
      values[1500] = odd;
      const c = compactValues(values)!;
      expect(decodeAt(c, 1500), `${plain} then ${odd}`).toBe(odd);
      expect(same(decodeRange(c), values)).toBe(true);
    }
  });

  test('any mix of signs, magnitudes and decimals, finer decimals late in the column: bit for bit (200 random columns)', () => {
    const r = lcg(29);
    for (let round = 0; round < 200; round++) {
      const places = Math.floor(r() * 7);
      const early = Math.floor(r() * (places + 1));
      const bound = r() < 0.25 ? 1 : 10 ** Math.floor(r() * (9 - places)); // 1: readings below one, where a late small negative could round to -0
      const values = Float64Array.from({ length: 1500 + Math.floor(r() * 1000) }, (_, i) => {
        const k = i < 1024 ? early : Math.floor(r() * (places + 1));
        const v = (Math.floor(r() * bound * 10 ** k) / 10 ** k) * (r() < 0.5 ? -1 : 1);
        return r() < 0.02 ? NaN : parseFloat(v.toFixed(k));
      });
      const c = compactValues(values);
      expect(c, `round ${round}`).toBeDefined();
      expect(same(decodeRange(c!), values), `round ${round}`).toBe(true);
    }
  });

  test('values that would not come back exactly leave the column Float64', () => {
    for (const odd of [0.1 + 0.2, Math.PI, 1e300, 3e9, -3e9, Infinity, -Infinity, 1e-12, 2 ** 31]) {
      const values = Float64Array.from({ length: 100 }, (_, i) => (i === 50 ? odd : i / 4));
      expect(compactValues(values), String(odd)).toBeUndefined();
    }
  });

  test('every reading column of FD001 and FD002 compacts; unit, time and RUL stay Float64', () => {
    for (const name of ['train_FD001.txt', 'train_FD002.txt']) {
      const ds = loadFd001(name);
      for (const c of ds.columns) {
        const stored = compactColumn(c);
        if (c.role !== 'feature' && c.role !== 'setting') expect(stored).toBe(c);
        else {
          expect(stored, `${name} ${c.name}`).toBeInstanceOf(CompactColumn);
          expect(same(readView({ ...ds, columns: [stored] }).columns[0].values, c.values)).toBe(true);
        }
      }
    }
  });
});

describe('reading compact data', () => {
  const values = Float64Array.from({ length: 1000 }, (_, i) => (i % 10 === 3 ? NaN : Math.round(i * 37.1) / 100));
  const stored = compactColumn(feature('s', values)) as CompactColumn;
  const ds: Dataset = { name: 'd', format: 'csv', rows: values.length, notes: [], columns: [stored] };

  test('a view decodes its own copy: the stored column keeps none, and a second view starts afresh', () => {
    const view = readView(ds);
    expect(same(view.columns[0].values, values)).toBe(true);
    expect(view.columns[0].values).toBe(view.columns[0].values);
    expect(readView(ds).columns[0].values).not.toBe(view.columns[0].values);
    expect((stored as unknown as { decoded?: Float64Array }).decoded).toBeUndefined();
  });

  test('rows and ranges decode only what they ask for, into plain columns safe to transfer', () => {
    expect(same(readRows(stored, [3, 999, 0]), Float64Array.of(NaN, values[999], 0))).toBe(true);
    const part = selectRows(ds, ds.columns, Int32Array.of(10, 11, 12));
    expect(same(part.columns[0].values, values.subarray(10, 13))).toBe(true);
    expect(part.columns[0]).not.toBeInstanceOf(CompactColumn);
    expect(Object.keys(part.columns[0])).not.toContain('compact');
  });
});

describe('the engine worker on compacted data', () => {
  const options = {
    params: { seed: 7 },
    recipe: DEFAULT_QUALITY.recipe,
    alarm: DEFAULT_QUALITY.alarm,
    createdAt: '2026-01-01T00:00:00.000Z',
  };

  test('FD002 with regimes: the model, its scores and an explanation equal those of Float64 columns', async () => {
    const ds = loadFd001('train_FD002.txt');
    const engine = await getEngine();
    const reference = await trainModel(engine, ds, options);
    const expected = new LoadedModel(engine, reference.model);
    const expectedScores = expected.scoreDataset(ds).scores;

    const service = new EngineService();
    await service.init(readFileSync(wasmPath('release')));
    service.setDataset(ds);
    const trained = await service.train(options);
    expect(JSON.stringify(trained.model)).toBe(JSON.stringify(reference.model));
    expect(same(trained.scores, expectedScores)).toBe(true);
    const row = 4321;
    expect(service.explainRow(row)).toEqual(expected.explain(expected.featureRow(ds, row)));
    const series = service.unitSeries(ds.columns[0].values[row], ['sensor_11']);
    expect(
      same(
        series.columns.sensor_11,
        Float64Array.from(series.rows, (r) => ds.columns.find((c) => c.name === 'sensor_11')!.values[r]),
      ),
    ).toBe(true);
    expected.dispose();
  });
});

describe('explanations on data out of time order', () => {
  test("unit 3's times reversed, two of unit 7's missing: every row of unit 7 is explained as the whole data derives it", async () => {
    const ds = loadFd001();
    const unit = ds.columns.find((c) => c.role === 'unit')!.values;
    const time = ds.columns.find((c) => c.role === 'time')!.values;
    const rowsOf = (u: number) => Array.from(unit.keys()).filter((i) => unit[i] === u);
    const three = rowsOf(3);
    const times = three.map((i) => time[i]).reverse();
    three.forEach((i, k) => (time[i] = times[k]));
    const seven = rowsOf(7);
    time[seven[30]] = NaN;
    time[seven[60]] = NaN;
    const model = await shippedModel();
    const expected = new LoadedModel(await getEngine(), model);
    const service = new EngineService();
    await service.init(readFileSync(wasmPath('release')));
    service.setDataset(ds);
    service.importModel(JSON.stringify(model), false);
    for (const row of [seven[29], seven[31], seven[61], seven[90], three[5]])
      expect(service.explainRow(row), `row ${row}`).toEqual(expected.explain(expected.featureRow(ds, row)));
    expected.dispose();
  });
});

describe('scoring a big dataset a piece at a time', () => {
  /** FD001 fourteen times over (288,834 rows: more than one 256K-row piece), each copy's units renumbered. */
  function repeated(copies: number): Dataset {
    const fd = loadFd001();
    const columns = fd.columns.map((c) => {
      const values = new Float64Array(fd.rows * copies);
      for (let k = 0; k < copies; k++) values.set(c.role === 'unit' ? c.values.map((u) => u + 1000 * k) : c.values, k * fd.rows);
      return { ...c, values };
    });
    return { ...fd, rows: fd.rows * copies, columns };
  }

  test('pieces score as the whole: window state carries across the piece boundary, compact or not', async () => {
    const model = await shippedModel();
    const loaded = new LoadedModel(await getEngine(), model);
    const ds = repeated(14);
    const whole = loaded.scoreColumns(featureColumns(loaded.featureData(ds), model.features)).scores;
    expect(same(loaded.scoreDataset(ds).scores, whole)).toBe(true);
    const stored = { ...ds, columns: ds.columns.map(compactColumn) };
    expect(stored.columns.filter((c) => c instanceof CompactColumn).length).toBe(24);
    const half = Int32Array.from({ length: ds.rows - 100_000 }, (_, i) => 100_000 + i);
    const part = selectRows(stored, stored.columns, half, true);
    expect(part.columns.filter((c) => c instanceof CompactColumn).length).toBe(24);
    expect(same(loaded.scoreDataset(part).scores, loaded.scoreDataset(selectRows(ds, ds.columns, half)).scores)).toBe(true);
    expect(same(loaded.scoreDataset(readView(stored)).scores, whole)).toBe(true);
    loaded.dispose();
  });
});

describe('readings in two parts (a file read by two ingest workers)', () => {
  const split = (c: Column, at: number) => new PartsColumn(c, [c.values.slice(0, at), c.values.slice(at)]);

  test('encoded from the parts: the codes of the joined column, a finer decimal in the later part included; no joined copy made', () => {
    const r = lcg(41);
    for (let round = 0; round < 50; round++) {
      const values = Float64Array.from({ length: 3000 }, (_, i) =>
        r() < 0.02 ? NaN : Number((r() * 100).toFixed(i > 2000 && round % 2 ? 4 : 2)),
      );
      const parts = split(feature('x', values), Math.floor(r() * 3000));
      const stored = compactColumn(parts);
      expect(stored).toBeInstanceOf(CompactColumn);
      expect((stored as CompactColumn).compact).toEqual(compactValues(values));
      expect((parts as unknown as { joined?: Float64Array }).joined).toBeUndefined();
    }
  });

  test('read where they are (rows, ranges, one value): the values of the joined column, and no join made; parts that cannot be codes are joined once', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => (i % 37 === 0 ? NaN : i / 8));
    const c = split(feature('x', values), 600);
    const rows = Int32Array.from([0, 599, 600, 601, 999, 5]);
    expect(
      same(
        readRows(c, rows),
        Float64Array.from(rows, (r) => values[r]),
      ),
    ).toBe(true);
    for (const [a, b] of [
      [0, 600],
      [590, 610],
      [600, 1000],
      [100, 200],
      [0, 1000],
    ])
      expect(same(readRange(c, a, b), values.slice(a, b)), `${a}-${b}`).toBe(true);
    expect(same(readRange(c, 700, 800, true), values.subarray(700, 800))).toBe(true);
    expect([valueAt(c, 599), valueAt(c, 600), valueAt(c, 999)]).toEqual([values[599], values[600], values[999]]);
    expect((c as unknown as { joined?: Float64Array }).joined).toBeUndefined();
    const odd = split(
      feature(
        'y',
        Float64Array.from({ length: 100 }, (_, i) => (i === 80 ? Math.PI : i)),
      ),
      50,
    );
    const stored = compactColumn(odd);
    expect(stored).not.toBeInstanceOf(PartsColumn);
    expect(same(stored.values, odd.values)).toBe(true);
  });

  test('across a worker boundary (structured clone) the parts column is made again, and its buffers are the parts', () => {
    const c = split(
      feature(
        'x',
        Float64Array.from({ length: 10 }, (_, i) => i / 2),
      ),
      4,
    );
    const ds: Dataset = { name: 'd', format: 'cmapss', rows: 10, columns: [c, feature('y', new Float64Array(10))], notes: [] };
    expect(columnBuffers(c)).toEqual(c.parts.map((p) => p.buffer));
    const back = withPartsColumns(structuredClone(ds));
    expect(back.columns[0]).toBeInstanceOf(PartsColumn);
    expect(same(back.columns[0].values, c.values)).toBe(true);
    expect(back.columns[1]).toEqual(ds.columns[1]);
  });

  test("the page's truth of a parts dataset is one joined copy: the parts column keeps no join of its own to cross to the engine", () => {
    const ds = loadFd001('train_FD001.txt');
    const parts: Dataset = { ...ds, columns: ds.columns.map((c) => split(c, 5000)) };
    const truth = truthOf(parts);
    expect(truth.columns.map((c) => c.role)).toEqual(['unit', 'time', 'rul']);
    for (const c of truth.columns) expect(same(c.values, column(ds, c.name)!.values)).toBe(true);
    // A cached join would be one more copy, and structured clone would carry it to the engine beside the parts.
    for (const c of parts.columns) expect(Object.values(c).some((v) => v instanceof Float64Array)).toBe(false);
    // The truth is sent on by transfer (to the slider-index worker): it must carry none of the dataset's parts.
    structuredClone(truth, { transfer: transferList(truth) });
    expect(same(parts.columns[0].values, column(ds, 'unit_number')!.values)).toBe(true);
  });

  test('the engine worker given FD002 with its readings in two parts trains the model and scores of Float64 columns', async () => {
    const ds = loadFd001('train_FD002.txt');
    const options = {
      params: { seed: 7 },
      recipe: DEFAULT_QUALITY.recipe,
      alarm: DEFAULT_QUALITY.alarm,
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    const engine = await getEngine();
    const reference = await trainModel(engine, ds, options);
    const expectedScores = new LoadedModel(engine, reference.model).scoreDataset(ds).scores;
    const service = new EngineService();
    await service.init(readFileSync(wasmPath('release')));
    const cut = 30_001;
    const parted = { ...ds, columns: ds.columns.map((c) => (c.role === 'feature' || c.role === 'setting' ? split(c, cut) : c)) };
    service.setDataset(structuredClone(parted));
    const trained = await service.train(options);
    expect(JSON.stringify(trained.model)).toBe(JSON.stringify(reference.model));
    expect(same(trained.scores, expectedScores)).toBe(true);
  });
});
