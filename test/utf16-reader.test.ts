// UTF-16 text (Excel's "Unicode Text", some historians' exports) reads as the same data as
// its UTF-8 form, in chunks cut anywhere, plain or gzipped; real binary is still refused.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import { TextIngest } from '../src/data/text-ingest.js';
import type { Dataset } from '../src/data/dataset.js';
import { cmapssPath } from './helpers.js';

const TEXT =
  'Zeit\tTemperatur °C\tDruck bar\tStatus\r\n' +
  Array.from(
    { length: 400 },
    (_, i) =>
      `2024-03-0${1 + (i % 5)} 0${i % 10}:${String(i % 60).padStart(2, '0')}:00\t${(20 + (i % 7) * 0.25).toFixed(2)}\t${(1 + i / 1000).toFixed(3)}\tLäuft`,
  ).join('\r\n') +
  '\r\n';

function utf16(text: string, order: 'le' | 'be', bom: boolean): Uint8Array {
  const le = Buffer.from(text, 'utf16le');
  if (order === 'be') le.swap16();
  return new Uint8Array(Buffer.concat([bom ? Buffer.from(order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]) : Buffer.alloc(0), le]));
}

function read(name: string, bytes: Uint8Array, size: number): Dataset {
  const ingest = new TextIngest(name);
  for (let at = 0; at < bytes.length; at += size) ingest.pushBytes(bytes.subarray(at, at + size));
  return ingest.finish();
}

function same(a: Dataset, b: Dataset): void {
  expect(b.rows).toBe(a.rows);
  expect(b.columns.map((c) => [c.name, c.role])).toEqual(a.columns.map((c) => [c.name, c.role]));
  for (let i = 0; i < a.columns.length; i++) expect(Array.from(b.columns[i].values)).toEqual(Array.from(a.columns[i].values));
}

describe('UTF-16 text', () => {
  const utf8 = read('plant.txt', new TextEncoder().encode(TEXT), 1 << 20);

  test('little- and big-endian, with or without a byte order mark, in chunks of 1 to 7 bytes, read as the UTF-8 file', () => {
    expect(utf8.rows).toBe(400);
    expect(utf8.columns.map((c) => c.name)).toEqual(['Zeit', 'Temperatur °C', 'Druck bar', 'Status']);
    for (const order of ['le', 'be'] as const)
      for (const bom of [true, false]) {
        const bytes = utf16(TEXT, order, bom);
        // Odd sizes cut characters (and surrogate-free pairs) in half.
        for (const size of [1, 3, 7, 4096]) same(utf8, read('plant.txt', bytes, size));
      }
  });

  test('gzipped UTF-16 reads the same, and C-MAPSS text saved as UTF-16 is still C-MAPSS', () => {
    same(utf8, read('plant.txt.gz', gzipSync(utf16(TEXT, 'le', true)), 5));
    const cmapss = readFileSync(cmapssPath('test_FD001.txt'), 'latin1').split('\n').slice(0, 300).join('\n');
    const plain = read('test_FD001.txt', new TextEncoder().encode(cmapss), 1 << 20);
    const wide = read('test_FD001.txt', utf16(cmapss, 'le', true), 999);
    expect(wide.format).toBe('cmapss');
    same(plain, wide);
  });

  test('binary that starts like neither is refused as before; an odd trailing byte is refused, not dropped', () => {
    const zeros = new Uint8Array(5000);
    expect(() => read('z.bin', zeros, 100)).toThrow(/binary file/);
    const noise = new Uint8Array(5000).map((_, i) => (i * 7919) % 256);
    expect(() => read('n.bin', noise, 100)).toThrow(/binary file/);
    // Half a character at the end: U+FFFD, which is not a number, so the last cell is counted non-numeric.
    const rows = Array.from({ length: 200 }, (_, i) => `${i},${i * 2}`).join('\n');
    const cut = utf16(`a,b\n${rows}`, 'le', true);
    const ds = read('cut.csv', cut.subarray(0, cut.length - 1), 3);
    expect(ds.rows).toBe(200);
    expect(ds.columns[1].nonNumeric).toBe(1);
  });
});

test('16-bit numbers without a byte order mark are binary, not UTF-16 text', () => {
  const dump = new Uint8Array(2000).map((_, i) => (i % 2 ? 0 : 0x31 + ((i / 2) % 9)));
  expect(() => read('dump.bin', dump, 100)).toThrow(/binary file \(a zero byte at offset 1\)/);
});
