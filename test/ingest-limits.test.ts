import { gunzipSync, gzipSync, zipSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import { DataError } from '../src/data/dataset.js';
import { ingestFiles } from '../src/data/ingest.js';
import { TextIngest, type NamedBytes } from '../src/data/text-ingest.js';

const encode = (s: string) => new TextEncoder().encode(s);
const csv = encode('t,v\r\n1,"2"\r\n2,"3"\r\n');

function inChunks(name: string, bytes: Uint8Array, size: number) {
  const ingest = new TextIngest(name);
  for (let at = 0; at < bytes.length; at += size) ingest.pushBytes(bytes.subarray(at, at + size));
  return ingest.finish();
}

function failure(files: NamedBytes[]): string {
  try {
    ingestFiles(files);
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message;
  }
  throw new Error('expected a DataError');
}

describe('ingest of broken and hostile files', () => {
  test('a spreadsheet workbook (.xlsx, .ods, old .xls) is named as one, with what to do', () => {
    const said =
      /: a spreadsheet workbook, not CSV text; save the sheet as CSV \(in Excel: File › Save As › CSV UTF-8\) and give that file$/;
    const xlsx = zipSync({
      '[Content_Types].xml': new TextEncoder().encode('<Types/>'),
      'xl/workbook.xml': new TextEncoder().encode('<workbook/>'),
    });
    expect(failure([{ name: 'plant.xlsx', bytes: xlsx }])).toMatch(new RegExp(`^plant\\.xlsx${said.source}`));
    const ods = zipSync({
      mimetype: new TextEncoder().encode('application/vnd.oasis.opendocument.spreadsheet'),
      'content.xml': new Uint8Array(4),
    });
    expect(failure([{ name: 'plant.ods', bytes: ods }])).toMatch(said);
    const xls = new Uint8Array(512);
    xls.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect(failure([{ name: 'old.xls', bytes: xls }])).toMatch(new RegExp(`^old\\.xls${said.source}`));
  });

  test('gzip fed in any chunk size, even 1 byte, reads as the whole file does', () => {
    const gz = gzipSync(csv);
    const whole = ingestFiles([{ name: 'x.csv.gz', bytes: gz }]);
    for (const size of [1, 2, 3, 5, 64]) expect(inChunks('x.csv.gz', gz, size)).toEqual(whole);
  });

  test('a zip whose directory names an entry with a control character: the message stays on one line', () => {
    const zip = zipSync({ 'dir/data.txt': encode('unit,time\n'), 'readme.md': encode('x') });
    // The directory's copy of the name is its last occurrence: a newline in place of the slash.
    const at = Buffer.from(zip).lastIndexOf('dir/data.txt') + 3;
    zip[at] = 10;
    let message = '';
    try {
      ingestFiles([{ name: 'data.zip', bytes: zip }]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^data\.zip: /);
    expect(message).not.toMatch(/[\r\n]/);
  });

  test('a damaged or cut gzip is a DataError naming the file', () => {
    const gz = gzipSync(encode('a,b\n'.repeat(5000)));
    const flipped = gz.slice();
    flipped.fill(0xff, 20, 40);
    expect(failure([{ name: 'bad.csv.gz', bytes: flipped }])).toMatch(/^bad.csv.gz: the gzip data is damaged or cut short \(/);
    expect(failure([{ name: 'cut.csv.gz', bytes: gz.subarray(0, gz.length >> 1) }])).toMatch(/^cut.csv.gz: the gzip data is damaged/);
    expect(failure([{ name: 'two.gz', bytes: Uint8Array.of(0x1f, 0x8b) }])).toMatch(/^two.gz: /);
  });

  test('a gzip bomb of zeros is refused as binary from its first bytes', () => {
    const bomb = gzipSync(new Uint8Array(64 * 1024 ** 2));
    // Damaged past its first part: a reader that inflated it all would say so, not that it is binary
    // (by what is read, not by a clock, which a busy machine slows).
    const tail = bomb.slice();
    tail.fill(0xff, tail.length - 4096, tail.length - 4064);
    expect(() => gunzipSync(tail)).toThrow();
    for (const bytes of [bomb, tail])
      expect(failure([{ name: 'bomb.csv.gz', bytes }])).toMatch(/^bomb.csv.gz: this looks like a binary file \(a zero byte at offset 0\)/);
  });

  test('a zero byte after good text stops the read there, named by offset', () => {
    const text = encode(`a,b\n${'1,2\n'.repeat(30_000)}\u0000`);
    expect(failure([{ name: 'z.csv', bytes: text }])).toMatch(/^z.csv: this looks like a binary file \(a zero byte at offset 120004\)/);
  });

  test('zip archives: damaged, encrypted, unsupported method, nested: each a DataError naming archive and entry', () => {
    const zip = zipSync({ 'data.csv': csv }, { level: 6 });
    expect(ingestFiles([{ name: 'ok.zip', bytes: zip }]).rows).toBe(2);
    expect(failure([{ name: 'cut.zip', bytes: zip.subarray(0, zip.length - 30) }])).toMatch(
      /^cut.zip: the zip archive is damaged or unsupported/,
    );
    // The central directory entry's flags and method.
    const at = [...zip.keys()].find((i) => zip[i] === 0x50 && zip[i + 1] === 0x4b && zip[i + 2] === 1 && zip[i + 3] === 2)!;
    const encrypted = zip.slice();
    encrypted[at + 8] |= 1;
    expect(failure([{ name: 'e.zip', bytes: encrypted }])).toMatch(/^e.zip: data.csv is encrypted/);
    const bzip = zip.slice();
    bzip[at + 10] = 12;
    expect(failure([{ name: 'b.zip', bytes: bzip }])).toMatch(/^b.zip: data.csv uses compression method 12/);
    const inflated = zip.slice();
    const local = 30 + 'data.csv'.length;
    inflated.fill(0xff, local, local + 4);
    expect(failure([{ name: 'd.zip', bytes: inflated }])).toMatch(/^d.zip: data.csv: the compressed data is damaged/);
    const nested = zipSync({ 'inner.csv': zip });
    expect(failure([{ name: 'n.zip', bytes: nested }])).toMatch(/^n.zip: inner.csv: a zip archive inside another file is not supported/);
    expect(failure([{ name: 'empty.zip', bytes: zipSync({}) }])).toMatch(/^empty.zip: no data files inside/);
    const cmapss = encode(`1 1${' 0.5'.repeat(24)}\n`);
    const badRul = zipSync({ 'test_FD001.txt': cmapss, 'RUL_FD001.txt': encode('x\n') });
    expect(failure([{ name: 'r.zip', bytes: badRul }])).toMatch(/^r.zip: RUL_FD001.txt, line 1: a RUL file holds one non-negative number/);
  });

  test('a zip bomb entry is read step by step and refused at its first bytes', () => {
    const bomb = zipSync({ 'data.csv': new Uint8Array(16 * 1024 ** 2) }, { level: 9 });
    expect(failure([{ name: 'bomb.zip', bytes: bomb }])).toMatch(/^bomb.zip: data.csv: this looks like a binary file/);
  });

  test('a RUL file too big to be one is refused before it is read whole', () => {
    const data = encode(Array.from({ length: 3 }, (_, i) => `1 ${i + 1}${' 0.5'.repeat(24)}\n`).join(''));
    const rul = encode('7\n'.repeat(600_000));
    expect(
      failure([
        { name: 'test_FD009.txt', bytes: data },
        { name: 'RUL_FD009.txt', bytes: rul },
      ]),
    ).toMatch(/^RUL_FD009.txt: more than 1 MiB, too big for a RUL file/);
  });
});
