// Each unit's rows as the engine's charts and explanations and the fleet board's
// sparklines take them (rowsByUnit): in the order the rows were scored. Held to a plain
// per-row gathering on random files, and to the scoring order where times are missing.
import { describe, expect, test } from 'vitest';
import { rowsByUnit } from '../src/data/unit-runs.js';
import { WHOLE_SERIES, type Dataset } from '../src/data/dataset.js';
import { timeOrderedPerUnit } from '../src/data/order.js';
import { lcg } from './helpers.js';

function dataset(unit: Float64Array | undefined, time: Float64Array | undefined): Dataset {
  const rows = (unit ?? time)!.length;
  const col = (name: string, role: 'unit' | 'time', values: Float64Array) => ({ name, role, values, missing: 0, nonNumeric: 0 });
  return {
    name: 't',
    format: 'csv',
    rows,
    notes: [],
    columns: [...(unit ? [col('u', 'unit', unit)] : []), ...(time ? [col('t', 'time', time)] : [])],
  };
}

/** Row by row: each unit's rows; sorted by time (no time last, ties in file order) only when some unit's times go back. */
function naive(ds: Dataset): Map<number, number[]> {
  const [unit, time] = [ds.columns[0].values, ds.columns[1].values];
  const out = new Map<number, number[]>();
  unit.forEach((u, i) => {
    if (Number.isNaN(u)) return;
    if (!out.has(u)) out.set(u, []);
    out.get(u)!.push(i);
  });
  const at = (r: number) => (Number.isNaN(time[r]) ? Infinity : time[r]);
  if (!timeOrderedPerUnit(ds)) for (const rows of out.values()) rows.sort((a, b) => at(a) - at(b) || a - b);
  return out;
}

describe('rowsByUnit', () => {
  test.each([1, 2, 3, 4, 5, 6, 7, 8])('random file %i: runs, interleaving, missing units, times going back or missing', (seed) => {
    const r = lcg(seed);
    const n = 500 + Math.floor(r() * 500);
    const unit = new Float64Array(n);
    const time = new Float64Array(n);
    let u = 1;
    for (let i = 0; i < n; i++) {
      if (r() < 0.05) u = 1 + Math.floor(r() * 40); // a new run, maybe of a unit seen before
      unit[i] = r() < 0.02 ? NaN : u;
      time[i] = r() < 0.03 ? NaN : seed % 2 ? i : Math.floor(r() * 50); // in order, or shuffled with ties
    }
    const ds = dataset(unit, time);
    if (seed % 2 === 0) expect(timeOrderedPerUnit(ds)).toBe(false);
    const got = rowsByUnit(ds);
    const want = naive(ds);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, rows] of want) expect([...got.get(k)!]).toEqual(rows);
  });

  test('a missing time keeps its place where the scoring keeps file order, and goes last where the file is sorted by time', () => {
    // The scoring takes file order here: no time goes back (a missing one is no step).
    expect([...rowsByUnit(dataset(Float64Array.of(1, 1, 1, 1), Float64Array.of(1, NaN, 2, 3))).get(1)!]).toEqual([0, 1, 2, 3]);
    // Unit 2's times go back, so every unit is taken in time order, unit 1's missing time last.
    const both = rowsByUnit(dataset(Float64Array.of(1, 1, 1, 2, 2), Float64Array.of(1, NaN, 2, 5, 4)));
    expect([...both.get(1)!]).toEqual([0, 2, 1]);
    expect([...both.get(2)!]).toEqual([4, 3]);
  });

  test('without a unit column every row is one series; without a time column rows stay in file order', () => {
    expect([...rowsByUnit(dataset(undefined, Float64Array.of(3, 1, 2))).get(WHOLE_SERIES)!]).toEqual([1, 2, 0]);
    expect([...rowsByUnit(dataset(Float64Array.of(2, 1, 2), undefined)).get(2)!]).toEqual([0, 2]);
  });
});
