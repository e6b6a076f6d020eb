// A worker that keeps dying is started again a few times, then left out, and allowed again
// once its deaths are old.
import { describe, expect, test } from 'vitest';
import { RespawnBudget } from '../src/app/respawn-budget.js';

describe('RespawnBudget', () => {
  test('allows three restarts within a minute, refuses the fourth, and allows again once the deaths are a minute old', () => {
    let now = 0;
    const budget = new RespawnBudget(3, 60_000, () => now);
    expect([budget.died(), budget.died(), budget.died()]).toEqual([true, true, true]);
    now = 59_999;
    expect(budget.died()).toBe(false);
    now = 119_998; // the first three are a minute old; the refused one (at 59,999) is not
    expect(budget.died()).toBe(true);
    expect(budget.died()).toBe(true);
    expect(budget.died()).toBe(false);
  });

  test('deaths far apart never use the budget up', () => {
    let now = 0;
    const budget = new RespawnBudget(1, 1000, () => now);
    for (let i = 0; i < 10; i++, now += 1000) expect(budget.died()).toBe(true);
  });
});
