import { describe, expect, test } from 'vitest';
import { csvDataset } from './helpers.js';
import { baselineMask, parseBaseline } from '../src/data/baseline.js';
import { labelledInBaseline, tooEarlyWords } from '../src/data/labelled-baseline.js';

/** One series, time,x,anomaly: labelled 1 from reading `from` on (in time order), rows written in `order`. */
function series(n: number, from: number, order: (i: number) => number = (i) => i): string {
  const lines = ['time,x,anomaly'];
  for (let j = 0; j < n; j++) {
    const i = order(j);
    lines.push(`${i},${Math.sin(i)},${i >= from ? 1 : 0}`);
  }
  return lines.join('\n');
}

describe('training rows labelled anomalous', () => {
  test('one series: counted in the baseline, with the readings before its first labelled anomaly', () => {
    const ds = csvDataset(series(1000, 300));
    expect(labelledInBaseline(ds, parseBaseline('first:50%'))).toEqual({
      column: 'anomaly',
      rows: 200,
      of: 500,
      before: 300,
      everyReading: false,
      blankOthers: false,
    });
    expect(labelledInBaseline(ds, parseBaseline('all'))).toEqual({
      column: 'anomaly',
      rows: 700,
      of: 1000,
      before: 300,
      everyReading: false,
      blankOthers: false,
    });
    // Training rows that end before it: nothing to say.
    expect(labelledInBaseline(ds, parseBaseline('first:300'))).toBeUndefined();
    expect(labelledInBaseline(ds, parseBaseline('first:301'))).toEqual({
      column: 'anomaly',
      rows: 1,
      of: 301,
      before: 300,
      everyReading: false,
      blankOthers: false,
    });
    // The page passes the rows' mask it has already built: the same answer.
    const mask = baselineMask(ds, parseBaseline('first:40%'));
    expect(labelledInBaseline(ds, mask)).toEqual({
      column: 'anomaly',
      rows: 100,
      of: 400,
      before: 300,
      everyReading: false,
      blankOthers: false,
    });
  });

  test('rows out of time order: the first readings and the first anomaly are by time, not by row', () => {
    // Written backwards: row 0 is the latest reading, labelled anomalous.
    const ds = csvDataset(series(1000, 300, (j) => 999 - j));
    expect(labelledInBaseline(ds, parseBaseline('first:300'))).toBeUndefined();
    expect(labelledInBaseline(ds, parseBaseline('first:40%'))).toEqual({
      column: 'anomaly',
      rows: 100,
      of: 400,
      before: 300,
      everyReading: false,
      blankOthers: false,
    });
  });

  test('units: counted per unit’s baseline, the cut-off before every unit’s first; no label column or no labelled row: undefined', () => {
    const lines = ['unit,cycle,x,anomaly'];
    const from = [0, 60, 30, 45]; // unit 1 never labelled; unit 2's first comes at its 31st reading
    for (const u of [1, 2, 3]) for (let c = 1; c <= 100; c++) lines.push(`${u},${c},${Math.sin(c * u)},${u > 1 && c > from[u] ? 1 : 0}`);
    const ds = csvDataset(lines.join('\n'));
    expect(labelledInBaseline(ds, parseBaseline('first:50%'))).toEqual({
      column: 'anomaly',
      rows: 25,
      of: 150,
      before: 30,
      unit: 2,
      everyReading: false,
      blankOthers: false,
    });
    expect(labelledInBaseline(ds, parseBaseline('first:30'))).toBeUndefined();
    // Read as one series (the page's single series), the first anomaly is the file's first, in its order.
    expect(labelledInBaseline(ds, parseBaseline('all'), true)).toMatchObject({ before: 130 });
    expect(labelledInBaseline(csvDataset('time,x\n1,2\n2,3\n'), parseBaseline('all'))).toBeUndefined();
    expect(labelledInBaseline(csvDataset(series(100, 1000)), parseBaseline('all'))).toBeUndefined();
  });

  test('a column of 1s throughout is said to be read as anomalous: the file may mean 1 as normal', () => {
    const all = labelledInBaseline(csvDataset(series(100, 0)), parseBaseline('first:50'))!;
    expect(all).toEqual({ column: 'anomaly', rows: 50, of: 50, before: 0, everyReading: true, blankOthers: false });
    expect(tooEarlyWords(all, String)).toMatch(
      /^Every reading is labelled 1, which isoscope reads as anomalous .*write the labels the other way round/,
    );
    // From the first reading but not throughout: the early anomaly is what is said.
    const early = labelledInBaseline(csvDataset(series(100, 0).replace(/1$/, '0')), parseBaseline('all'))!;
    expect(early.everyReading).toBe(false);
    expect(tooEarlyWords(early, String)).toBe('The first labelled anomaly is reading 1: too early for a healthy stretch before it.');
    // 1s and blanks: a file that marks its anomalies alone is told blanks are not 0, not that its labels may be inverted.
    const marked = labelledInBaseline(
      csvDataset(series(100, 0).replace(/,1$/gm, (m, at: number) => (at % 3 ? ',' : m))),
      parseBaseline('all'),
    )!;
    expect([marked.everyReading, marked.blankOthers]).toEqual([false, true]);
    expect(tooEarlyWords(marked, String)).toMatch(
      /too early for a healthy stretch before it\. Its other readings are blank, which isoscope reads as unlabelled, not as 0/,
    );
  });
});
