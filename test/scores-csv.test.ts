import Papa from 'papaparse';
import { describe, expect, test } from 'vitest';
import { scoresCsvLines, scoresCsvRows, type ScoresTable } from '../src/data/scores-csv.js';
import { lcg } from './helpers.js';

// The rows are written without Papa.unparse for speed; they must stay exactly what Papa writes.
function papaRows(t: ScoresTable): string {
  const rows = Array.from(t.scores, (s, i) => {
    const scored = !Number.isNaN(s);
    const cell = (v: number) => (Number.isNaN(v) ? '' : v);
    return [
      i,
      ...(t.unit ? [t.unit.labels?.[t.unit.values[i] - 1] ?? cell(t.unit.values[i])] : []),
      ...(t.time ? [cell(t.time.values[i])] : []),
      scored ? s : '',
      scored ? s - t.offset : '',
      scored ? t.flags[i] : '',
      ...(t.alarm ? [t.alarm[i]] : []),
      scored ? -s : '',
    ];
  });
  return `${Papa.unparse(rows, { newline: '\n' })}\n`;
}

const EDGES = [NaN, -0, 0, 1e-7, -1e21, 1e21, 5e-324, -0.5, Infinity, -Infinity, 0.1 + 0.2, 1767225600000];

describe('scores CSV rows', () => {
  test('equal Papa.unparse for any number, missing cell or sign, with and without units', () => {
    const rnd = lcg(9);
    const n = 2000;
    const pick = () => (rnd() < 0.2 ? EDGES[Math.floor(rnd() * EDGES.length)] : (rnd() - 0.7) * 10 ** Math.floor(rnd() * 8 - 4));
    const scores = Float64Array.from({ length: n }, pick);
    const flags = Uint8Array.from(scores, (s) => (s < -0.5 ? 1 : 0));
    const full: ScoresTable = {
      unit: { name: 'unit', values: Float64Array.from({ length: n }, pick) },
      time: { name: 'time', values: Float64Array.from({ length: n }, pick) },
      scores,
      offset: -0.48,
      flags,
      alarm: Uint8Array.from(flags),
    };
    expect(scoresCsvRows(full)).toBe(papaRows(full));
    const labels = ['press-01', 'a,b', ' lead', 'trail ', 'say "hi"', 'line\nbreak', '', 'ünïcode'];
    const named: ScoresTable = {
      ...full,
      unit: { name: 'machine id', values: Float64Array.from({ length: n }, () => 1 + Math.floor(rnd() * labels.length)), labels },
    };
    expect(scoresCsvRows(named)).toBe(papaRows(named));
    const bare: ScoresTable = { scores, offset: 0.1, flags };
    expect(scoresCsvRows(bare)).toBe(papaRows(bare));
  });

  test('lines of a subset of rows carry their own row numbers and end where the text says', () => {
    const t: ScoresTable = { scores: Float64Array.of(-0.4, NaN, -0.6), offset: -0.5, flags: Uint8Array.of(0, 0, 1) };
    const { text, ends } = scoresCsvLines(t, Int32Array.of(7, 9, 12));
    expect(text).toBe('7,-0.4,0.09999999999999998,0,0.4\n9,,,,\n12,-0.6,-0.09999999999999998,1,0.6\n');
    expect(Array.from(ends)).toEqual([text.indexOf('\n') + 1, text.indexOf('\n', text.indexOf('\n') + 1) + 1, text.length]);
  });

  test('a timestamp column is written as ISO 8601 UTC, as the page shows it; a missing time is an empty cell', () => {
    const t: ScoresTable = {
      time: { name: 'timestamp', values: Float64Array.of(Date.UTC(2016, 6, 4), NaN, Date.UTC(2016, 6, 4, 1, 30, 0, 250)), timestamp: true },
      scores: Float64Array.of(-0.4, -0.45, -0.6),
      offset: -0.5,
      flags: Uint8Array.of(0, 0, 1),
    };
    expect(
      scoresCsvRows(t)
        .split('\n')
        .map((l) => l.split(',')[1]),
    ).toEqual(['2016-07-04T00:00:00.000Z', '', '2016-07-04T01:30:00.250Z', undefined]);
    // A numeric time column (cycles) keeps its numbers.
    expect(scoresCsvRows({ ...t, time: { name: 'cycle', values: Float64Array.of(1, 2, 3) } }).split('\n')[2]).toBe(
      '2,3,-0.6,-0.09999999999999998,1,0.6',
    );
  });
});
