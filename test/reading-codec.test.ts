// The stored document and the served prediction of a reading: one outcome, the reading's keys
// kept in order, and a body with its own "__proto__" key copied as data, never as a prototype.
import { describe, expect, test } from 'vitest';
import { decodeReadings, scoredDocument } from '../src/stream/reading-codec.js';

const inputs = ['a', 'b'];
const model = { id: 'm', version: 'v1' };

describe('scoredDocument', () => {
  test('the reading whole, then id, unit, outcome and model, in that order', () => {
    const body = { unit_number: 3, time_in_cycles: 7, a: 1, b: 2, note: 'x' };
    const decoded = decodeReadings([body], inputs, 'unit_number', 'time_in_cycles');
    const doc = scoredDocument(body, decoded, inputs, 0, { score: -0.6, flag: 1, alarm: true }, model, 'T');
    expect(Object.keys(doc)).toEqual([
      'unit_number',
      'time_in_cycles',
      'a',
      'b',
      'note',
      'id',
      'anomaly_score',
      'is_anomaly',
      'alarm',
      'model_id',
      'model_version',
      'scored_at',
    ]);
    expect(doc).toMatchObject({ id: '3-7', anomaly_score: 0.6, is_anomaly: true, alarm: true });
    expect(body).toEqual({ unit_number: 3, time_in_cycles: 7, a: 1, b: 2, note: 'x' }); // not modified
  });

  test('an unscored reading names the inputs it lacks', () => {
    const body = { unit_number: 3, time_in_cycles: 8, a: 'n/a' };
    const decoded = decodeReadings([body], inputs, 'unit_number', 'time_in_cycles');
    const doc = scoredDocument(body, decoded, inputs, 0, { score: NaN, flag: 0, alarm: false }, model, 'T');
    expect(doc).toMatchObject({ anomaly_score: null, is_anomaly: null, missing_features: ['a', 'b'] });
  });

  test('a body whose own "__proto__" key came from JSON stays data', () => {
    const body = JSON.parse('{"unit_number": 1, "time_in_cycles": 1, "a": 1, "b": 1, "__proto__": {"polluted": true}}') as Record<
      string,
      unknown
    >;
    const decoded = decodeReadings([body], inputs, 'unit_number', 'time_in_cycles');
    const doc = scoredDocument(body, decoded, inputs, 0, { score: -0.5, flag: 0, alarm: false }, model, 'T');
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    expect((doc as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.hasOwn(doc, '__proto__')).toBe(true);
  });
});
