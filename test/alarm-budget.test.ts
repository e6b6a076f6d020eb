import { describe, expect, test } from 'vitest';
import { AlarmBudget } from '../src/alarms/alarm-budget.js';
import { RowPassBudget } from '../src/alarms/row-pass-budget.js';
import type { Budget, BudgetOptions } from '../src/alarms/budget-types.js';
import { isFlagged, percentile, sortedScores } from '../src/alarms/threshold.js';
import { SortedValues } from '../src/alarms/level-index.js';

// Both ways the page answers a slider frame: the row pass (until the index is built) and the index.
const BUDGETS: [string, (scores: Float64Array, mask: Uint8Array, opts: BudgetOptions) => Budget][] = [
  ['row pass', (s, m, o) => new RowPassBudget(s, m, o)],
  ['index', (s, m, o) => AlarmBudget.of(s, m, o)],
];

describe.each(BUDGETS)('alarm budget (slider re-thresholding), %s', (_, make) => {
  const scores = Float64Array.from([-0.4, -0.45, -0.7, -0.42, -0.6, -0.41, NaN, -0.55]);
  const unit = Float64Array.from([1, 1, 1, 1, 2, 2, 2, 2]);
  const time = Float64Array.from([1, 2, 3, 4, 1, 2, 3, 4]);
  const training = Uint8Array.from([1, 1, 0, 0, 1, 1, 0, 0]);

  test('offset is the percentile of training scores only, like scikit-learn', () => {
    const b = make(scores, training, { unit, time });
    expect(b.offsetFor(0.25)).toBeCloseTo(percentile(Float64Array.from([-0.4, -0.45, -0.6, -0.41]), 0.25), 15);
    expect(b.offsetFor('auto')).toBe(-0.5);
  });

  test('counts, shares and first alarms move with the offset; NaN is never flagged', () => {
    const b = make(scores, training, { unit, time });
    const strict = b.apply(-0.65);
    expect(strict.flagged).toBe(1);
    expect(strict.fleet).toMatchObject([
      { unit: 1, readings: 4, flagged: 1, alarms: 1, firstAlarmTime: 3 },
      { unit: 2, readings: 4, flagged: 0, alarms: 0, firstAlarmTime: null },
    ]);
    const loose = b.apply(-0.5);
    expect(loose.flagged).toBe(3);
    expect(loose.share).toBeCloseTo(3 / 7, 12);
    // Without a rule, each run of flagged readings is one alarm: unit 1 (t3), unit 2 (t1–2; t4 after a gap).
    expect(loose.alarmsPerUnit).toBe(1.5);
    expect(loose.fleet[1]).toMatchObject({ unit: 2, readings: 4, flagged: 2, alarms: 2, firstAlarmTime: 1 });
    expect(loose.flags[6]).toBe(0);
  });

  test('alarms follow the k-of-n rule in arrival order, as replay and the consumer raise them', () => {
    // Unit 7's readings are stored out of time order; arrival order is by time.
    const s = Float64Array.from([-0.9, -0.9, -0.1, -0.9, -0.9, -0.9]);
    const u = Float64Array.from([7, 7, 7, 7, 7, 7]);
    const t = Float64Array.from([2, 1, 3, 4, 5, 6]);
    const order = Int32Array.from([1, 0, 2, 3, 4, 5]);
    const b = make(s, new Uint8Array(6).fill(1), { unit: u, time: t, order, rule: { k: 3, n: 4, clear: 0 } });
    const r = b.apply(-0.5);
    expect(r.fleet).toMatchObject([{ unit: 7, readings: 6, flagged: 5, alarms: 1, firstAlarmTime: 4 }]);
    // A single flagged reading alarms only under a 1-of-1 rule.
    const single = make(s, new Uint8Array(6).fill(1), { unit: u, time: t, order });
    expect(single.apply(-0.5).fleet[0]).toMatchObject({ alarms: 2, firstAlarmTime: 1 });
  });

  test("each unit's state at its latest reading: alarm since its raise, watch since the run began or the alarm cleared", () => {
    // 2 of 2 raises, clear at 0; F = over the threshold (-0.9), n = not (-0.1).
    const runs: Record<number, string> = { 1: 'FFF', 2: 'nnF', 3: 'FFnn', 4: 'FFn', 5: 'nnn' };
    const u: number[] = [];
    const t: number[] = [];
    const s: number[] = [];
    for (const [unit, run] of Object.entries(runs))
      [...run].forEach((c, i) => {
        u.push(Number(unit));
        t.push(10 + i);
        s.push(c === 'F' ? -0.9 : -0.1);
      });
    const b = make(Float64Array.from(s), new Uint8Array(s.length).fill(1), {
      unit: Float64Array.from(u),
      time: Float64Array.from(t),
      rule: { k: 2, n: 2, clear: 0 },
    });
    const fleet = b.apply(-0.5).fleet.map((r) => [r.unit, r.state, r.since, r.lastTime, r.latestScore]);
    expect(fleet).toEqual([
      [1, 'alarm', 11, 12, 0.9],
      [2, 'watch', 12, 12, 0.9],
      [3, 'healthy', null, 13, 0.1],
      [4, 'alarm', 11, 12, 0.1],
      [5, 'healthy', null, 12, 0.1],
    ]);
    // 2 of 3, clear at 1: unit 3 clears with one reading still over, and is on watch from the clear.
    const c = make(Float64Array.from([-0.9, -0.9, -0.1, -0.1]), new Uint8Array(4).fill(1), {
      unit: new Float64Array(4).fill(3),
      time: Float64Array.from([1, 2, 3, 4]),
      rule: { k: 2, n: 3, clear: 1 },
    });
    expect(c.apply(-0.5).fleet[0]).toMatchObject({ state: 'watch', since: 4, alarms: 1 });
  });
});

describe('the baseline share over the threshold (SortedValues.below on the sorted training scores)', () => {
  test('counts what isFlagged counts, at offsets on, between and beyond the scores', () => {
    const sorted = sortedScores(Float64Array.from([-0.7, -0.5, -0.5, -0.45, -0.4, -0.4, -0.4, -0.3, NaN]));
    const index = SortedValues.from(sorted);
    for (const offset of [-1, -0.7, -0.6, -0.5, -0.42, -0.4, -0.3, -0.29, 0, Infinity]) {
      const counted = sorted.reduce((n, s) => n + isFlagged(s, offset), 0);
      expect(index.below(offset), String(offset)).toBe(counted);
    }
    expect(index.below(-0.4)).toBe(4);
  });
});
