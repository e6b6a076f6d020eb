import { readFileSync } from 'node:fs';
import { gzipSync, zipSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import { cmapssPath, loadFd001 } from './helpers.js';
import { ingestFiles } from '../src/data/ingest.js';
import { CmapssParser } from '../src/data/cmapss.js';
import { column } from '../src/data/dataset.js';

const bytes = (name: string) => new Uint8Array(readFileSync(cmapssPath(name)));

describe('C-MAPSS reader on the shared FD001 files', () => {
  test('train file: 20,631 rows, named columns with roles, exact first row', () => {
    const ds = loadFd001();
    expect(ds.format).toBe('cmapss');
    expect(ds.rows).toBe(20631);
    expect(ds.columns.slice(0, 6).map((c) => c.name)).toEqual([
      'unit_number',
      'time_in_cycles',
      'op_setting_1',
      'op_setting_2',
      'op_setting_3',
      'sensor_1',
    ]);
    expect(column(ds, 'unit_number')!.role).toBe('unit');
    expect(column(ds, 'time_in_cycles')!.role).toBe('time');
    expect(column(ds, 'op_setting_2')!.role).toBe('setting');
    expect(column(ds, 'sensor_21')!.role).toBe('feature');
    expect(column(ds, 'sensor_2')!.values[0]).toBe(641.82);
    expect(column(ds, 'sensor_21')!.values[0]).toBe(23.419);
    expect(column(ds, 'unit_number')!.values[20630]).toBe(100);
    expect(ds.columns.every((c) => c.missing === 0 && c.nonNumeric === 0)).toBe(true);
  });

  test('train file is run-to-failure: RUL counts down to 0 at each unit end', () => {
    const ds = loadFd001();
    const rul = column(ds, 'rul')!.values;
    const time = column(ds, 'time_in_cycles')!.values;
    expect(rul[0]).toBe(191); // unit 1 has 192 cycles
    expect(time[191]).toBe(192);
    expect(rul[191]).toBe(0);
    expect(rul[20630]).toBe(0);
  });

  test('a test file dropped with its RUL file gets RUL for every row', () => {
    const ds = ingestFiles([
      { name: 'test_FD001.txt', bytes: bytes('test_FD001.txt') },
      { name: 'RUL_FD001.txt', bytes: bytes('RUL_FD001.txt') },
    ]);
    expect(ds.rows).toBe(13096);
    const rul = column(ds, 'rul')!.values;
    const unit = column(ds, 'unit_number')!.values;
    const lastOfUnit1 = unit.indexOf(2) - 1;
    expect(rul[lastOfUnit1]).toBe(112); // RUL_FD001 line 1
    expect(rul[0]).toBe(112 + lastOfUnit1);
    expect(rul[ds.rows - 1]).toBe(20); // last line of RUL_FD001
    expect(ds.notes.join(' ')).not.toMatch(/not read/);
  });

  test('a test file without its RUL file has no ground truth and says so', () => {
    const ds = ingestFiles([{ name: 'test_FD001.txt', bytes: bytes('test_FD001.txt') }]);
    expect(column(ds, 'rul')).toBeUndefined();
    expect(ds.notes.join()).toMatch(/RUL file/);
  });

  test('gzip and NASA-style zip (pick the files inside) give the same data', () => {
    const plain = loadFd001();
    const gz = ingestFiles([{ name: 'train_FD001.txt.gz', bytes: gzipSync(bytes('train_FD001.txt')) }]);
    expect(gz.rows).toBe(plain.rows);
    expect(column(gz, 'sensor_9')!.values).toEqual(column(plain, 'sensor_9')!.values);
    const zip = zipSync({
      'CMAPSSData/readme.txt': new TextEncoder().encode('Data Set: FD001'),
      'CMAPSSData/train_FD001.txt': bytes('train_FD001.txt'),
      'CMAPSSData/test_FD001.txt': bytes('test_FD001.txt'),
      'CMAPSSData/RUL_FD001.txt': bytes('RUL_FD001.txt'),
    });
    const byDefault = ingestFiles([{ name: 'CMAPSSData.zip', bytes: zip }]);
    expect(byDefault.name).toBe('train_FD001.txt');
    // The files not read are named, never passed over in silence.
    expect(byDefault.notes).toContain(
      'not read: test_FD001.txt, RUL_FD001.txt. One data file is read at a time, with its RUL file (train_FD001.txt was chosen, the training file); to read another, give it alone (a test file with its RUL file), or name it with --entry in the CLI',
    );
    const test = ingestFiles([{ name: 'CMAPSSData.zip', bytes: zip }], { entry: 'test_FD001.txt' });
    expect(test.notes.join(' ')).not.toMatch(/not read/);
    expect(test.rows).toBe(13096);
    expect(column(test, 'rul')!.values[test.rows - 1]).toBe(20);
    expect(() => ingestFiles([{ name: 'CMAPSSData.zip', bytes: zip }], { entry: 'train_FD009.txt' })).toThrow(
      /no file named "train_FD009.txt" among/,
    );
  });

  test('a ragged C-MAPSS row names its line', () => {
    const text = `${readFileSync(cmapssPath('train_FD001.txt'), 'utf8').split('\n').slice(0, 3).join('\n')}\n1 4 0.1 0.2 100\n`;
    expect(() => ingestFiles([{ name: 'cut.txt', bytes: new TextEncoder().encode(text) }])).toThrow(
      /cut.txt, line 4: expected 26 values in a C-MAPSS row, found 5/,
    );
  });

  test('chunks of any size give the same columns; an overlong line is refused by number, in linear time', () => {
    const all = bytes('train_FD001.txt');
    const text = all.subarray(0, all.lastIndexOf(10, 20_000) + 1);
    const one = new CmapssParser('x.txt');
    one.pushBytes(text);
    const whole = one.finish();
    for (const size of [1, 2, 7, 130, 4096]) {
      const p = new CmapssParser('x.txt');
      for (let at = 0; at < text.length; at += size) p.pushBytes(text.subarray(at, at + size));
      expect(p.finish()).toEqual(whole);
    }
    const long = new CmapssParser('long.txt');
    const piece = new TextEncoder().encode('1 ');
    expect(() => {
      for (let i = 0; i < 2 ** 20; i++) long.pushBytes(piece);
    }).toThrow(/long.txt, line 1: longer than 1 MiB/);
  });

  test('told the file size, the reader sizes its columns once: same values, no doubled buffers, no trimming copy', () => {
    const raw = bytes('train_FD001.txt');
    const sized = new CmapssParser('train_FD001.txt', undefined, raw.length);
    const plain = new CmapssParser('train_FD001.txt');
    for (let at = 0; at < raw.length; at += 65536) {
      sized.pushBytes(raw.subarray(at, at + 65536));
      plain.pushBytes(raw.subarray(at, at + 65536));
    }
    const a = sized.finish();
    const b = plain.finish();
    expect(a.rows).toBe(20631);
    a.columns.forEach((c, i) => {
      expect(Array.from(c.values)).toEqual(Array.from(b.columns[i].values));
      // Within 1/16 of the rows (1,024-value rounding and a 3% margin), kept as a view of the one buffer.
      expect(c.values.buffer.byteLength).toBeLessThanOrEqual(20631 * 8 * (1 + 1 / 16));
      expect(c.values.buffer.byteLength).toBeGreaterThan(20631 * 8);
    });
  });

  test('told which columns to read, it parses only those (plus the unit) with the same values, and still checks every row has 26', () => {
    const text = bytes('train_FD001.txt');
    const all = new CmapssParser('train_FD001.txt');
    all.pushBytes(text);
    const whole = all.finish();
    const wanted = new Set(['time_in_cycles', 'sensor_2', 'sensor_21']);
    const some = new CmapssParser('train_FD001.txt', undefined, 0, (n) => wanted.has(n));
    some.pushBytes(text);
    const part = some.finish();
    expect(part.rows).toBe(whole.rows);
    expect(part.columns.map((c) => c.name)).toEqual(['unit_number', 'time_in_cycles', 'sensor_2', 'sensor_21']);
    for (const c of part.columns) expect(c.values).toEqual(column(whole, c.name)!.values);
    const short = new CmapssParser('short.txt', undefined, 0, (n) => wanted.has(n));
    expect(() => short.pushBytes(new TextEncoder().encode('1 1 0 0 100 ' + '1 '.repeat(20) + '\n'))).toThrow(
      /short.txt, line 1: expected 26 values in a C-MAPSS row, found 25/,
    );
  });

  test('a RUL file with fewer units than the data is refused', () => {
    expect(() =>
      ingestFiles([
        { name: 'test_FD001.txt', bytes: bytes('test_FD001.txt') },
        { name: 'RUL_FD001.txt', bytes: new TextEncoder().encode('10\n20\n') },
      ]),
    ).toThrow(/has 2 values but the data has unit 3/);
  });
});

describe('pairing inside an archive', () => {
  test('a RUL file in the same zip never pairs with the run-to-failure training file', () => {
    const zip = zipSync({ 'train_FD001.txt': bytes('train_FD001.txt'), 'RUL_FD001.txt': bytes('RUL_FD001.txt') });
    const ds = ingestFiles([{ name: 'x.zip', bytes: zip }]);
    expect(column(ds, 'rul')!.values[191]).toBe(0); // run-to-failure, not shifted by the test RUL
  });
});
