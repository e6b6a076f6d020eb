// A unit's labelled stretches, as the unit view draws them under its scores.
import { describe, expect, test } from 'vitest';
import { labelPeriods, type UnitTrace } from '../src/app/unit-trace.js';

/** A unit's readings at dataset rows `rows`, at times `time` (not necessarily in order). */
const trace = (rows: number[], time: number[]): UnitTrace => ({
  series: { unit: 1, rows: Int32Array.from(rows), time: Float64Array.from(time), columns: {} },
  anomaly: new Float64Array(rows.length),
});

describe('labelPeriods', () => {
  test('runs of label 1 in time order, each from its first to its last labelled reading', () => {
    // dataset rows 10..17; the unit's readings listed out of time order
    const label = new Float64Array(20);
    for (const r of [11, 12, 15, 17]) label[r] = 1;
    const t = trace([17, 10, 11, 12, 13, 14, 15, 16], [7, 0, 1, 2, 3, 4, 5, 6]);
    expect(labelPeriods(t, label)).toEqual([
      [1, 2],
      [5, 5],
      [7, 7],
    ]);
  });

  test('a missing label ends a run; no label column, no periods', () => {
    const label = Float64Array.from([1, NaN, 1, 1, 0]);
    const t = trace([0, 1, 2, 3, 4], [0, 1, 2, 3, 4]);
    expect(labelPeriods(t, label)).toEqual([
      [0, 0],
      [2, 3],
    ]);
    expect(labelPeriods(t, undefined)).toEqual([]);
  });
});
