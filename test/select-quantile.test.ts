import { describe, expect, it } from 'vitest';
import { quantile } from '../src/metrics/evaluate.js';
import { quantileInPlace } from '../src/metrics/select-quantile.js';

/** A small seeded generator, so a failure can be replayed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('quantile by selection', () => {
  it('equals the quantile of the sorted values, with ties, runs and NaN', () => {
    const rand = lcg(7);
    for (let trial = 0; trial < 3000; trial++) {
      const n = Math.floor(rand() * 60);
      const kind = trial % 5;
      const values = Float64Array.from({ length: n }, (_, i) => {
        if (kind === 0) return Math.floor(rand() * 4); // many ties
        if (kind === 1) return i; // sorted
        if (kind === 2) return n - i; // reversed
        if (kind === 3 && rand() < 0.05) return NaN;
        return rand() * 300 - 50;
      });
      for (const q of [0, 0.1, 0.5, 0.9, 1, rand()]) {
        const expected = quantile(values.slice().sort(), q);
        expect(quantileInPlace(values.slice(), q), `trial ${trial} q ${q}`).toBe(expected);
      }
      // Two quantiles of the same scratch, as a frame asks for them.
      const scratch = values.slice();
      quantileInPlace(scratch, 0.5);
      expect(quantileInPlace(scratch, 0.1)).toBe(quantile(values.slice().sort(), 0.1));
    }
  });

  it('stays linear on a large array of few distinct values', () => {
    const values = Float64Array.from({ length: 200_000 }, (_, i) => i % 3);
    expect(quantileInPlace(values, 0.5)).toBe(1);
  });
});
