// Raw inputs far past a model's healthy envelope: kept out of the feature window (NaN) and
// their rows marked, copying only what holds such a value; a model without an envelope, or an
// input constant in health, gets no bound.
import { describe, expect, test } from 'vitest';
import { InputGuard, markOutside } from '../src/features/input-guard.js';

// a: healthy 10..20, so bounds -20 and 50; b: constant in health (no bound).
const envelope = {
  inputs: [
    { name: 'a', q: [10, 11, 15, 19, 20] },
    { name: 'b', q: [5, 5, 5, 5, 5] },
  ],
};

describe('InputGuard', () => {
  test('bounds are the envelope widened by three widths each way; a value at a bound is inside', () => {
    const guard = InputGuard.of(envelope, ['a', 'b'])!;
    const a = Float64Array.from([15, 50, 50.001, -20, -20.5, NaN, 1e300]);
    const b = Float64Array.from([5, 1e6, -1e6, 5, 5, 5, 5]);
    const { values, outside } = guard.columns([a, b]);
    expect(Array.from(values[0])).toEqual([15, 50, NaN, -20, NaN, NaN, NaN]);
    expect(values[1]).toBe(b); // nothing to change: not copied
    expect(Array.from(a)).toEqual([15, 50, 50.001, -20, -20.5, NaN, 1e300]); // the caller's column is untouched
    expect(Array.from(outside!)).toEqual([0, 0, 1, 0, 1, 0, 1]);
  });

  test('row-major blocks: only the recipe inputs at the start of each row are looked at', () => {
    const guard = InputGuard.of(envelope, ['a', 'b'])!;
    const block = Float64Array.from([15, 5, 1e9, 99, 5, 0, 15, 5, 0]); // stride 3: a, b, a setting
    const { values, outside } = guard.rows(block, 3, 3);
    expect(Array.from(values[0])).toEqual([15, 5, 1e9, NaN, 5, 0, 15, 5, 0]);
    expect(Array.from(outside!)).toEqual([0, 1, 0]);
    expect(guard.rows(Float64Array.from([15, 5, 1e9]), 3, 1)).toEqual({ values: [Float64Array.from([15, 5, 1e9])], outside: undefined });
  });

  test('no envelope, or no input with a width, gives no guard', () => {
    expect(InputGuard.of(undefined, ['a'])).toBeUndefined();
    expect(InputGuard.of(envelope, ['b'])).toBeUndefined();
    expect(InputGuard.of(envelope, ['c'])).toBeUndefined();
  });

  test('marked rows score -1 and no longer count as unscorable', () => {
    const scored = { scores: Float64Array.from([-0.4, NaN, NaN, -0.5]), unscorable: 2 };
    expect(markOutside(scored, Uint8Array.from([0, 1, 0, 1]))).toEqual({ scores: Float64Array.from([-0.4, -1, NaN, -1]), unscorable: 1 });
  });
});
