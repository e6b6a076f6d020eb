// The stored document and the served prediction of a reading: one outcome, the reading's keys
// kept in order, and a body with its own "__proto__" key copied as data, never as a prototype.
import { describe, expect, test } from 'vitest';
import { decodeReadings, keyReadings, scoredDocument } from '../src/stream/reading-codec.js';

const inputs = ['a', 'b'];
const model = { id: 'm', version: 'v1' };
const KEYS = { unitField: 'unit_number', timeField: 'time_in_cycles' };

describe('scoredDocument', () => {
  test('the reading whole, then id, unit, outcome and model, in that order', () => {
    const body = { unit_number: 3, time_in_cycles: 7, a: 1, b: 2, note: 'x' };
    const decoded = decodeReadings([body], inputs, KEYS);
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
    const decoded = decodeReadings([body], inputs, KEYS);
    const doc = scoredDocument(body, decoded, inputs, 0, { score: NaN, flag: 0, alarm: false }, model, 'T');
    expect(doc).toMatchObject({ anomaly_score: null, is_anomaly: null, missing_features: ['a', 'b'] });
  });

  test('a body whose own "__proto__" key came from JSON stays data', () => {
    const body = JSON.parse('{"unit_number": 1, "time_in_cycles": 1, "a": 1, "b": 1, "__proto__": {"polluted": true}}') as Record<
      string,
      unknown
    >;
    const decoded = decodeReadings([body], inputs, KEYS);
    const doc = scoredDocument(body, decoded, inputs, 0, { score: -0.5, flag: 0, alarm: false }, model, 'T');
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    expect((doc as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.hasOwn(doc, '__proto__')).toBe(true);
  });
});

describe('keying readings', () => {
  const keys = { unitField: 'machine', timeField: 'timestamp' };

  test('text unit ids stay text in the id and the unit field; numeric strings of time are numbers', () => {
    const body = { machine: 'press-01', timestamp: '1700000000000', a: 1, b: 2 };
    const { readings, rejected } = keyReadings([body], keys);
    expect(rejected).toEqual([]);
    const decoded = decodeReadings(readings, inputs, keys);
    const doc = scoredDocument(body, decoded, inputs, 0, { score: -0.5, flag: 0, alarm: false }, model, 'T');
    expect(doc).toMatchObject({ id: 'press-01-1700000000000', unit_number: 'press-01', machine: 'press-01' });
  });

  test('a reading that cannot be keyed is rejected with its reason, never given a made-up id', () => {
    const bodies: unknown[] = [
      { machine: 'press-01', timestamp: 1, a: 1 },
      'not an object',
      [1, 2],
      null,
      { timestamp: 2 },
      { machine: 'press-02' },
      { machine: 'press-02', timestamp: 'yesterday' },
      { machine: 'a/b', timestamp: 3 },
      { machine: { x: 1 }, timestamp: 3 },
      { machine: ' ', timestamp: 3 },
      { machine: 'press-02', timestamp: '0x10' },
      { machine: 'press-02', timestamp: 'Infinity' },
      { machine: null, timestamp: 3 },
      Buffer.from('not json at all'), // bytes the SDK could not read as JSON
    ];
    const { readings, index, rejected } = keyReadings(bodies, keys);
    expect(index).toEqual([0]);
    expect(readings).toHaveLength(1);
    expect(rejected.map((r) => [r.index, r.reason])).toEqual([
      [1, 'the event body is not a JSON object'],
      [2, 'the event body is not a JSON object'],
      [3, 'the event body is not a JSON object'],
      [4, 'no unit field "machine"'],
      [5, 'no time field "timestamp"'],
      [6, 'time field "timestamp" is not a number'],
      [7, 'unit field "machine" holds a character an id cannot hold (/ \\ ? # or a control character)'],
      [8, 'unit field "machine" is not text or a number'],
      [9, 'unit field "machine" is empty'],
      [10, 'time field "timestamp" is not a number'],
      [11, 'time field "timestamp" is not a number'],
      [12, 'unit field "machine" is null: give the unit\'s id'],
      [13, 'the event body is 15 bytes, not a JSON object'],
    ]);
  });

  test('a whole-number unit id sent as text is the same unit as the number; other text ids stay text', () => {
    const bodies = ['7000', 7000, ' 7000 ', '007', '7.0', '-3', 'press-01'].map((machine, i) => ({ machine, timestamp: i, a: 1, b: 1 }));
    const decoded = decodeReadings(keyReadings(bodies, keys).readings, inputs, keys);
    expect(decoded.unitIds).toEqual([7000, 7000, 7000, '007', '7.0', -3, 'press-01']);
  });

  test('inputs given as text are read as a CSV cell is: decimal literals only, never hex, binary or Infinity', () => {
    const bodies = ['642.5', ' 6.4e2 ', '-1', '0x10', '0b1', '1_000', 'Infinity', '', '1,5'].map((a, i) => ({
      machine: 'm',
      timestamp: i,
      a,
      b: 1,
    }));
    const decoded = decodeReadings(keyReadings(bodies, keys).readings, inputs, keys);
    expect(Array.from({ length: bodies.length }, (_, i) => decoded.block[i * 2])).toEqual([642.5, 640, -1, NaN, NaN, NaN, NaN, NaN, NaN]);
    expect(decoded.missing).toEqual([6, 0]);
  });

  test('inputs read as the training CSV read them: true/false and ON/OFF are 1/0, -999 and -9999 are missing', () => {
    const values = [true, false, 'TRUE', ' off ', 'On', -999, '-9999', -998, 'yes'];
    const bodies = values.map((a, i) => ({ machine: 'm', timestamp: i, a, b: 1 }));
    const decoded = decodeReadings(keyReadings(bodies, keys).readings, inputs, keys);
    expect(Array.from({ length: values.length }, (_, i) => decoded.block[i * 2])).toEqual([1, 0, 1, 0, 1, NaN, NaN, -998, NaN]);
    expect(decoded.missing).toEqual([3, 0]);
  });

  test('without a unit field the stream is one unit (0)', () => {
    const k = { unitField: null, timeField: 't' };
    const { readings } = keyReadings([{ t: 5, a: 1, b: 1 }], k);
    const decoded = decodeReadings(readings, inputs, k);
    expect(decoded.unitIds).toEqual([0]);
    const doc = scoredDocument(readings[0], decoded, inputs, 0, { score: -0.5, flag: 0, alarm: false }, model, 'T');
    expect(doc).toMatchObject({ id: '0-5', unit_number: 0 });
  });
});
