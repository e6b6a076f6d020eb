// The page's one number formatter: a profile row's mean reads like its min and max beside it.
import { describe, expect, test } from 'vitest';
import { fmt, pct } from '../src/app/dom.js';

describe('fmt', () => {
  test('large fractions are grouped like whole numbers, not written 2.40e+5; tiny and huge ones stay exponential', () => {
    expect([fmt(240117), fmt(240125.46), fmt(23329590.4), fmt(-150000.25)]).toEqual(['240,117', '240,125.5', '23,329,590.4', '-150,000.3']);
    expect([fmt(0.5), fmt(12.3456), fmt(0.0004), fmt(3.21e13 + 0.5), fmt(NaN)]).toEqual(['0.500', '12.346', '4.00e-4', '3.21e+13', '–']);
  });

  test('whole numbers are grouped while exact (epoch milliseconds too); beyond 2^53 they are exponential, not hundreds of digits', () => {
    expect([fmt(1704067200000), fmt(Number.MAX_SAFE_INTEGER), fmt(-42)]).toEqual(['1,704,067,200,000', '9,007,199,254,740,991', '-42']);
    expect([fmt(-1e308), fmt(2 ** 60), fmt(Number.MAX_VALUE)]).toEqual(['-1.00e+308', '1.15e+18', '1.80e+308']);
  });
});

describe('pct', () => {
  test('a share of nothing (an evaluation ratio over no reading) reads –, not NaN%', () => {
    expect([pct(NaN), pct(0), pct(0.0005), pct(0.25)]).toEqual(['–', '0%', '0.05%', '25.0%']);
  });
});
