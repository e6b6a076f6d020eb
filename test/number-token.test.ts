import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isNumberLiteral, isNumberToken } from '../src/data/numbers.js';
import { csvDataset } from './helpers.js';
import { column } from '../src/data/dataset.js';

// The pattern the readers used before the scanner: the oracle for what is a number.
const ORACLE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

describe('number tokens', () => {
  test('the scanner accepts exactly what the old pattern accepted', () => {
    const char = fc.constantFrom('0', '1', '9', '.', '+', '-', 'e', 'E', 'x', ' ', '\u0660', '٫');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 12 }), (chars) => {
        const s = chars.join('');
        expect(isNumberLiteral(s)).toBe(ORACLE.test(s));
      }),
      { numRuns: 3000 },
    );
    for (const s of ['5', '-5.', '+.5', '1e5', '1.e-5', '.5E+05', '-0', '007']) expect(isNumberLiteral(s), s).toBe(true);
    for (const s of ['', '.', '-', '+-1', '1e', '1e+', 'e5', '1..2', '1.2.3', '0x10', 'Infinity', 'NaN', '1_000', ' 1']) {
      expect(isNumberLiteral(s), s).toBe(false);
    }
    expect(isNumberToken(' 1.5\r')).toBe(true);
  });

  test('a long digit run that fails at its end is linear, not quadratic', () => {
    const run = '1'.repeat(1_000_000);
    const t0 = performance.now();
    expect(isNumberLiteral(`${run}a`)).toBe(false);
    expect(isNumberLiteral(`${run}.${run}e`)).toBe(false);
    expect(isNumberLiteral(run)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(200);
  });

  test('a 120 KB cell of digits is read in well under a second', () => {
    const t0 = performance.now();
    const ds = csvDataset(`x,y\n1,${'1'.repeat(120_000)}a\n2,3\n`);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(column(ds, 'y')!.nonNumeric).toBe(1);
  });
});
