// A score chart keeps the threshold in view (the unit chart and the live chart): a unit whose
// scores all lie far below the threshold shows how far, instead of a chart with no line on it.
import { describe, expect, test } from 'vitest';
import { rangeWithThreshold } from '../src/app/chart-layers.js';

describe('score axis range', () => {
  test('takes in the threshold above or below the scores, with a margin; none or no data leave the scores alone', () => {
    const [lo, hi] = rangeWithThreshold(0.44, 0.49, 0.61) as [number, number];
    expect(lo).toBeLessThan(0.44);
    expect(hi).toBeGreaterThan(0.61);
    const [lo2] = rangeWithThreshold(0.6, 0.7, 0.3) as [number, number];
    expect(lo2).toBeLessThan(0.3);
    const [lo3, hi3] = rangeWithThreshold(0.44, 0.49, undefined) as [number, number];
    expect(lo3).toBeCloseTo(0.43, 10);
    expect(hi3).toBeCloseTo(0.5, 10);
    expect(rangeWithThreshold(null, null, 0.6)).toEqual([null, null]);
  });
});
