import { describe, expect, test } from 'vitest';
import { AlarmBudget } from '../src/core/alarm-budget.js';
import { percentile } from '../src/core/threshold.js';

describe('alarm budget (slider re-thresholding)', () => {
  const scores = Float64Array.from([-0.40, -0.45, -0.70, -0.42, -0.60, -0.41, NaN, -0.55]);
  const unit = Float64Array.from([1, 1, 1, 1, 2, 2, 2, 2]);
  const time = Float64Array.from([1, 2, 3, 4, 1, 2, 3, 4]);
  const training = Uint8Array.from([1, 1, 0, 0, 1, 1, 0, 0]);

  test('offset is the percentile of training scores only, like scikit-learn', () => {
    const b = new AlarmBudget(scores, training, unit, time);
    expect(b.offsetFor(0.25)).toBeCloseTo(percentile(Float64Array.from([-0.40, -0.45, -0.60, -0.41]), 0.25), 15);
    expect(b.offsetFor('auto')).toBe(-0.5);
  });

  test('counts, shares and first alarms move with the offset; NaN is never flagged', () => {
    const b = new AlarmBudget(scores, training, unit, time);
    const strict = b.apply(-0.65);
    expect(strict.flagged).toBe(1);
    expect(strict.fleet).toEqual([
      { unit: 1, readings: 4, alarms: 1, firstAlarmTime: 3 },
      { unit: 2, readings: 4, alarms: 0, firstAlarmTime: null },
    ]);
    const loose = b.apply(-0.5);
    expect(loose.flagged).toBe(3);
    expect(loose.share).toBeCloseTo(3 / 7, 12);
    expect(loose.alarmsPerUnit).toBe(1.5);
    expect(loose.fleet[1]).toEqual({ unit: 2, readings: 4, alarms: 2, firstAlarmTime: 1 });
    expect(loose.flags[6]).toBe(0);
  });
});
