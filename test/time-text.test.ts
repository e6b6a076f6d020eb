import { describe, expect, test } from 'vitest';
import { dateAt, dateSpan } from '../src/data/time-text.js';

describe('timestamps as people read them', () => {
  test('a moment shows its seconds only when it has them', () => {
    expect(dateAt(Date.UTC(2026, 2, 5, 8, 30))).toBe('2026-03-05 08:30');
    expect(dateAt(Date.UTC(2026, 2, 5, 8, 30, 7))).toBe('2026-03-05 08:30:07');
  });

  test('spans under a minute are seconds, not "0 min"', () => {
    expect(dateSpan(1000)).toBe('1 s');
    expect(dateSpan(250)).toBe('0.3 s');
    expect(dateSpan(45_000)).toBe('45 s');
    expect(dateSpan(60_000)).toBe('1 min');
    expect(dateSpan(91_000)).toBe('1 min 31 s');
    expect(dateSpan(59_600)).toBe('1 min');
    expect(dateSpan(5 * 60_000)).toBe('5 min');
    expect(dateSpan(3 * 3_600_000)).toBe('3.0 h');
  });
});
