// Remaining useful life per reading, whether a unit's rows come together or take turns.
import { describe, expect, test } from 'vitest';
import { attachRul } from '../src/data/rul.js';
import { loadFd001 } from './helpers.js';
import type { Dataset } from '../src/data/dataset.js';

const col = (ds: Dataset, name: string) => ds.columns.find((c) => c.name === name)!.values;

describe('RUL', () => {
  test('run to failure: last cycle minus cycle, the same for units in turns; a missing time or unit gives NaN', () => {
    const ds = loadFd001('test_FD001.txt');
    const unit = col(ds, 'unit_number');
    const time = col(ds, 'time_in_cycles');
    const order = Array.from(unit.keys()).sort((a, b) => time[a] - time[b] || unit[a] - unit[b]);
    const turns: Dataset = { ...ds, columns: ds.columns.map((c) => ({ ...c, values: Float64Array.from(order, (i) => c.values[i]) })) };
    const sorted = col(attachRul(ds), 'rul');
    const inTurns = col(attachRul(turns), 'rul');
    expect(Array.from(order, (i) => sorted[i])).toEqual(Array.from(inTurns));
    // Unit 1 of test_FD001 has 31 cycles: its first reading is 30 from its last.
    expect(sorted[0]).toBe(30);
    const gaps = structuredClone(ds);
    col(gaps, 'time_in_cycles')[5] = NaN;
    col(gaps, 'unit_number')[7] = NaN;
    const r = col(attachRul(gaps), 'rul');
    expect([r[0], r[5], r[7]]).toEqual([30, NaN, NaN]);
  });

  test('with a RUL file: each unit counts back from its value at the last reading', () => {
    const ds = loadFd001('test_FD001.txt');
    const rulAtEnd = Float64Array.from({ length: 100 }, (_, k) => 10 + k);
    const r = col(attachRul(ds, rulAtEnd), 'rul');
    expect(r[0]).toBe(30 + 10);
    const unit = col(ds, 'unit_number');
    const lastOf2 = unit.lastIndexOf(2);
    expect(r[lastOf2]).toBe(11);
  });

  test("another subset's RUL file (more values than the units 1..N) is refused; a subset of units with gaps is not", () => {
    const ds = loadFd001('test_FD001.txt');
    const longer = Float64Array.from({ length: 259 }, (_, k) => 10 + k);
    expect(() => attachRul(ds, longer, 'RUL_FD002.txt')).toThrow(
      "RUL_FD002.txt: has 259 values but test_FD001.txt has 100 units (1..100); is it another file's RUL? Give the RUL file of the same subset (RUL_FDxxx beside test_FDxxx), or, if its first 100 values are meant, cut it to those lines",
    );
    const unit = col(ds, 'unit_number');
    const keep = Array.from({ length: ds.rows }, (_, i) => i).filter((i) => unit[i] % 2 === 0);
    const evens = {
      ...ds,
      rows: keep.length,
      columns: ds.columns.map((c) => ({ ...c, values: Float64Array.from(keep, (i) => c.values[i]) })),
    };
    const full = col(attachRul(ds, longer.subarray(0, 100)), 'rul');
    expect(col(attachRul(evens, longer), 'rul')[0]).toBe(full[unit.indexOf(2)]);
  });
});
