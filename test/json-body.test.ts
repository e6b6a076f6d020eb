// serve's JSON body reader: a key an object holds twice is found wherever it is, however it is
// escaped, and never confused with a value or text that looks like a key.
import { describe, expect, test } from 'vitest';
import { duplicateKey, parseJsonBody } from '../src/server/http-edges.js';

const parse = (text: string) =>
  new Promise<{ err: Error | null; body?: unknown }>((resolve) =>
    parseJsonBody(null, Buffer.from(text), (err, body) => resolve({ err, body })),
  );

describe('duplicateKey', () => {
  test('finds a key twice in one object, at its second place', () => {
    const text = '[{"unit": 1, "t": 2, "s1": 5}, {"unit": 1, "t": 3, "s1": 5, "s1": 6}]';
    expect(duplicateKey(text)).toEqual({ key: 's1', at: text.lastIndexOf('"s1"') });
  });

  test('an escaped spelling is the same key; the same key in two objects or nested objects is not twice', () => {
    expect(duplicateKey('{"a": 1, "\\u0061": 2}')).toEqual({ key: 'a', at: 9 });
    expect(duplicateKey('{"a": {"a": {"a": 1}}, "b": [{"a": 1}, {"a": 2}]}')).toBeUndefined();
    expect(duplicateKey('{"a": {"x": 1}, "a": 2}')?.key).toBe('a');
  });

  test('values, and text holding quotes, braces or colons, are not keys', () => {
    expect(duplicateKey('{"a": "a", "b": "a"}')).toBeUndefined();
    expect(duplicateKey('{"a": "x\\": 1, \\"a", "b": "{\\"b\\": 1}", "c" : ["c", "c"]}')).toBeUndefined();
    expect(duplicateKey('{"a\\\\": 1, "a": 2}')).toBeUndefined();
    expect(duplicateKey('{"x" \n\t: 1, "x"\r\n: 2}')?.key).toBe('x');
  });
});

describe('parseJsonBody', () => {
  test('refuses a body with a field twice, naming it; takes one without', async () => {
    const twice = await parse('{"unit_number": 1, "time_in_cycles": 1, "sensor_2": 641.8, "sensor_2": 642.1}');
    expect(twice.err?.message).toBe(
      'the body has the field "sensor_2" twice in one object (again at character 60): JSON keeps only the last, which may not be the one meant; send each field once',
    );
    // Counted in characters: an emoji before it is one, not two UTF-16 units.
    expect((await parse('{"id": "🚀", "x": 1, "x": 2}')).err?.message).toMatch(/\(again at character 21\)/);
    expect((await parse('\ufeff{"a": 1, "b": {"a": 2}}')).body).toEqual({ a: 1, b: { a: 2 } });
    // Keys that look like indices come first once parsed, so objects are met in another order than written: still no false refusal.
    expect((await parse('{"b": {"x": 1, "y": 2}, "1": {"z": 3}}')).err).toBeNull();
    expect((await parse('[{"b": {"x": 1}, "1": {}}, {"s": 1, "t": {"s": 2}, "s": 3}]')).err?.message).toMatch(
      /^the body has the field "s" twice/,
    );
    // The first "a" (an object) is dropped and the counts shift into line: still found.
    expect((await parse('{"b":{"z":1},"0":{"a":{"m":1},"a":{"p":1,"q":1}}}')).err?.message).toMatch(/^the body has the field "a" twice/);
  });
});
