// The page's one number formatter: a profile row's mean reads like its min and max beside it.
import { describe, expect, test } from 'vitest';
import { fmt } from '../src/app/dom.js';

describe('fmt', () => {
  test('large fractions are grouped like whole numbers, not written 2.40e+5; tiny and huge ones stay exponential', () => {
    expect([fmt(240117), fmt(240125.46), fmt(23329590.4), fmt(-150000.25)]).toEqual(['240,117', '240,125.5', '23,329,590.4', '-150,000.3']);
    expect([fmt(0.5), fmt(12.3456), fmt(0.0004), fmt(3.21e13 + 0.5), fmt(NaN)]).toEqual(['0.500', '12.346', '4.00e-4', '3.21e+13', '–']);
  });
});
