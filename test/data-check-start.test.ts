// The check's per-input figures over each unit's start, against a plain computation: the
// first 20% (at least 5) of each unit's readings, their share outside the range and median.
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFd001 } from './helpers.js';
import { checkDataset, rangeOf, START_MARGIN } from '../src/model/data-check.js';
import type { ModelJson } from '../src/model/types.js';
import type { Dataset } from '../src/data/dataset.js';

const model = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'models', 'fd001-baseline.json'), 'utf8')) as ModelJson;

function plainStart(ds: Dataset, input: string, q: number[]): { median: number; outside: number } {
  const unit = ds.columns.find((c) => c.role === 'unit')!.values;
  const v = ds.columns.find((c) => c.name === input)!.values;
  const rowsOf = new Map<number, number[]>();
  for (let i = 0; i < ds.rows; i++) rowsOf.set(unit[i], [...(rowsOf.get(unit[i]) ?? []), i]);
  const start: number[] = [];
  for (const rows of rowsOf.values()) start.push(...rows.slice(0, Math.max(5, Math.ceil(0.2 * rows.length))).map((i) => v[i]));
  const sorted = [...start].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  const [lo, hi] = rangeOf(q, START_MARGIN);
  return {
    median: sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2,
    outside: start.filter((x) => x < lo || x > hi).length / start.length,
  };
}

describe("the check's start figures", () => {
  test.each(['train_FD001.txt', 'test_FD001.txt'])('%s: every input’s start median and share outside equal a plain computation', (file) => {
    const ds = loadFd001(file);
    const check = checkDataset(model.envelope!, ds, model.recipe?.regimes);
    expect(check.inputs.length).toBe(model.envelope!.inputs.length);
    check.inputs.forEach((c, f) => {
      const plain = plainStart(ds, c.name, model.envelope!.inputs[f].q);
      expect([c.name, c.startMedian, c.startOutside]).toEqual([c.name, plain.median, plain.outside]);
    });
  });

  test('an even count of start readings takes the mean of the two middle ones', () => {
    const ds = loadFd001('test_FD001.txt');
    const one: Dataset = { ...ds, rows: 10, columns: ds.columns.map((c) => ({ ...c, values: c.values.slice(0, 10) })) };
    const check = checkDataset(model.envelope!, one, model.recipe?.regimes);
    const f = check.inputs.findIndex((c) => c.name === 'sensor_2');
    // One unit of 10 readings: its start is 5 readings (odd); of 30 readings, 6 (even).
    expect(check.inputs[f].startMedian).toBe(plainStart(one, 'sensor_2', model.envelope!.inputs[f].q).median);
    const six: Dataset = { ...ds, rows: 30, columns: ds.columns.map((c) => ({ ...c, values: c.values.slice(0, 30) })) };
    expect(checkDataset(model.envelope!, six, model.recipe?.regimes).inputs[f].startMedian).toBe(
      plainStart(six, 'sensor_2', model.envelope!.inputs[f].q).median,
    );
  });
});

describe('units interleaved in the file', () => {
  test('test_FD001 in time order (units taking turns) gets the figures and verdict of the file sorted by unit', () => {
    const ds = loadFd001('test_FD001.txt');
    const unit = ds.columns.find((c) => c.role === 'unit')!.values;
    const time = ds.columns.find((c) => c.role === 'time')!.values;
    const order = Array.from(unit.keys()).sort((a, b) => time[a] - time[b] || unit[a] - unit[b]);
    const interleaved: Dataset = {
      ...ds,
      columns: ds.columns.map((c) => ({ ...c, values: Float64Array.from(order, (i) => c.values[i]) })),
    };
    // One sensor stuck in unit 7: found whether its readings come together or between other units'.
    const stuck = (d: Dataset) => {
      const u = d.columns.find((c) => c.role === 'unit')!.values;
      const s = d.columns.find((c) => c.name === 'sensor_11')!.values;
      for (let i = 0; i < d.rows; i++) if (u[i] <= 40) s[i] = 47.5;
      return d;
    };
    for (const [a, b] of [
      [ds, interleaved],
      [stuck(structuredClone(ds)), stuck(structuredClone(interleaved))],
    ]) {
      const grouped = checkDataset(model.envelope!, a, model.recipe?.regimes);
      const turns = checkDataset(model.envelope!, b, model.recipe?.regimes);
      expect(turns).toEqual(grouped);
    }
    expect(checkDataset(model.envelope!, stuck(structuredClone(interleaved)), model.recipe?.regimes).reasons.join(' ')).toMatch(/stuck/);
  });
});
