// A profile accumulated in two parts (two workers, each a share of the file's rows) and
// joined gives the figures of one pass over all rows.
import { describe, expect, test } from 'vitest';
import { cmapssPath, loadFd001 } from './helpers.js';
import { readFileSync } from 'node:fs';
import { parseBytes } from '../src/data/text-ingest.js';
import { ProfileAccumulator, profileDataset, type Profile } from '../src/data/profile.js';
import type { Dataset } from '../src/data/dataset.js';

function rowsOf(ds: Dataset, from: number, to: number): Dataset {
  return {
    ...ds,
    rows: to - from,
    columns: ds.columns.map((c) => ({ ...c, values: c.values.slice(from, to), missing: 0, nonNumeric: 0 })),
  };
}

/** The profile of rows [0, cut) and [cut, rows) accumulated apart, then joined. */
function joined(ds: Dataset, cut: number): Profile {
  const first = new ProfileAccumulator(ds.rows);
  first.add(rowsOf(ds, 0, cut));
  const second = new ProfileAccumulator(ds.rows);
  const later = rowsOf(ds, cut, ds.rows);
  second.add(later);
  // The state crosses a worker boundary as plain data.
  first.follow(structuredClone(second.state()), later);
  return first.profile();
}

function expectSame(a: Profile, b: Profile): void {
  const close = (c: Profile['columns'][number]) => ({ ...c, mean: undefined, std: undefined });
  expect(a.columns.map(close)).toEqual(b.columns.map(close));
  a.columns.forEach((c, k) => {
    expect(c.mean).toBeCloseTo(b.columns[k].mean, 9);
    expect(Math.abs(c.std - b.columns[k].std)).toBeLessThanOrEqual(1e-9 * Math.max(1, b.columns[k].std));
  });
  expect([a.rows, a.units, a.defaultFeatures]).toEqual([b.rows, b.units, b.defaultFeatures]);
}

describe('profile parts joined', () => {
  test('FD001 and FD002 cut anywhere (first row, mid-unit, at a unit change, last row) profile as one pass', () => {
    const fd002 = parseBytes({ name: 'train_FD002.txt', bytes: new Uint8Array(readFileSync(cmapssPath('train_FD002.txt'))) });
    for (const ds of [loadFd001(), fd002]) {
      const whole = profileDataset(ds);
      const unit = ds.columns[0].values;
      const unitChange = unit.findIndex((u, i) => i > 0 && u !== unit[i - 1]);
      for (const cut of [1, 100, unitChange, Math.floor(ds.rows / 2), ds.rows - 1]) expectSame(joined(ds, cut), whole);
    }
  });

  test('a flat run across the seam, a missing value at it, a unit change at it, and a saturated distinct count', () => {
    const rows = 400;
    const unit = new Float64Array(rows).map((_, i) => (i < 300 ? 1 : 2));
    const flat = new Float64Array(rows).map((_, i) => (i >= 190 && i < 215 ? 7 : i % 17));
    const gap = new Float64Array(rows).map((_, i) => (i === 200 ? NaN : i >= 185 && i < 230 ? 3 : i % 5));
    const across = new Float64Array(rows).map((_, i) => (i >= 290 && i < 310 ? 9 : i % 11));
    const many = new Float64Array(rows).map((_, i) => i * 0.5);
    // Rises within each unit: a counter whichever side of a seam its steps fall; one repeat at 250 undoes that.
    const count = new Float64Array(rows).map((_, i) => (i < 300 ? i : i - 300));
    const stall = new Float64Array(rows).map((_, i) => (i === 250 ? 249 : i));
    // Stuck in unit 2 only, across a seam at 350: the run and its unit join.
    const late = new Float64Array(rows).map((_, i) => (i >= 330 && i < 370 ? 100 : i % 13));
    const ds: Dataset = {
      name: 'seams.csv',
      format: 'csv',
      rows,
      notes: [],
      columns: [
        { name: 'unit', role: 'unit', values: unit, missing: 0, nonNumeric: 0 },
        ...Object.entries({ flat, gap, across, many, count, stall, late }).map(([name, values]) => ({
          name,
          role: 'feature' as const,
          values,
          missing: 0,
          nonNumeric: 0,
        })),
      ],
    };
    const whole = profileDataset(ds);
    const col = (p: Profile, n: string) => p.columns.find((c) => c.name === n)!;
    expect(col(whole, 'flat').longestFlatRun).toBe(25);
    expect(col(whole, 'gap').longestFlatRun).toBe(29); // 185–199, a gap, then 201–229
    expect(col(whole, 'across').longestFlatRun).toBe(10);
    // The longest run's unit: a stuck sensor is named with its machine.
    expect([col(whole, 'flat').longestFlatUnit, col(whole, 'late').longestFlatRun, col(whole, 'late').longestFlatUnit]).toEqual([1, 40, 2]);
    expect([col(whole, 'many').counter, col(whole, 'count').counter, col(whole, 'stall').counter]).toEqual([true, true, false]);
    for (const cut of [190, 200, 201, 205, 214, 215, 250, 251, 300, 350, 399]) {
      const p = joined(ds, cut);
      expectSame(p, whole);
      expect(col(p, 'flat').flatLined).toBe(true);
    }
    // A cap below the rows: the count saturates in either part or only once joined.
    for (const cut of [50, 200, 390]) {
      const first = new ProfileAccumulator(120);
      first.add(rowsOf(ds, 0, cut));
      const second = new ProfileAccumulator(120);
      second.add(rowsOf(ds, cut, rows));
      first.follow(second.state(), rowsOf(ds, cut, rows));
      const seq = new ProfileAccumulator(120);
      seq.add(ds);
      expect(first.profile().columns.map((c) => [c.distinct, c.nearConstant])).toEqual(
        seq.profile().columns.map((c) => [c.distinct, c.nearConstant]),
      );
      expect(col(first.profile(), 'many').distinct).toBe(120);
    }
  });
});
