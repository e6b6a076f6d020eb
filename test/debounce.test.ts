import { describe, expect, test } from 'vitest';
import { KofN } from '../src/alarms/k-of-n.js';

describe('k-of-n debounce', () => {
  test('raises at the k-th exceedance within n readings and clears with hysteresis', () => {
    const d = new KofN({ k: 3, n: 5, clear: 1 });
    const edges = [1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0].map((x) => d.push(7, x));
    // window counts: 1,1,2,2,1(first 1 left),2,3 -> raised at index 6; then 3,2,2,1 -> cleared at index 10
    expect(edges.indexOf(1)).toBe(6);
    expect(edges.indexOf(-1)).toBe(10);
    expect(edges.filter((e) => e !== 0)).toHaveLength(2);
  });

  test('units are independent', () => {
    const d = new KofN({ k: 2, n: 3 });
    expect(d.push(1, 1)).toBe(0);
    expect(d.push(2, 1)).toBe(0);
    expect(d.push(1, 1)).toBe(1);
    expect(d.inAlarm(1)).toBe(true);
    expect(d.inAlarm(2)).toBe(false);
  });

  test('bad settings are refused with their reason', () => {
    expect(() => new KofN({ k: 6, n: 5 })).toThrow(/k must be an integer from 1 to n \(5\), got 6/);
    expect(() => new KofN({ k: 1, n: 0 })).toThrow(/n must be an integer from 1 to 1000/);
    expect(() => new KofN({ k: 2, n: 5, clear: 2 })).toThrow(/clear must be an integer from 0 to k-1/);
  });
});
