// Each unit's rows as the engine's charts and the fleet board's sparklines take them
// (rowsByUnit), held to a plain per-row gathering and sort on random files.
import { describe, expect, test } from 'vitest';
import { rowsByUnit } from '../src/data/unit-runs.js';
import { WHOLE_SERIES } from '../src/data/dataset.js';
import { lcg } from './helpers.js';

/** Row by row: each unit's rows, then a sort by time (no time last, ties in file order). */
function naive(unit: Float64Array, time: Float64Array): Map<number, number[]> {
  const out = new Map<number, number[]>();
  unit.forEach((u, i) => {
    if (Number.isNaN(u)) return;
    if (!out.has(u)) out.set(u, []);
    out.get(u)!.push(i);
  });
  const at = (r: number) => (Number.isNaN(time[r]) ? Infinity : time[r]);
  for (const rows of out.values()) rows.sort((a, b) => at(a) - at(b) || a - b);
  return out;
}

describe('rowsByUnit', () => {
  test.each([1, 2, 3, 4, 5, 6])('random file %i: runs, interleaving, missing units, times going back or missing', (seed) => {
    const r = lcg(seed);
    const n = 500 + Math.floor(r() * 500);
    const unit = new Float64Array(n);
    const time = new Float64Array(n);
    let u = 1;
    for (let i = 0; i < n; i++) {
      if (r() < 0.05) u = 1 + Math.floor(r() * 8); // a new run, maybe of a unit seen before
      unit[i] = r() < 0.02 ? NaN : u;
      time[i] = r() < 0.03 ? NaN : seed % 2 ? i : Math.floor(r() * 50); // in order, or shuffled with ties
    }
    const got = rowsByUnit(unit, n, time);
    const want = naive(unit, time);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, rows] of want) expect([...got.get(k)!]).toEqual(rows);
  });

  test('without a unit column every row is one series; without a time column rows stay in file order', () => {
    const time = Float64Array.of(3, 1, 2);
    expect([...rowsByUnit(undefined, 3, time).get(WHOLE_SERIES)!]).toEqual([1, 2, 0]);
    expect([...rowsByUnit(Float64Array.of(2, 1, 2), 3).get(2)!]).toEqual([0, 2]);
  });
});
