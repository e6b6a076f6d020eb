// The profile's Wasm fast path against the JS loop: the same figures bit for bit (NaN and
// -0 told apart), the same distinct-value tables, whole or piece by piece, across the
// kernel's windows, with and without a unit column.
import { beforeAll, describe, expect, test } from 'vitest';
import { columnsDataset, lcg, loadFd001 } from './helpers.js';
import type { Dataset } from '../src/data/dataset.js';
import { DISTINCT_CAP, ProfileAccumulator } from '../src/data/profile.js';
import type { ProfileKernel } from '../src/data/profile-kernel.js';
import { createNodeEngine } from '../src/engine/node-engine.js';

let kernel: ProfileKernel;
/** Values the kernel took: a comparison fails where the kernel is never used. */
let counted = 0;

beforeAll(async () => {
  const wasm = (await createNodeEngine()).columnProfiler();
  kernel = {
    addValues: (v, unit, io, table) => {
      counted += v.length;
      wasm.addValues(v, unit, io, table);
    },
  };
});

/** Every figure as text: Object.is-exact numbers, typed arrays element by element. */
function exact(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
    if (ArrayBuffer.isView(v)) return Array.from(v as Float64Array, (x) => (Object.is(x, -0) ? '-0' : String(x)));
    return v;
  });
}

/** The dataset's rows in pieces cut at `cuts` (row indexes), as a file larger than memory is profiled. */
function pieces(ds: Dataset, cuts: number[]): Dataset[] {
  const ends = [...cuts, ds.rows];
  let from = 0;
  return ends.map((to) => {
    const piece = { ...ds, rows: to - from, columns: ds.columns.map((c) => ({ ...c, values: c.values.subarray(from, to) })) };
    from = to;
    return piece;
  });
}

function profiles(ds: Dataset, cuts: number[], rows?: number): { js: string; wasm: string } {
  const run = (k?: ProfileKernel) => {
    const acc = new ProfileAccumulator(rows, k);
    for (const piece of pieces(ds, cuts)) acc.add(piece);
    return exact({ state: acc.state(), profile: acc.profile() });
  };
  const before = counted;
  const out = { js: run(), wasm: run(kernel) };
  expect(counted - before).toBe(ds.rows * ds.columns.length);
  return out;
}

/** FD001's rows over and over with new unit ids: more rows than one kernel window (65,536). */
function repeated(ds: Dataset, times: number): Dataset {
  const rows = ds.rows * times;
  return {
    ...ds,
    rows,
    columns: ds.columns.map((c) => {
      const v = new Float64Array(rows);
      for (let t = 0; t < times; t++) v.set(c.role === 'unit' ? c.values.map((u) => u + t * 100) : c.values, t * ds.rows);
      return { ...c, values: v };
    }),
  };
}

describe('the profile kernel', () => {
  test('FD001 whole and in pieces cut inside units and across windows: the same state and profile as the JS loop', () => {
    const fd001 = repeated(loadFd001(), 4);
    for (const cuts of [[], [1], [70_000], [12_345, 65_536, 65_537, 80_001]]) {
      const { js, wasm } = profiles(fd001, cuts);
      expect(wasm).toBe(js);
    }
  });

  test('NaN, -0 and 0, infinities, flat runs across pieces, units that repeat and go missing: the same figures', () => {
    const next = lcg(7);
    const rows = 140_000;
    const unit = new Float64Array(rows);
    const values: Float64Array[] = [0, 1, 2, 3].map(() => new Float64Array(rows));
    const special = [NaN, -0, 0, Infinity, -Infinity, 2.5, 2.5];
    for (let i = 0; i < rows; i++) {
      unit[i] = next() < 0.001 ? NaN : Math.floor(i / 997);
      // A flat run of 70,000 readings from row 30,000: it crosses a window and the pieces' cuts.
      values[0][i] = i >= 30_000 && i < 100_000 ? 4 : Math.round(next() * 50) / 10;
      values[1][i] = special[Math.floor(next() * special.length)];
      // Whole numbers rising within each unit, with a fraction late on.
      values[2][i] = i === 120_000 ? 0.5 : i;
      // More distinct values than the cap: counting stops partway through a window.
      values[3][i] = next();
    }
    const ds = columnsDataset('hostile.csv', [
      ['unit', 'unit', unit],
      ['flat', 'feature', values[0]],
      ['special', 'feature', values[1]],
      ['rising', 'feature', values[2]],
      ['noise', 'feature', values[3]],
    ]);
    for (const cuts of [[], [65_535], [50_000, 99_999, 99_999]]) {
      const { js, wasm } = profiles(ds, cuts);
      expect(wasm).toBe(js);
      expect(JSON.parse(js).profile.columns[4].distinct).toBe('10000');
    }
    // Without a unit column every reading is in one unit.
    const unitless = { ...ds, columns: ds.columns.slice(1) };
    const { js, wasm } = profiles(unitless, [70_000], DISTINCT_CAP);
    expect(wasm).toBe(js);
  });
});
