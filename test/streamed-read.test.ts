// A streamed read hands on pieces of rows as it goes (TextIngest.drain); put together they
// must be the dataset a whole read gives, however the bytes were cut.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { TextIngest } from '../src/data/text-ingest.js';
import type { Dataset } from '../src/data/dataset.js';
import { cmapssPath, lcg } from './helpers.js';

function whole(name: string, bytes: Uint8Array): Dataset {
  const ingest = new TextIngest(name);
  ingest.pushBytes(bytes);
  return ingest.finish();
}

function streamed(name: string, bytes: Uint8Array, seed: number): Dataset[] {
  const rnd = lcg(seed);
  const ingest = new TextIngest(name, { streamed: true });
  const pieces: Dataset[] = [];
  for (let at = 0; at < bytes.length;) {
    const n = 1 + Math.floor(rnd() ** 3 * 200_000);
    ingest.pushBytes(bytes.subarray(at, at + n));
    at += n;
    if (rnd() < 0.5) {
      const d = ingest.drain();
      if (d) pieces.push(d);
    }
  }
  const last = ingest.drain(true);
  if (last) pieces.push(last);
  return pieces;
}

function joined(pieces: Dataset[]): { names: string[]; roles: string[]; values: number[][] } {
  const first = pieces[0];
  return {
    names: first.columns.map((c) => c.name),
    roles: first.columns.map((c) => c.role),
    values: first.columns.map((_, i) => pieces.flatMap((p) => Array.from(p.columns[i].values))),
  };
}

function expectSame(name: string, bytes: Uint8Array): void {
  const w = whole(name, bytes);
  for (const seed of [1, 2, 3]) {
    const pieces = streamed(name, bytes, seed);
    expect(pieces.length).toBeGreaterThan(0);
    for (const p of pieces) expect(p.columns.map((c) => c.role)).toEqual(pieces[0].columns.map((c) => c.role));
    for (const p of pieces) expect(p.columns.map((c) => c.values.length)).toEqual(p.columns.map(() => p.rows));
    const j = joined(pieces);
    expect(j.names).toEqual(w.columns.map((c) => c.name));
    expect(j.roles).toEqual(w.columns.map((c) => c.role));
    j.values.forEach((v, i) => expect(Float64Array.from(v)).toEqual(w.columns[i].values));
  }
}

describe('streamed reads', () => {
  test('C-MAPSS text, plain and gzip', () => {
    const bytes = readFileSync(cmapssPath('test_FD001.txt'));
    expectSame('test_FD001.txt', bytes);
    expectSame('test_FD001.txt.gz', gzipSync(bytes));
  });

  test('a ";" CSV with decimal commas, CRLF, quotes, text ids and timestamps', () => {
    const rnd = lcg(4);
    const lines = ['"time";"machine";"temp";"note"'];
    for (let i = 0; i < 10_000; i++) {
      const t = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
      lines.push(`${t};"press-${i % 7}";${(20 + rnd()).toFixed(3).replace('.', ',')};"a ""b"" ${i % 3}"`);
    }
    expectSame('plant.csv', new TextEncoder().encode(`${lines.join('\r\n')}\r\n`));
    // An export's summary rows after the readings: left out of every piece, named in the last one's notes.
    const summed = new TextEncoder().encode(`${lines.join('\r\n')}\r\n"Average";;20,5;\r\n"Rows: 10000"\r\n`);
    expectSame('summed.csv', summed);
    const notes = streamed('summed.csv', summed, 5).pop()!.notes;
    expect(notes.find((n) => n.startsWith('2 line(s) at the end of the file'))).toContain('"Rows: 10000"');
  });

  test('the unit column is chosen once: a row number in a short last piece, or an id outranked, stays what the first piece made it', () => {
    const rnd = lcg(9);
    // A reading number under a unit's name: told from a unit in the first piece, whose choice holds.
    const numbered = ['unit_id,machine_id,time,temp'];
    for (let i = 0; i < 10_003; i++) numbered.push(`${i + 1},WTG-0${(i % 4) + 1},${i >> 2},${(20 + rnd()).toFixed(3)}`);
    const bytes = new TextEncoder().encode(numbered.join('\n'));
    expectSame('numbered.csv', bytes);
    expect(whole('numbered.csv', bytes).columns.map((c) => c.role)).toEqual(['feature', 'unit', 'time', 'feature']);
    // A last piece of 5 rows: its row numbers are too few to tell from a unit's, and stay a feature.
    const ingest = new TextIngest('numbered.csv', { streamed: true });
    const cut = numbered.slice(0, -5).join('\n').length + 1;
    ingest.pushBytes(bytes.subarray(0, cut));
    ingest.drain();
    ingest.pushBytes(bytes.subarray(cut));
    const last = ingest.drain(true)!;
    expect(last.rows).toBe(5);
    expect(Array.from(last.columns[1].values)).toEqual([0, 1, 2, 3, 4].map((k) => ((10_003 - 5 + k) % 4) + 1));
    expect(last.columns.map((c) => c.role)).toEqual(['feature', 'unit', 'time', 'feature']);
    // A unit number outranks a text pump id: the pump ids are text in every piece, never coded.
    const both = ['unit_no,pump_id,time,temp'];
    for (let i = 0; i < 10_000; i++) both.push(`${(i % 3) + 1},P${(i % 3) + 1},${i},${(20 + rnd()).toFixed(3)}`);
    const b2 = new TextEncoder().encode(both.join('\n'));
    expectSame('both.csv', b2);
    const w = whole('both.csv', b2);
    expect(w.columns.map((c) => c.role)).toEqual(['unit', 'feature', 'time', 'feature']);
    expect(w.columns[1].nonNumeric).toBe(10_000);
  });

  test('a piece handed on between two fields of a record holds none of it: rows stay whole', () => {
    const lines = ['time,machine,temp,flow'];
    for (let i = 0; i < 3000; i++)
      lines.push(`${new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString()},m-${i % 3},${20 + (i % 7)},${i % 11}`);
    const text = `${lines.join('\n')}\n`;
    const bytes = new TextEncoder().encode(text);
    const ingest = new TextIngest('cut.csv', { streamed: true });
    const pieces: Dataset[] = [];
    // Each push ends inside a record (after its second field), and a drain follows at once.
    let at = 0;
    for (let lineStart = text.indexOf('\n') + 1, k = 0; k < 2000; k++, lineStart = text.indexOf('\n', lineStart) + 1) {
      const cut = text.indexOf(',', text.indexOf(',', lineStart) + 1) + 1;
      ingest.pushBytes(bytes.subarray(at, cut));
      at = cut;
      const d = ingest.drain();
      if (d) pieces.push(d);
    }
    ingest.pushBytes(bytes.subarray(at));
    pieces.push(ingest.drain(true)!);
    // Every column of a piece has its rows: a scorer walks a piece row by row.
    for (const p of pieces) expect(p.columns.map((c) => c.values.length)).toEqual(p.columns.map(() => p.rows));
    const j = joined(pieces);
    const w = whole('cut.csv', bytes);
    j.values.forEach((v, i) => expect(Float64Array.from(v)).toEqual(w.columns[i].values));
  });

  test('a file of fewer rows than the reader probes is one piece', () => {
    const text = 'a,b\n1,2\n3,4\n';
    const pieces = streamed('small.csv', new TextEncoder().encode(text), 1);
    expect(pieces).toHaveLength(1);
    expect(Array.from(pieces[0].columns[1].values)).toEqual([2, 4]);
  });

  test('a header without rows is refused as a whole read refuses it', () => {
    expect(() => streamed('h.csv', new TextEncoder().encode('a,b\n'), 1)).toThrow(/a header but no data rows/);
  });
});
