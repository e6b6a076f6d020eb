// The C-MAPSS reader's Wasm fast path against the reader alone: the same dataset, bit for
// bit, and the same errors, on the shared files cut anywhere and on hostile text.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { cmapssPath } from './helpers.js';
import { CmapssParser } from '../src/data/cmapss.js';
import type { Dataset } from '../src/data/dataset.js';
import type { CmapssLineScanner } from '../src/data/line-scanner.js';
import { createNodeEngine } from '../src/engine/node-engine.js';

let scanner: CmapssLineScanner;
/** Rows the fast path read, over the whole file: a test of the fast path fails where it is never used. */
let scanned = 0;

beforeAll(async () => {
  const wasm = (await createNodeEngine()).cmapssScanner();
  scanner = {
    capacity: wasm.capacity,
    scan: (...args) => {
      const r = wasm.scan(...args);
      scanned += r.rows;
      return r;
    },
  };
});

type Outcome = { dataset: Dataset } | { error: string };

function read(text: Uint8Array, cuts: number[], fast: boolean, maxValues?: number, columns?: (name: string) => boolean): Outcome {
  const p = new CmapssParser('t.txt', maxValues, 0, columns, fast ? scanner : undefined);
  try {
    let at = 0;
    for (const cut of [...cuts, text.length]) {
      p.pushBytes(text.subarray(at, cut));
      at = cut;
    }
    return { dataset: p.finish() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Datasets equal bit for bit (NaN and -0 included), or the same error. */
function expectSame(a: Outcome, b: Outcome): void {
  if ('error' in a || 'error' in b) return void expect(a).toEqual(b);
  expect(a.dataset.rows).toBe(b.dataset.rows);
  expect(a.dataset.columns.map((c) => [c.name, c.missing, c.nonNumeric])).toEqual(
    b.dataset.columns.map((c) => [c.name, c.missing, c.nonNumeric]),
  );
  a.dataset.columns.forEach((c, k) => {
    const other = b.dataset.columns[k].values;
    expect(c.values.length).toBe(other.length);
    expect(
      Buffer.from(c.values.buffer, c.values.byteOffset, c.values.byteLength).equals(
        Buffer.from(other.buffer, other.byteOffset, other.byteLength),
      ),
    ).toBe(true);
  });
}

/** A small deterministic generator (tests must give the same text on every run). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const TOKENS = [
  '1',
  '-0',
  '+3.',
  '.5',
  '-',
  '.',
  '1e5',
  'NaN',
  'n/a',
  '0000000000000001',
  '123456789012345',
  '1.0000000000000000000001',
  '-641.82',
  '1.5e-3',
  '7x',
];

function hostileText(rand: () => number, lines: number): string {
  const out: string[] = [];
  // Some texts have a line of the wrong length somewhere (refused), the others read through.
  const faulty = rand() < 0.4;
  for (let l = 0; l < lines; l++) {
    const kind = rand();
    if (kind < 0.05) out.push(rand() < 0.5 ? '' : ' \t \r');
    else {
      const fields = !faulty ? 26 : kind < 0.06 ? 25 : kind < 0.07 ? 27 : 26;
      const row: string[] = [];
      for (let f = 0; f < fields; f++)
        row.push(rand() < 0.03 ? TOKENS[Math.floor(rand() * TOKENS.length)] : (rand() * 2000 - 1000).toFixed(Math.floor(rand() * 5)));
      out.push(row.join(rand() < 0.2 ? '\t' : ' ') + (rand() < 0.2 ? ' \r' : ''));
    }
  }
  return out.join('\n') + (rand() < 0.5 ? '\n' : '');
}

const enc = (s: string) => new TextEncoder().encode(s);

describe('C-MAPSS reader: the Wasm fast path reads as the reader alone does', () => {
  test('FD001 train and test, cut anywhere: the same columns, bit for bit, nearly every row read by the fast path', () => {
    for (const name of ['train_FD001.txt', 'test_FD001.txt']) {
      const text = new Uint8Array(readFileSync(cmapssPath(name)));
      const rand = random(name.length);
      const cuts = Array.from({ length: 40 }, () => Math.floor(rand() * text.length)).sort((a, b) => a - b);
      scanned = 0;
      const fast = read(text, cuts, true);
      expect('dataset' in fast && scanned).toBeGreaterThan(('dataset' in fast ? fast.dataset.rows : 0) * 0.99);
      expectSame(fast, read(text, cuts, false));
    }
  });

  test('hostile text (words, exponents, 25 or 27 values, blank lines, CR, tabs, long mantissas): the same dataset or the same error', () => {
    let errors = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const rand = random(seed);
      const text = enc(hostileText(rand, 1 + Math.floor(rand() * 300)));
      const cuts = Array.from({ length: Math.floor(rand() * 6) }, () => Math.floor(rand() * text.length)).sort((a, b) => a - b);
      const fast = read(text, cuts, true);
      if ('error' in fast) errors++;
      expectSame(fast, read(text, cuts, false));
    }
    // Both outcomes were compared: some texts read, some refused.
    expect(errors).toBeGreaterThan(5);
    expect(errors).toBeLessThan(55);
  });

  test('clean rows with odd numbers (signs, -0, long mantissas, blank lines) read in full, the same as the reader alone', () => {
    const rand = random(7);
    const rows = Array.from({ length: 5000 }, (_, l) =>
      l % 97 === 0
        ? '   '
        : Array.from(
            { length: 26 },
            () => ['-0', '+3.', '.5', '123456789012345', '1.0000000000000000000001', '5'][Math.floor(rand() * 6)],
          ).join(' '),
    );
    const text = enc(rows.join('\r\n'));
    const fast = read(text, [1000, 1001, 77777], true);
    expect('dataset' in fast && fast.dataset.rows).toBe(5000 - Math.ceil(5000 / 97));
    expectSame(fast, read(text, [1000, 1001, 77777], false));
  });

  test('the row limit, a subset of columns, and a line longer than 1 MiB: the same errors and columns', () => {
    const row = Array.from({ length: 26 }, (_, k) => String(k + 0.5)).join(' ');
    const many = enc(Array.from({ length: 40000 }, () => row).join('\n'));
    expectSame(read(many, [], true, 26 * 30000), read(many, [], false, 26 * 30000));
    expect(read(many, [], true, 26 * 30000)).toEqual({ error: expect.stringMatching(/more than 30,000 rows/) });
    const some = (n: string) => n === 'sensor_2' || n === 'op_setting_1';
    expectSame(read(many, [12345], true, undefined, some), read(many, [12345], false, undefined, some));
    const long = enc(`${row}\n${' '.repeat(1_100_000)}${row}\n${row}\n`);
    expect(read(long, [5, 800_000], true)).toEqual({ error: 't.txt, line 2: longer than 1 MiB; a C-MAPSS line holds 26 numbers' });
    expectSame(read(long, [5, 800_000], true), read(long, [5, 800_000], false));
  });

  test('near the row limit (rows within one scan of it, no error): the same columns, every one of them', () => {
    const row = Array.from({ length: 26 }, (_, k) => String(k + 0.5)).join(' ');
    for (const [rows, limit] of [
      [5, 100],
      [20000, 20000],
      [20000, 20010],
    ]) {
      const text = enc(Array.from({ length: rows }, (_, i) => row.replace('0.5', String(i))).join('\n'));
      const fast = read(text, [7, 300_000], true, 26 * limit);
      expect('dataset' in fast && fast.dataset.columns[25].values[rows - 1]).toBe(25.5);
      expectSame(fast, read(text, [7, 300_000], false, 26 * limit));
    }
  });

  test('told the file size, the columns are sized as the reader alone sizes them: no doubling at the end, no trimming copy', () => {
    for (const copies of [1, 3, 15]) {
      const text = new Uint8Array(Buffer.concat(Array.from({ length: copies }, () => readFileSync(cmapssPath('train_FD001.txt')))));
      const sized = (fast: boolean) => {
        const p = new CmapssParser('t.txt', undefined, text.length, undefined, fast ? scanner : undefined);
        for (let at = 0; at < text.length; at += 4 << 20) p.pushBytes(text.subarray(at, at + (4 << 20)));
        return p.finish().columns.map((c) => c.values.buffer.byteLength);
      };
      expect(sized(true)).toEqual(sized(false));
    }
  });

  test('a file of lines the fast path hands back (every value an exponent) reads the same', () => {
    const row = Array.from({ length: 26 }, (_, k) => `${k}e-1`).join(' ');
    const text = enc(Array.from({ length: 3000 }, () => row).join('\n'));
    scanned = 0;
    expectSame(read(text, [100], true), read(text, [100], false));
    expect(scanned).toBe(0);
  });
});
