import { describe, expect, test } from 'vitest';
import { partitionKeyOf } from '../src/connectors/publisher.js';

describe('Event Hubs partition keys', () => {
  test('an id of up to 128 characters is its own key; a longer one is cut to fit, the same every time, apart from its neighbours', () => {
    expect(partitionKeyOf('pump-7')).toBe('pump-7');
    expect(partitionKeyOf('x'.repeat(128))).toBe('x'.repeat(128));
    const a = 'Linie 4 / Presse '.repeat(10) + 'A';
    const b = 'Linie 4 / Presse '.repeat(10) + 'B';
    expect(partitionKeyOf(a).length).toBeLessThanOrEqual(128);
    expect(partitionKeyOf(a)).toBe(partitionKeyOf(a));
    expect(partitionKeyOf(a)).not.toBe(partitionKeyOf(b));
    // Cut by characters: no emoji is split into half a surrogate pair.
    // 'a' first: a cut at an even number of UTF-16 units would split a rocket.
    const rockets = partitionKeyOf('a' + '🚀'.repeat(200));
    expect(rockets.length).toBeLessThanOrEqual(128);
    expect(() => encodeURIComponent(rockets)).not.toThrow(); // throws on a lone surrogate
  });
});
