import { gzipSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import { csvDataset } from './helpers.js';
import { column, DataError, type Dataset } from '../src/data/dataset.js';
import { CsvParser } from '../src/data/csv.js';
import { ingestFiles } from '../src/data/ingest.js';
import { profileDataset } from '../src/data/profile.js';
import { TextIngest } from '../src/data/text-ingest.js';

/** The text fed to a parser in pieces of `size` characters, as a stream delivers it. */
function readInChunks(text: string, size: number, name = 'data.csv'): Dataset {
  const p = new CsvParser(name);
  for (let at = 0; at < text.length; at += size) p.push(text.slice(at, at + size));
  return p.finish();
}

/** The text read in two pieces, cut at every place in turn. */
function* atEveryCut(name: string, text: string): Generator<Dataset> {
  for (let cut = 1; cut < text.length; cut++) {
    const p = new CsvParser(name);
    p.push(text.slice(0, cut));
    p.push(text.slice(cut));
    yield p.finish();
  }
}

describe('CSV reader', () => {
  test('semicolon and tab delimiters with a header', () => {
    for (const d of [';', '\t', ',', '|']) {
      const ds = csvDataset(
        ['machine_id', 'temp', 'vib'].join(d) + '\n' + ['1', '20.5', '0.1'].join(d) + '\n' + ['2', '21.5', '0.2'].join(d) + '\n',
      );
      expect(ds.columns.map((c) => c.name)).toEqual(['machine_id', 'temp', 'vib']);
      expect(column(ds, 'temp')!.values).toEqual(Float64Array.from([20.5, 21.5]));
      expect(column(ds, 'machine_id')!.role).toBe('unit');
    }
  });

  test("decimal commas in a ';' file read as numbers, whatever the chunks", () => {
    const text = 'unit;time;temp;vib\n1;1;20,5;-0,25\n1;2;21;0,5\n2;1;1e3;,5\n';
    const whole = csvDataset(text);
    expect(Array.from(column(whole, 'temp')!.values)).toEqual([20.5, 21, 1000]);
    expect(Array.from(column(whole, 'vib')!.values)).toEqual([-0.25, 0.5, 0.5]);
    expect(whole.columns.every((c) => c.nonNumeric === 0)).toBe(true);
    expect(whole.notes.join(' ')).toMatch(/decimal commas read as decimal points/);
    for (const size of [1, 3, 7]) {
      expect(readInChunks(text, size, 'data.csv')).toEqual(whole);
    }
    // Without a header too: the first record is numbers, not names.
    expect(csvDataset('1;20,5\n2;21,5\n').columns.map((c) => c.name)).toEqual(['column_1', 'column_2']);
  });

  test("decimal commas are decided per column; beside decimal points in one column, and in ',' files, they stay text", () => {
    // One column with commas, another with points (two exports pasted together): each read as written.
    const columns = csvDataset('a;b\n1,5;2.5\n2,25;3.5\n');
    expect(Array.from(column(columns, 'a')!.values)).toEqual([1.5, 2.25]);
    expect(Array.from(column(columns, 'b')!.values)).toEqual([2.5, 3.5]);
    expect(columns.notes[0]).toBe('decimal commas read as decimal points ("1,5" = 1.5) in a: fields are separated by ";"');
    // Both ways in one column: the comma cells are missing, and the note says why.
    const mixed = csvDataset('a;b\n1.5;1\n2.5;2\n3,5;3\n');
    expect(column(mixed, 'a')!.nonNumeric).toBe(1);
    expect(mixed.notes).toContain(
      'a: 1 cell(s) written with a decimal comma (first at data row 3: "3,5") are treated as missing, because other numbers in the column use a decimal point: write every number one way',
    );
    // A column of whole numbers in the first rows follows the file's commas when decimals appear later.
    const late = csvDataset(['t;flow;temp', ...Array.from({ length: 60 }, (_, k) => `${k};0;20,5`), '60;1,5;20,5'].join('\n'));
    expect(column(late, 'flow')!.values[60]).toBe(1.5);
    expect(late.notes[0]).toBe('decimal commas read as decimal points ("1,5" = 1.5) in flow, temp: fields are separated by ";"');
    // Beside decimal points elsewhere, "1,500" may be thousands: not read as 1.5.
    const thousands = csvDataset('a;b\n1,500;2.5\n2,000;3.5\n');
    expect(column(thousands, 'a')!.nonNumeric).toBe(2);
    expect(thousands.notes).toContain(
      'a: 2 cell(s) written with a decimal comma (first at data row 1: "1,500") are treated as missing, because other columns use decimal points, so a comma may separate thousands: write every number one way',
    );
    expect(column(csvDataset('a,b\n"1,5",2\n"2,5",3\n'), 'a')!.nonNumeric).toBe(2);
  });

  test("in a ';' file of decimal commas, points between groups of three digits separate thousands", () => {
    const lines = ['timestamp;Temp;Speed rpm;Flow'];
    for (let i = 0; i < 60; i++)
      lines.push(
        `2024-03-01T00:${String(i).padStart(2, '0')}:00Z;${18 + (i % 10)},5;${i % 2 ? '966' : '1.012'};${i % 3 ? '1.202,5' : '998,25'}`,
      );
    const ds = csvDataset(lines.join('\n'));
    expect(Array.from(column(ds, 'Speed rpm')!.values.slice(0, 2))).toEqual([1012, 966]);
    expect(Array.from(column(ds, 'Flow')!.values.slice(0, 2))).toEqual([998.25, 1202.5]);
    expect(column(ds, 'Temp')!.values[0]).toBe(18.5);
    expect(ds.notes).toContain(
      'points read as thousands separators ("1.012" = 1012) in Speed rpm, Flow: the file writes decimals with commas',
    );
    // In a file of decimal points, 1.012 is one and twelve thousandths.
    expect(column(csvDataset('a;b\n1.012;2.5\n966;3.5\n'), 'a')!.values[0]).toBe(1.012);
    // 1.012,5 can only be one thousand and twelve and a half, in any column and at any row.
    expect(Array.from(column(csvDataset('time;p\n1;1.012,5\n2;1.013,0\n'), 'p')!.values)).toEqual([1012.5, 1013]);
    const crossing = ['time;p', ...Array.from({ length: 60 }, (_, i) => `${i};996,5`), '60;1.001,2'];
    expect(column(csvDataset(crossing.join('\n')), 'p')!.values[60]).toBe(1001.2);
    // An rpm of whole numbers passing 999 after the first rows, in a file of decimal commas.
    const rpm = csvDataset(['a;b', ...Array.from({ length: 50 }, (_, i) => `1,5;${900 + i}`), '1,5;1.012'].join('\n'));
    expect(column(rpm, 'b')!.values[50]).toBe(1012);
    expect(rpm.notes).toContain('points read as thousands separators ("1.012" = 1012) in b: the file writes decimals with commas');
    // Grouped points beside decimal commas in one column; a leading 0 groups nothing.
    const mixed = csvDataset('time;p;valve_pos\n1;1.012;0.125\n2;999,5;0.250\n');
    expect(Array.from(column(mixed, 'p')!.values)).toEqual([1012, 999.5]);
    expect(Array.from(column(mixed, 'valve_pos')!.values)).toEqual([0.125, 0.25]);
  });

  test('title lines before the header (at most half its fields) are set aside and said, in any chunks', () => {
    const text =
      'Exported from SCADA 2024-01-01\r\nSite: Plant 3; Line B\r\n\r\ntimestamp;temp;pressure;flow\r\n' +
      Array.from({ length: 30 }, (_, i) => `2024-01-01T00:${String(i).padStart(2, '0')}:00Z;${20 + (i % 4)};${1 + (i % 3)};${i % 5}`).join(
        '\r\n',
      );
    for (const size of [7, 64, text.length]) {
      const ds = readInChunks(text, size, 'scada.csv');
      expect(ds.columns.map((c) => [c.name, c.role])).toEqual([
        ['timestamp', 'time'],
        ['temp', 'feature'],
        ['pressure', 'feature'],
        ['flow', 'feature'],
      ]);
      expect(ds.rows).toBe(30);
      expect(ds.notes).toContain(
        '2 line(s) before the header were not read as data: "Exported from SCADA 2024-01-01", "Site: Plant 3; Line B"',
      );
    }
    // A quoted title is a title.
    const quoted = csvDataset('"Report: Line 3"\ntime,temp,vib\n1,20,0.1\n2,21,0.2\n3,22,0.3\n');
    expect(quoted.columns.map((c) => c.name)).toEqual(['time', 'temp', 'vib']);
    // Rows of numbers under one name are no header for a title to stand before: refused as ragged, not read as two columns.
    expect(() => csvDataset('temp\n1,5\n2,25\n3,5\n4,5\n')).toThrow(/record 1: expected 1 fields like the header, found 2/);
    // A one-column file stays one column; a header one field short of its rows is still the header.
    expect(csvDataset('value\n1\n2\n3\n').columns.map((c) => c.name)).toEqual(['value']);
    expect(() => csvDataset('a;b;c\n1;2;3;\n4;5;6;\n7;8;9;\n')).toThrow(/record 1: expected 3 fields like the header, found 4/);
  });

  test('a file without a header gets column_N names', () => {
    const ds = csvDataset('1.5,2\n3,4\n');
    expect(ds.columns.map((c) => c.name)).toEqual(['column_1', 'column_2']);
    expect(ds.rows).toBe(2);
  });

  test('timestamps become epoch ms (UTC when no zone), 0/1 label columns are labels', () => {
    const ds = csvDataset('timestamp,pressure,anomaly\n2024-01-01 00:00:00,1.5,0\n2024-01-01T00:01:00Z,1.7,1\n');
    const ts = column(ds, 'timestamp')!;
    expect(ts.role).toBe('time');
    expect(ts.timestamp).toBe(true);
    expect(Array.from(ts.values)).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 0, 1)]);
    expect(column(ds, 'anomaly')!.role).toBe('label');
    expect(column(ds, 'pressure')!.role).toBe('feature');
  });

  test('roles by name, checked against the values: a row-number id is no unit, T is a temperature, dates beat a step count', () => {
    const rows = ['id,Step,Timestamp,T,equipment,P'];
    for (let i = 0; i < 30; i++)
      rows.push(
        `${i + 1},${(i % 5) + 1},2024-03-01T00:${String(i).padStart(2, '0')}:00Z,${(20 + Math.sin(i)).toFixed(2)},pump-${i % 2},${i % 7}`,
      );
    const ds = csvDataset(rows.join('\n'));
    expect(ds.columns.map((c) => [c.name, c.role])).toEqual([
      ['id', 'feature'],
      ['Step', 'feature'],
      ['Timestamp', 'time'],
      ['T', 'feature'],
      ['equipment', 'unit'],
      ['P', 'feature'],
    ]);
    // Ids that all differ are no default feature, numbers shuffled or text.
    const snapshot = ['machine_id,id,temp', ...Array.from({ length: 60 }, (_, i) => `${(i * 37) % 61},r${i},${20 + (i % 5)}`)].join('\n');
    const snap = csvDataset(snapshot);
    expect(snap.columns.map((c) => c.role)).toEqual(['feature', 'feature', 'feature']);
    expect(profileDataset(snap).defaultFeatures).toEqual(['temp']);
    // A unit column with repeats is a unit.
    expect(column(csvDataset(['id,x', ...Array.from({ length: 30 }, (_, i) => `${(i % 3) + 1},${i}`)].join('\n')), 'id')!.role).toBe(
      'unit',
    );
  });

  test('header names given twice get names no other column has, and a note says so', () => {
    const ds = csvDataset('timestamp,temp,temp,temp_2,temp\n1,2,3,4,5\n2,3,4,5,6\n');
    expect(ds.columns.map((c) => c.name)).toEqual(['timestamp', 'temp', 'temp_3', 'temp_2', 'temp_4']);
    expect(ds.notes).toContain('header names given more than once are told apart: "temp" again as temp_3, "temp" again as temp_4');
  });

  test('day-first dotted dates (the Jena climate record) and slashed ISO dates are timestamps; an impossible day is not', () => {
    const jena = csvDataset('"Date Time","p (mbar)","T (degC)"\n01.01.2009 00:10:00,996.52,-8.02\n1.1.2009 00:20:00,996.57,-8.41\n');
    expect(column(jena, 'Date Time')).toMatchObject({ role: 'time', timestamp: true });
    expect(Array.from(column(jena, 'Date Time')!.values)).toEqual([Date.UTC(2009, 0, 1, 0, 10), Date.UTC(2009, 0, 1, 0, 20)]);
    expect(column(jena, 'T (degC)')!.role).toBe('feature');
    const lines = [
      'time,x',
      ...Array.from({ length: 59 }, (_, i) => `2024/03/01 ${String(i % 24).padStart(2, '0')}:05,${i}`),
      '2024/02/30 00:10,3',
    ];
    const slashed = csvDataset(lines.join('\n'));
    const times = column(slashed, 'time')!.values;
    expect([times[0], times[1], times[59]]).toEqual([Date.UTC(2024, 2, 1, 0, 5), Date.UTC(2024, 2, 1, 1, 5), NaN]);
    expect(column(slashed, 'time')!.nonNumeric).toBe(1);
  });

  test('slashed dates are read day or month first as the column shows it, and the note says how it was decided', () => {
    const day = (d: number, m: number, h = 0) => `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/2024 ${h}:00`;
    // A first number above 12: day first.
    const dmy = csvDataset(['Date,x', day(5, 3), day(13, 3), day(20, 3)].map((l, i) => (i ? `${l},${i}` : l)).join('\n'));
    expect(column(dmy, 'Date')).toMatchObject({ role: 'time', timestamp: true, nonNumeric: 0 });
    expect(Array.from(column(dmy, 'Date')!.values)).toEqual([Date.UTC(2024, 2, 5), Date.UTC(2024, 2, 13), Date.UTC(2024, 2, 20)]);
    expect(dmy.notes).toContain('Date: dates read day first (01/03/2024 is 1 March): a first number above 12 is a day');
    // US exports: month first with AM/PM; 12 AM is midnight, 12 PM noon.
    const us = csvDataset('Date,x\n3/1/2024 12:05:00 AM,1\n3/1/2024 12:05:00 PM,2\n3/1/2024 1:05:00 PM,3\n3/2/2024 9:00 AM,4\n');
    expect(Array.from(column(us, 'Date')!.values)).toEqual([
      Date.UTC(2024, 2, 1, 0, 5),
      Date.UTC(2024, 2, 1, 12, 5),
      Date.UTC(2024, 2, 1, 13, 5),
      Date.UTC(2024, 2, 2, 9),
    ]);
    // Assumed from AM/PM at first; 3/2 after 3/1 then tells (a day later, not a month).
    expect(us.notes.join(' ')).toMatch(
      /month first .*: the first rows' dates read either way; "3\/2\/2024 9:00 AM" follows the date before it closely only month first/,
    );
    expect(csvDataset('Date,x\n3/1/2024 1:05 PM,1\n3/1/2024 2:05 PM,2\n').notes.join(' ')).toMatch(
      /month first .*: assumed from the AM\/PM times/,
    );
    // Time order decides when both readings are dates: 1/12 then 2/1 runs forward only month first.
    const ordered = csvDataset('when,x\n1/12/2024 08:00,1\n2/1/2024 08:00,2\n');
    expect(Array.from(column(ordered, 'when')!.values)).toEqual([Date.UTC(2024, 0, 12, 8), Date.UTC(2024, 1, 1, 8)]);
    expect(ordered.notes.join(' ')).toMatch(/month first .*: only so do the first rows run forward in time/);
    // Nothing to tell: day first, said as an assumption.
    const same = csvDataset('Date,x\n01/03/2024 10:00,1\n01/03/2024 11:00,2\n');
    expect(column(same, 'Date')!.values[0]).toBe(Date.UTC(2024, 2, 1, 10));
    expect(same.notes.join(' ')).toMatch(/day first .*assumed: nothing in the first rows tells day from month/);
    // Forward both ways: the reading that steps by days, not months, is the file's.
    const daily = csvDataset('Date,x\n01/02/2024,1\n01/03/2024,2\n01/04/2024,3\n');
    expect(Array.from(column(daily, 'Date')!.values)).toEqual([Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3), Date.UTC(2024, 0, 4)]);
    expect(daily.notes.join(' ')).toMatch(
      /month first .*: the first rows' dates read either way; "01\/03\/2024" follows the date before it closely only month first/,
    );
    // First rows that read alike either way (all on 3/3): the first date that does not settles the order, for every later row.
    const clock = (k: number) => `${String(Math.floor(k / 3)).padStart(2, '0')}:${String((k % 3) * 20).padStart(2, '0')}`;
    const usDates = [...Array.from({ length: 72 }, (_, k) => `03/03/2024 ${clock(k)}`), '03/04/2024 00:00', '03/13/2024 00:00'];
    const settled = csvDataset(['Date,x', ...usDates.map((d, k) => `${d},${k}`)].join('\n'));
    const read = column(settled, 'Date')!;
    expect(read.nonNumeric).toBe(0);
    expect([read.values[71], read.values[72], read.values[73]]).toEqual([
      Date.UTC(2024, 2, 3, 23, 40),
      Date.UTC(2024, 2, 4),
      Date.UTC(2024, 2, 13),
    ]);
    expect(settled.notes.join(' ')).toMatch(
      /Date: dates read month first .*: the first rows' dates read either way; "03\/04\/2024 00:00" follows the date before it closely only month first/,
    );
    // First rows all on 03/04, a day the orders read apart (4 March or 3 April): read by the assumption until
    // 03/05 follows 03/04 23:40 by 20 minutes month first (a month day first), then every date before it read again.
    const apart = usDates.map((d, k) => (k === 72 ? '03/05/2024 00:00' : d.replace(/^03\/03/, '03/04')));
    const reread = column(csvDataset(['Date,x', ...apart.map((d, k) => `${d},${k}`)].join('\n')), 'Date')!;
    expect([reread.values[0], reread.values[71], reread.values[72], reread.values[73], reread.nonNumeric]).toEqual([
      Date.UTC(2024, 2, 4),
      Date.UTC(2024, 2, 4, 23, 40),
      Date.UTC(2024, 2, 5),
      Date.UTC(2024, 2, 13),
      0,
    ]);
    // A date repeated (a clock column beside it, units logged at one time) steps by nothing either way: it tells nothing.
    const joined = csvDataset(
      ['Date,Time,temp', ...Array.from({ length: 60 }, (_, k) => `05/03/2024,10:${String(k).padStart(2, '0')},${k}`)].join('\n'),
    );
    expect(column(joined, 'Date')!.values[0]).toBe(Date.UTC(2024, 2, 5, 10));
    expect(joined.notes.join(' ')).toMatch(/day first .*assumed: nothing in the first rows tells day from month/);
    // Streamed, the date that tells comes after a piece was handed on: the order stays, and the note says what contradicted it.
    const stream = new CsvParser('stream.csv');
    stream.push(['Date,x', ...apart.slice(0, 60).map((d, k) => `${d},${k}`)].join('\n') + '\n');
    expect(column(stream.drain(false)!, 'Date')!.values[0]).toBe(Date.UTC(2024, 3, 3));
    stream.push(
      apart
        .slice(60)
        .map((d, k) => `${d},${k}`)
        .join('\n') + '\n',
    );
    expect(stream.drain(true)!.notes.join(' ')).toMatch(
      /Date: dates read day first .*: assumed: .*; but later "03\/05\/2024 00:00" follows the date before it closely only month first, after rows already read: the order may be wrong/,
    );
    // Day first the same way, and in any chunks.
    const eu = usDates.map((d) => d.replace(/^03\/04/, '04/03').replace(/^03\/13/, '13/03'));
    const text = ['Date,x', ...eu.map((d, k) => `${d},${k}`)].join('\n');
    for (const size of [7, 100, text.length]) {
      const dayFirst = column(readInChunks(text, size), 'Date')!;
      expect([dayFirst.values[72], dayFirst.values[73], dayFirst.nonNumeric]).toEqual([Date.UTC(2024, 2, 4), Date.UTC(2024, 2, 13), 0]);
    }
    // Both above 12 in one column is no date column; a later cell against the order is not read.
    expect(column(csvDataset('d,x\n13/01/2024,1\n01/13/2024,2\n'), 'd')!.timestamp).toBeUndefined();
    const later = csvDataset(
      ['d,x', ...Array.from({ length: 60 }, (_, i) => `${String((i % 28) + 1).padStart(2, '0')}/02/2024,${i}`), '02/14/2024,9'].join('\n'),
    );
    expect(column(later, 'd')!.nonNumeric).toBe(1);
  });

  test('ISO and slashed dates in one column (exports appended) are all read, the slashed ones in the order their steps tell', () => {
    const hours = Array.from({ length: 120 }, (_, k) => new Date(Date.UTC(2024, 2, 1, k)));
    const pad = (n: number) => String(n).padStart(2, '0');
    const iso = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:00`;
    const dmy = (d: Date) => `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:00`;
    const mdy = (d: Date) => `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:00`;
    const file = (write: (d: Date, k: number) => string) => ['time,x', ...hours.map((d, k) => `${write(d, k)},${k}`)].join('\n');
    const cases: [string, (d: Date, k: number) => string][] = [
      // Alternating every 20 rows: the first rows hold both.
      ['alternating, day first', (d, k) => (Math.floor(k / 20) % 2 ? dmy(d) : iso(d))],
      // ISO for the first 80 rows, then slashed: the first slashed date's step from the ISO one before it tells.
      ['late, day first', (d, k) => (k >= 80 ? dmy(d) : iso(d))],
      ['late, month first', (d, k) => (k >= 80 ? mdy(d) : iso(d))],
    ];
    for (const [what, write] of cases) {
      const text = file(write);
      for (const size of [13, text.length]) {
        const time = column(readInChunks(text, size), 'time')!;
        expect([what, time.nonNumeric, time.missing]).toEqual([what, 0, 0]);
        expect([what, Array.from(time.values)]).toEqual([what, hours.map((d) => d.getTime())]);
      }
    }
    expect(csvDataset(file(cases[2][1])).notes.join('\n')).toMatch(
      /time: dates read month first .*the dates written with slashes begin after the first rows; "03\/05\/2024 00:00" follows the date before it closely only month first/,
    );
  });

  test('short dates as spreadsheets write them: two-digit years in the POSIX window, a.m./p.m. with points', () => {
    const us = csvDataset('Date,x\n3/1/24 1:05 p.m.,1\n3/1/24 11:30 a.m.,2\n3/2/99 12:00 AM,3\n');
    expect(Array.from(column(us, 'Date')!.values)).toEqual([
      Date.UTC(2024, 2, 1, 13, 5),
      Date.UTC(2024, 2, 1, 11, 30),
      Date.UTC(1999, 2, 2, 0),
    ]);
    expect(us.notes.join(' ')).toMatch(/month first .*: assumed from the AM\/PM times/);
    expect(us.notes).toContain('Date: two-digit years are read as 1969–2068 (24 is 2024, 70 is 1970), as most tools read them');
    const dotted = csvDataset('Zeit;T\n31.12.68 23:00;1\n01.01.69 00:00;2\n');
    expect(Array.from(column(dotted, 'Zeit')!.values)).toEqual([Date.UTC(2068, 11, 31, 23), Date.UTC(1969, 0, 1)]);
    // Four-digit years need no such note; three digits are no year.
    expect(csvDataset('d,x\n01/03/2024,1\n').notes.join(' ')).not.toMatch(/two-digit/);
    expect(column(csvDataset('d,x\n01/03/202,1\n01/04/202,2\n'), 'd')!.timestamp).toBeUndefined();
    // A version column is no date: a two-digit year needs two-digit day and month, or a time after it.
    const versions = csvDataset('fw,x\n1.1.10,1\n1.2.11,2\n1.3.12,3\n');
    expect(column(versions, 'fw')!.timestamp).toBeUndefined();
    expect(versions.columns.some((c) => c.role === 'time')).toBe(false);
  });

  test('dates as loggers write them: a bad cell costs one cell, fractions stay in their second, zones, sep=, one order per file', () => {
    const bad = csvDataset('time,temp\n2024-03-01 00:00,1\n2024-03-01 01:00,2\nERR,3\n2024-03-01 03:00,4\n');
    expect(column(bad, 'time')).toMatchObject({ role: 'time', timestamp: true, nonNumeric: 1 });
    expect(bad.notes).toContain('time: 1 cell(s) that are not dates (first at data row 3: "ERR") are treated as missing');
    const joined = csvDataset('Date,Time,temp\n2024-03-01,12:00,1\n2024-03-01,25:00,3\n2024-03-01,13:00,3\n');
    expect(Array.from(column(joined, 'Date')!.values)).toEqual([Date.UTC(2024, 2, 1, 12), NaN, Date.UTC(2024, 2, 1, 13)]);
    // Zones by their abbreviation or as an offset from UTC; one that names several places (IST) is no time read.
    const named = csvDataset(
      't,x\n2024-03-01 00:00 EST,1\n2024-03-01 00:00 CEST,2\n2024-03-01 00:00 UTC+1,3\n2024-03-01 00:00 GMT-05:30,4\n2024-03-01 00:00 IST,5\n',
    );
    expect(Array.from(column(named, 't')!.values)).toEqual([
      Date.UTC(2024, 2, 1, 5),
      Date.UTC(2024, 1, 29, 22),
      Date.UTC(2024, 1, 29, 23),
      Date.UTC(2024, 2, 1, 5, 30),
      NaN,
    ]);
    expect(named.notes).toContain('t: 1 cell(s) that are not dates (first at data row 5: "2024-03-01 00:00 IST") are treated as missing');
    const fine = csvDataset('t;x\n2024-03-01 23:59:59.9999;1\n2024-03-01 12:00:00,5;2\n2024/3/1 12:00 +02:00;3\n2024-03-01 12:00 UTC;4\n');
    expect(Array.from(column(fine, 't')!.values)).toEqual([
      Date.UTC(2024, 2, 1, 23, 59, 59, 999),
      Date.UTC(2024, 2, 1, 12, 0, 0, 500),
      Date.UTC(2024, 2, 1, 10),
      Date.UTC(2024, 2, 1, 12),
    ]);
    expect(csvDataset('sep=;\ntime;temp;p\n2024-03-01 00:00;1;2\n2024-03-01 01:00;2;3\n').columns.map((c) => c.name)).toEqual([
      'time',
      'temp',
      'p',
    ]);
    // AM/PM in the clock column, and a later column's day above 12, decide for every slashed column of the file.
    const us = csvDataset('Date,Time,temp\n01/03/2024,1:00 PM,1\n01/03/2024,2:00 PM,2\n');
    expect(column(us, 'Date')!.values[0]).toBe(Date.UTC(2024, 0, 3, 13));
    const span = csvDataset('Start,End,temp\n01/03/2024,01/13/2024,1\n01/04/2024,01/14/2024,2\n');
    expect([column(span, 'Start')!.values[0], column(span, 'End')!.values[0]]).toEqual([Date.UTC(2024, 0, 3), Date.UTC(2024, 0, 13)]);
    expect(span.notes).toContain('Start, End: dates read month first (01/03/2024 is 3 January): a second number above 12 is a day');
    const both = csvDataset('Timestamp,Time,x\n2024-03-01 10:00,12:00,1\n2024-03-01 11:00,13:00,2\n');
    expect(both.notes).toContain('Time: clock times read as seconds since midnight (no one column of dates alone to join them to)');
    // First rows on one day (01/02) that tell nothing: the assumed order waits for a date that tells, and the dates before it are read again.
    const hourly = ['when,x', ...Array.from({ length: 60 }, (_, i) => `01/02/2024 ${i % 24}:00,${i}`), '01/13/2024 00:00,1'];
    const told = csvDataset(hourly.join('\n'));
    expect([column(told, 'when')!.values[0], column(told, 'when')!.values[60], column(told, 'when')!.nonNumeric]).toEqual([
      Date.UTC(2024, 0, 2),
      Date.UTC(2024, 0, 13),
      0,
    ]);
    expect(told.notes).toContain(
      'when: dates read month first (01/03/2024 is 3 January): the first rows\' dates read either way; "01/13/2024 00:00" is a date only month first',
    );
    // Read in pieces handed on before the date that tells (a streamed file): the pieces gone keep the assumed order, and the rest is said.
    const streamed = new CsvParser('hourly.csv');
    streamed.push(hourly.slice(0, 58).join('\n') + '\n');
    const first = streamed.drain(false)!;
    streamed.push(hourly.slice(58).join('\n') + '\n');
    const last = streamed.drain(true)!;
    expect(column(first, 'when')!.values[0]).toBe(Date.UTC(2024, 1, 1));
    expect(last.notes).toContain(
      'when: 1 date(s) such as "01/13/2024 00:00" are dates only month first, so they were left out: the order taken from the first rows may be wrong; ISO dates (2024-03-01) leave no doubt',
    );
  });

  test('a date column and a clock column are one timestamp; a lone clock counts seconds since midnight', () => {
    const text = 'Date;Time;Temp\n2024-03-01;23:59:30;20,5\n2024-03-02;00:00:15;21\n2024-03-02;;22\n2024-03-02;7:05;23\n';
    const ds = csvDataset(text);
    expect(ds.columns.map((c) => [c.name, c.role])).toEqual([
      ['Date', 'time'],
      ['Temp', 'feature'],
    ]);
    const t = column(ds, 'Date')!;
    expect(Array.from(t.values)).toEqual([
      Date.UTC(2024, 2, 1, 23, 59, 30),
      Date.UTC(2024, 2, 2, 0, 0, 15),
      NaN,
      Date.UTC(2024, 2, 2, 7, 5),
    ]);
    expect(t.missing).toBe(1);
    expect(ds.notes).toContain('Date and Time are read together as one timestamp, in Date');
    expect(ds.notes).toContain(
      'Date: times without a zone are taken as UTC, so charts and the scores CSV show them as written, marked UTC',
    );
    // Times that say their zone, and days alone, need no such note.
    expect(csvDataset('t,x\n2024-03-01T10:00:00Z,1\n2024-03-01 11:00 +02:00,2\n').notes.join(' ')).not.toMatch(/taken as UTC/);
    expect(csvDataset('day,x\n2024-03-01,1\n2024-03-02,2\n').notes.join(' ')).not.toMatch(/taken as UTC/);
    for (const size of [1, 5, 17]) {
      expect(readInChunks(text, size, 'data.csv')).toEqual(ds);
    }
    const lone = csvDataset('Time,x\n08:00,1\n08:00:30,2\n1:00 PM,3\n');
    expect(column(lone, 'Time')).toMatchObject({ role: 'time', nonNumeric: 0 });
    expect(Array.from(column(lone, 'Time')!.values)).toEqual([8 * 3600, 8 * 3600 + 30, 13 * 3600]);
    expect(lone.notes).toContain('Time: clock times read as seconds since midnight (no date column to join them to)');
  });

  test('a units line under the header and rows of blank fields are not readings, and notes say so', () => {
    const rows = ['timestamp;temp;pressure', 's;degC;bar', ';;'];
    for (let i = 0; i < 30; i++) rows.push(`2024-01-01T00:${String(i).padStart(2, '0')}:00Z;${20 + (i % 3)};${i % 2 ? '' : '1,5'}`);
    rows.splice(20, 0, ';;', ' ; ;');
    const text = rows.join('\r\n') + '\r\n;;\r\n';
    const ds = csvDataset(text);
    expect(ds.rows).toBe(30);
    expect(column(ds, 'timestamp')).toMatchObject({ role: 'time', timestamp: true, nonNumeric: 0, missing: 0 });
    expect(column(ds, 'pressure')).toMatchObject({ missing: 15, nonNumeric: 0 });
    expect(ds.notes).toContain(
      '1 line(s) under the header were not read as data (units or descriptions, where the rows below hold numbers): "s;degC;bar"',
    );
    expect(ds.notes).toContain('4 row(s) with every field blank were skipped: they hold no reading');
    // The units label the columns (charts, tables); a description is no unit.
    expect([column(ds, 'temp')!.measure, column(ds, 'pressure')!.measure]).toEqual(['degC', 'bar']);
    const described = csvDataset(
      ['t,temp,flow', 'time,Bearing temperature,1/min', ...Array.from({ length: 30 }, (_, i) => `${i},${20 + (i % 3)},${1400 + i}`)].join(
        '\n',
      ),
    );
    expect([column(described, 'temp')!.measure, column(described, 'flow')!.measure]).toEqual([undefined, '1/min']);
    for (const size of [1, 9, 40]) {
      expect(readInChunks(text, size, 'data.csv')).toEqual(ds);
    }
    // On/off words and error codes are readings, not units; a number-like unit in the fewer columns is a unit.
    expect(csvDataset('pump,valve,temp\nON,OFF,NA\n1,0,20.5\n0,1,20.6\n').rows).toBe(3);
    expect(csvDataset('temp,pressure,flow\nERR,ERR,\n20.1,1.0,3\n20.2,1.1,4\n').rows).toBe(3);
    expect(csvDataset('a;b;c\n#N/A;#N/A;\n1;2;3\n4;5;6\n').rows).toBe(3);
    const ratio = csvDataset('time;temp;ratio\ns;degC;1\n2024-03-01 00:00;20,5;0,5\n2024-03-01 01:00;20,6;0,6\n');
    expect(ratio.rows).toBe(2);
    expect(column(ratio, 'time')).toMatchObject({ timestamp: true, nonNumeric: 0 });
    // A first row of a text unit and missing readings is data; so is a blank line of a one-column file.
    const unitFirst = csvDataset('unit,temp,vib\npump-A,,\npump-A,20,0.1\npump-B,21,0.2\n');
    expect(unitFirst.rows).toBe(3);
    expect(csvDataset('value\n1\n \n3\n').rows).toBe(3);
  });

  test('TRUE/FALSE under a state or status name is an operating state (a reading); under an anomaly name, ground truth', () => {
    const state = csvDataset('state,temp\nFALSE,1\nTRUE,2\nON,3\nFALSE,4\n');
    expect(column(state, 'state')).toMatchObject({ role: 'feature', values: Float64Array.from([0, 1, 1, 0]) });
    const fault = csvDataset('fault,temp\nFALSE,1\nTRUE,2\nFALSE,3\n');
    expect(column(fault, 'fault')).toMatchObject({ role: 'label', values: Float64Array.from([0, 1, 0]) });
  });

  test('long readings (time, tag, value: a historian export) are read into one column per tag, whatever order and chunks', () => {
    const tags = ['FIC101.PV', 'TI202.PV', 'PI303.PV'];
    const lines = ['Tag,Timestamp,Value,Quality'];
    // Sorted by tag, then time, as PI exports it; one reading missing, one given twice.
    tags.forEach((tag, k) => {
      for (let i = 0; i < 30; i++) {
        if (k === 1 && i === 7) continue;
        lines.push(`${tag},2024-03-01T00:${String(i).padStart(2, '0')}:00Z,${k * 100 + i},Good`);
      }
    });
    lines.push('PI303.PV,2024-03-01T00:05:00Z,999,Good', ',2024-03-01T00:06:00Z,5,Bad');
    const text = lines.join('\r\n');
    const ds = csvDataset(text);
    expect(ds.columns.map((c) => [c.name, c.role])).toEqual([
      ['Timestamp', 'time'],
      ['FIC101.PV', 'feature'],
      ['TI202.PV', 'feature'],
      ['PI303.PV', 'feature'],
    ]);
    expect(ds.rows).toBe(30);
    expect(column(ds, 'Timestamp')!.values[29]).toBe(Date.UTC(2024, 2, 1, 0, 29));
    // The reading not recorded holds the last one, as a historian's "previous value" does.
    expect(Array.from(column(ds, 'TI202.PV')!.values.slice(6, 9))).toEqual([106, 106, 108]);
    expect(column(ds, 'TI202.PV')!.missing).toBe(0);
    expect(column(ds, 'PI303.PV')!.values[5]).toBe(999);
    expect(ds.notes).toEqual(
      expect.arrayContaining([
        'one reading per row (Timestamp, Tag, Value) read as one column per Tag: 3 column(s) (FIC101.PV, TI202.PV, PI303.PV), 30 rows of 91 readings',
        "1 cell(s) hold their Tag's last reading: the Tags were recorded at different times, and a reading stands until the next",
        '1 reading(s) without a time or Tag were left out',
        '1 reading(s) of a Tag at a time it already had a reading: the later one is kept',
        'left out, as they are not readings: Quality',
      ]),
    );
    for (const size of [1, 13, 256]) {
      expect(readInChunks(text, size, 'data.csv')).toEqual(ds);
    }
    // A streamed read (the CLI's) holds the pieces back and gives the same table at the end.
    const streamed = new CsvParser('data.csv');
    for (let at = 0; at < text.length; at += 200) {
      streamed.push(text.slice(at, at + 200));
      expect(streamed.drain(false)).toBeUndefined();
    }
    expect(streamed.drain(true)).toMatchObject({ rows: 30, columns: ds.columns });
  });

  test('long readings of several units keep a row per unit and time; a wide file with a value column stays wide', () => {
    const lines = ['machine,cycle,sensor,value'];
    for (const m of ['m-2', 'm-1'])
      for (let c = 1; c <= 25; c++) for (const s of ['T24', 'P30']) lines.push(`${m},${c},${s},${c + (s === 'P30' ? 0.5 : 0)}`);
    const ds = csvDataset(lines.join('\n'));
    expect(ds.columns.map((c) => [c.name, c.role])).toEqual([
      ['machine', 'unit'],
      ['cycle', 'time'],
      ['T24', 'feature'],
      ['P30', 'feature'],
    ]);
    expect(ds.rows).toBe(50);
    expect(column(ds, 'machine')!.labels).toEqual(['m-2', 'm-1']);
    // Tags recorded at their own times, per unit: a tag's last reading stands until its next, never across units,
    // and after its last no longer than its longest gap (b's one reading in unit 2 is not held at all).
    const own = csvDataset('unit,time,tag,value\n1,1,a,10\n1,2,b,20\n1,3,a,11\n1,4,b,\n1,5,a,12\n2,1,b,30\n2,2,a,40\n');
    expect(Array.from(column(own, 'a')!.values)).toEqual([10, 10, 11, 11, 12, NaN, 40]);
    expect(Array.from(column(own, 'b')!.values)).toEqual([NaN, 20, 20, NaN, NaN, 30, NaN]);
    const stopped = ['time,tag,value'];
    for (let t = 0; t < 40; t++) stopped.push(`${t},a,${t}`);
    for (let t = 0; t < 20; t += 2) stopped.push(`${t},b,${t}`);
    const b = column(csvDataset(stopped.join('\n')), 'b')!.values;
    expect([b[18], b[19], b[20], b[21], b[39]]).toEqual([18, 18, 18, NaN, NaN]);
    expect(Array.from(column(ds, 'P30')!.values.slice(24, 26))).toEqual([25.5, 1.5]);
    // Another reading beside the value: a wide file; so is a bare "name" (an operator) beside a value.
    const wide = csvDataset('time,name,value,temp\n1,a,2,3\n2,b,3,4\n');
    expect(wide.columns.map((c) => c.name)).toEqual(['time', 'name', 'value', 'temp']);
    expect(csvDataset('time,name,value\n1,Alice,2\n2,Bob,3\n').columns.map((c) => c.name)).toEqual(['time', 'name', 'value']);
  });

  test('long readings as historians and loggers write them: Date + Time, sources, InfluxDB, Kepware, numbered and dead tags', () => {
    const names = (text: string) => csvDataset(text).columns.map((c) => `${c.name}:${c.role}`);
    // A clock joined to its date moves the tag and value columns' places; the quality is left out.
    const dated = csvDataset(
      'Date,Time,Tag,Unit,Value,Quality\n2024-03-01,10:00,T1,C,20,192\n2024-03-01,10:00,P1,bar,5,192\n2024-03-01,10:01,T1,C,21,192\n',
    );
    expect(dated.columns.map((c) => c.name)).toEqual(['Date', 'T1', 'P1']);
    expect(Array.from(column(dated, 'T1')!.values)).toEqual([20, 21]);
    expect(dated.notes).toContain('left out, as they are not readings: Unit, Quality');
    // sensor_id names the tag, not a unit; a site column is the unit.
    expect(names('timestamp,sensor_id,value\n1,S1,2\n1,S2,3\n2,S1,4\n')).toEqual(['timestamp:time', 'S1:feature', 'S2:feature']);
    const sites = csvDataset('site,timestamp,tag,value\nNorth,1,T,1\nSouth,1,T,100\nNorth,2,T,2\n');
    expect(sites.columns.map((c) => `${c.name}:${c.role}`)).toEqual(['site:unit', 'timestamp:time', 'T:feature']);
    expect(Array.from(column(sites, 'T')!.values)).toEqual([1, 2, 100]);
    // InfluxDB's annotated CSV: the annotations are set aside, _time is the time (not _start), host the unit.
    const influx = [
      '#group,false,false,true,true,false,false,true,true,true',
      '#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string',
      '#default,_result,,,,,,,,',
      ',result,table,_start,_stop,_time,_value,_field,_measurement,host',
      ',,0,2024-03-01T00:00:00Z,2024-03-01T01:00:00Z,2024-03-01T00:00:10Z,20.5,temp,cpu,h1',
      ',,0,2024-03-01T00:00:00Z,2024-03-01T01:00:00Z,2024-03-01T00:00:20Z,20.7,temp,cpu,h1',
      ',,1,2024-03-01T00:00:00Z,2024-03-01T01:00:00Z,2024-03-01T00:00:10Z,0.5,load,cpu,h1',
    ];
    const ix = csvDataset(influx.join('\n'));
    expect(ix.columns.map((c) => `${c.name}:${c.role}`)).toEqual(['host:unit', '_time:time', 'temp:feature', 'load:feature']);
    expect(ix.rows).toBe(2);
    // Kepware's log; numbered tags sorted by tag; a first tag whose every value is text; a tag called NA or cycle.
    expect(names('_NAME,_NUMERICID,_VALUE,_TIMESTAMP,_QUALITY\nK.T,1,5,2024-03-01 00:00,192\nK.P,2,6,2024-03-01 00:00,192\n')).toEqual([
      '_TIMESTAMP:time',
      'K.T:feature',
      'K.P:feature',
    ]);
    const numbered = [
      'time,tag,value',
      ...Array.from({ length: 60 }, (_, t) => `${t},101,${t}`),
      ...Array.from({ length: 60 }, (_, t) => `${t},102,${t * 2}`),
    ];
    expect(names(numbered.join('\n'))).toEqual(['time:time', '101:feature', '102:feature']);
    const dead = [
      'time;tag;value',
      ...Array.from({ length: 60 }, (_, t) => `${t};A;I/O Timeout`),
      ...Array.from({ length: 60 }, (_, t) => `${t};B;20,5`),
    ];
    const deadDs = csvDataset(dead.join('\n'));
    expect(column(deadDs, 'B')!.values[0]).toBe(20.5);
    expect(names('time,tag,value\n1,NA,1\n1,cycle,2\n2,NA,3\n')).toEqual(['time:time', 'NA:feature', 'cycle:feature']);
    // A clock column of another name is the time.
    expect(names('Zeit,tag,value\n00:00:10,a,1\n00:00:20,a,2\n')).toEqual(['Zeit:time', 'a:feature']);
  });

  test('long readings whose table would outgrow the values limit are refused by name', () => {
    const lines = ['time,tag,value'];
    for (let t = 0; t < 300; t++) lines.push(`${t},tag${t},${t}`);
    const p = new CsvParser('wide.csv', 10_000);
    p.push(lines.join('\n'));
    expect(() => p.finish()).toThrow(
      /one reading per row read into one column per tag is 300 rows × 300 tags, more than the 10,000 values isoscope holds/,
    );
  });

  test('a column named label that is not 0/1 stays a feature', () => {
    expect(column(csvDataset('label,x\n3,1\n5,2\n'), 'label')!.role).toBe('feature');
  });

  test('a text status column is ground truth when its first rows hold a healthy word; an operating state is not', () => {
    const rows = ['t,temp,machine_status,state'];
    const status = (i: number) => (i === 70 ? 'BROKEN' : i > 70 && i < 75 ? ' Recovering ' : i === 80 ? 'NA' : 'NORMAL');
    for (let i = 0; i < 100; i++) rows.push(`${i},${20 + (i % 7)},${status(i)},${i % 2 ? 'RUNNING' : 'IDLE'}`);
    const text = rows.join('\n');
    const ds = csvDataset(text);
    const label = column(ds, 'machine_status')!;
    expect(label.role).toBe('label');
    expect([label.missing, label.nonNumeric]).toEqual([1, 0]);
    expect(Array.from(label.values.slice(68, 82))).toEqual([0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, NaN, 0]);
    expect(ds.notes).toContain('machine_status: text read as ground truth: "NORMAL" = healthy (0); "BROKEN", "Recovering" = anomalous (1)');
    // RUNNING/IDLE says how the machine runs, not whether it is healthy: text, not a label.
    expect(column(ds, 'state')!).toMatchObject({ role: 'feature', nonNumeric: 100 });
    // Read in pieces, the same.
    const parser = new CsvParser('data.csv');
    for (let at = 0; at < text.length; at += 97) parser.push(text.slice(at, at + 97));
    expect(Array.from(column(parser.finish(), 'machine_status')!.values)).toEqual(Array.from(label.values));
  });

  test('missing, non-numeric and out-of-range cells are counted apart and never become 0', () => {
    const ds = csvDataset('a,b\n1,\n2,NaN\nfoo,3\n1e999,4\n');
    const a = column(ds, 'a')!;
    const b = column(ds, 'b')!;
    expect(b.missing).toBe(2);
    expect(a.nonNumeric).toBe(2); // "foo" and 1e999
    expect(Number.isNaN(a.values[2])).toBe(true);
    expect(Number.isNaN(a.values[3])).toBe(true);
    expect(ds.notes.join('\n')).toMatch(/a: 1 value\(s\) beyond float64 range \(e.g. "1e999"\)/);
    expect(ds.notes.join('\n')).toMatch(/a: 1 non-numeric cell\(s\) \(first at data row 3: "foo"\)/);
  });

  test('a header of tag ids (numbers) beside a word over timestamps is a header; a first row like the rest is data', () => {
    const rows = Array.from({ length: 60 }, (_, i) => `2024-01-01T00:${String(i).padStart(2, '0')}:00Z,${10 + (i % 7)},${(i % 5) - 2}`);
    const tagged = csvDataset(['time,101,102', ...rows].join('\n'));
    expect(tagged.columns.map((c) => c.name)).toEqual(['time', '101', '102']);
    expect(tagged.rows).toBe(60);
    expect(column(tagged, 'time')!.missing).toBe(0);
    expect(tagged.notes).toContain(
      'the first line is read as the header: its numbers (101, 102) name columns, as tag ids do, above readings',
    );
    // Short files too: the decision waits for the rows below the first.
    expect(csvDataset(['time,101,102', ...rows.slice(0, 5)].join('\n')).rows).toBe(5);
    // No header: a text id or an error code in the first row is a reading, as in the rows below.
    const ids = csvDataset(['P-1,1.5,2', 'P-2,1.6,3', 'P-1,1.7,4', 'P-2,1.8,5'].join('\n'));
    expect(ids.rows).toBe(4);
    expect(ids.columns.map((c) => c.name)).toEqual(['column_1', 'column_2', 'column_3']);
    // A first row with a status word and a timestamp, or with readings, is data too.
    const stamped = Array.from({ length: 6 }, (_, i) => `2024-01-01T00:0${i}:00Z,${12 + i / 10},3.${i}`);
    expect(csvDataset(['2024-01-01T00:00:00Z,Shutdown,3.2', ...stamped].join('\n')).rows).toBe(7);
    expect(csvDataset(['Shutdown,3.2', '12.5,3.1', '12.6,3.3'].join('\n')).rows).toBe(3);
    for (const code of ['ERR', 'Infinity', 'NaN']) expect(csvDataset([`${code},2`, '1.5,3', '1.6,4', '1.7,5'].join('\n')).rows).toBe(4);
  });

  test('a quoted cell with a line break is quoted in its note on one line; an error naming a flag value with one is one line too', () => {
    const ds = csvDataset('a,b\n1,2\n"1\n2",3\n4,5\n');
    const note = ds.notes.find((n) => n.startsWith('a: 1 non-numeric'))!;
    expect(note).toContain('(first at data row 2: "1?2")');
    expect(note).not.toMatch(/[\r\n]/);
    expect(new DataError('no label column "an\nomaly" in the data').message).toBe('no label column "an?omaly" in the data');
  });

  test("-999 and -9999, the loggers' code for no reading, are missing and noted; other values stay", () => {
    const ds = csvDataset('a,b\n1,-999\n2,-9999.0\n3,-999.5\n4,999\n');
    const b = column(ds, 'b')!;
    expect(Array.from(b.values)).toEqual([NaN, NaN, -999.5, 999]);
    expect([b.missing, b.nonNumeric]).toEqual([2, 0]);
    expect(ds.notes).toContain('b: 2 cell(s) of -999 or -9999 read as missing (a common code for no reading)');
  });

  test('TRUE/FALSE and ON/OFF are readings, 1 and 0, noted', () => {
    const ds = csvDataset('valve,pump,x\nTRUE,on,1\nfalse,OFF,2\nTrue,Off,3\n');
    expect(Array.from(column(ds, 'valve')!.values)).toEqual([1, 0, 1]);
    expect(Array.from(column(ds, 'pump')!.values)).toEqual([1, 0, 0]);
    expect(column(ds, 'valve')!.nonNumeric).toBe(0);
    expect(ds.notes).toContain('valve: 3 cell(s) of TRUE/FALSE or ON/OFF read as 1/0');
  });

  test('text unit ids are coded, not lost', () => {
    const ds = csvDataset('unit,x\nengine-a,1\nengine-b,2\nengine-a,3\n');
    expect(Array.from(column(ds, 'unit')!.values)).toEqual([1, 2, 1]);
  });

  test('number ids a double would merge ("7" and "007", serials past 2^53) are text as written; merged later in the file, a note says so', () => {
    const rows = (ids: string[]) => ids.flatMap((id, k) => [`${id},${k}.5`, `${id},${k}.25`]).join('\n');
    const padded = csvDataset(`pump_id,x\n${rows(['7', '007', '07'])}\n`);
    const unit = column(padded, 'pump_id')!;
    expect(unit.role).toBe('unit');
    expect(unit.labels).toEqual(['7', '007', '07']);
    expect(Array.from(unit.values)).toEqual([1, 1, 2, 2, 3, 3]);
    const serials = csvDataset(`serial,x\n${rows(['9007199254740993', '9007199254740992', '12345678901234567'])}\n`);
    expect(column(serials, 'serial')!.labels).toEqual(['9007199254740993', '9007199254740992', '12345678901234567']);
    // Ids padded to one width merge nothing: numbers, as before (a row id of a million padded numbers is no text id).
    expect(column(csvDataset(`pump_id,x\n${rows(['0001', '0002', '0010'])}\n`), 'pump_id')!.labels).toBeUndefined();
    // Another id column than the unit's: its ids made one are no units made one, and nothing is said.
    const line = (k: number) => (k < 30 ? String(k % 3) : '02');
    const two = csvDataset(['pump_id,line_id,x', ...Array.from({ length: 60 }, (_, k) => `P${k % 4},${line(k)},${k}.5`)].join('\n'));
    expect(column(two, 'pump_id')!.role).toBe('unit');
    expect(two.notes.join('\n')).not.toMatch(/same number/);
    // A serial number of a few digits keys the units too, as a number.
    for (const name of ['serial', 'Serial No', 'pump_sn', 'VIN']) {
      const short = column(csvDataset(`${name},x\n${rows(['1', '2', '3'])}\n`), name)!;
      expect([short.role, short.labels]).toEqual(['unit', undefined]);
    }
    // Short ids of one width stay numbers, as do ids under a name that keys no machine.
    expect(column(csvDataset(`unit,x\n${rows(['1', '2', '3'])}\n`), 'unit')!.labels).toBeUndefined();
    expect(column(csvDataset(`count,x\n${rows(['007', '7'])}\n`), 'count')!.labels).toBeUndefined();
    // Past the first rows the column is numbers already: the merge is said, never silent.
    const late = csvDataset(`unit,x\n${rows(Array.from({ length: 30 }, (_, k) => String(k + 1)))}\n${rows(['01'])}\n`);
    expect(column(late, 'unit')!.labels).toBeUndefined();
    expect(late.notes?.join('\n')).toMatch(/unit: ids "1" and "01" read as the same number, so their rows are one unit's/);
    expect(csvDataset(`unit,x\n${rows(['1', '2', '1.0'])}\n`).notes?.join('\n') ?? '').not.toMatch(/same number/);
    // Read with no unit column (--unit-column none), ids are not units: nothing to say of them.
    const none = new CsvParser('late.csv', undefined, { name: null, required: true });
    none.push(`unit,x\n${rows(Array.from({ length: 30 }, (_, k) => String(k + 1)))}\n${rows(['01'])}\n`);
    expect(none.finish().notes.join('\n')).not.toMatch(/same number/);
  });

  test('an id or tag whose accents were composed two ways (NFD from a Mac, NFC from Windows) is one unit, one column, as serve reads it', () => {
    const nfc = 'Presse Ä';
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    const ds = csvDataset(`machine,x\n${nfc},1\n${nfd},2\npump-1,3\n${nfd},4\n${nfc},5\n`);
    const unit = column(ds, 'machine')!;
    expect(unit.role).toBe('unit');
    expect(unit.labels).toEqual([nfc, 'pump-1']);
    expect(Array.from(unit.values)).toEqual([1, 1, 2, 1, 1]);
    expect(ds.notes).toContain(
      `machine: ids "${nfc}" and "${nfd}" differ only in how their accents are composed (Unicode NFC and NFD), so their rows are one unit's, as isoscope serve reads them`,
    );
    // First met in NFD, the label is the NFD form: a scores file names the unit as the data first wrote it.
    expect(column(csvDataset(`machine,x\n${nfd},1\n${nfc},2\npump-1,3\n`), 'machine')!.labels).toEqual([nfd, 'pump-1']);
    const tags = csvDataset(`time,tag,value\n1,Drück,10\n1,${'Drück'.normalize('NFD')},11\n2,Drück,12\n`);
    expect(tags.columns.filter((c) => c.role === 'feature').map((c) => c.name)).toEqual(['Drück']);
    // A tag first met in NFD keeps that name: the column a wide file's NFD header gives, which a model may name.
    const nfdTag = 'Drück'.normalize('NFD');
    const first = csvDataset(`time,tag,value\n1,${nfdTag},10\n2,Drück,12\n`);
    expect(first.columns.filter((c) => c.role === 'feature').map((c) => c.name)).toEqual([nfdTag]);
  });

  test('a text id after number ids ("A7" after 1, 2, 3) turns the column to text ids as written, not to missing units', () => {
    const rows = (ids: string[]) => ids.flatMap((id, k) => [`${id},${k}.5`, `${id},${k}.25`]).join('\n');
    const numbers = Array.from({ length: 30 }, (_, k) => (k === 4 ? '0031' : String(k + 1)));
    const text = `machine_id,x\n${rows(numbers)}\n${rows(['A7', '3'])}\n`;
    const ds = csvDataset(text);
    const unit = column(ds, 'machine_id')!;
    expect([unit.role, unit.missing, unit.nonNumeric]).toEqual(['unit', 0, 0]);
    expect(unit.labels).toEqual([...numbers, 'A7']);
    // The later "3" is the earlier unit 3's, and the A7 rows are a unit of their own.
    expect(Array.from(unit.values.slice(-4))).toEqual([31, 31, 3, 3]);
    expect(ds.notes).toContain(
      'machine_id: ids are read as text, as written, from data row 61 on ("A7"): the rows above held numbers only',
    );
    // Cut anywhere, the same; a failed reading ("ERR") is no id and stays missing, said.
    const chunked = new CsvParser('ids.csv');
    for (let at = 0; at < text.length; at += 37) chunked.push(text.slice(at, at + 37));
    expect(Array.from(column(chunked.finish(), 'machine_id')!.values)).toEqual(Array.from(unit.values));
    const err = csvDataset(`machine_id,x\n${rows(numbers)}\n${rows(['ERR'])}\n`);
    expect(column(err, 'machine_id')!.labels).toBeUndefined();
    expect(err.notes.join('\n')).toMatch(/machine_id: 2 non-numeric cell\(s\) \(first at data row 61: "ERR"\) are treated as missing/);
    // Handed on before the text id (a streamed read), the first piece's numbers stand: the rest is said, as before.
    const streamed = new CsvParser('ids.csv');
    streamed.push(`machine_id,x\n${rows(numbers)}\n`);
    streamed.drain(false);
    streamed.push(`${rows(['A7'])}\n`);
    expect(streamed.drain(true)!.notes.join('\n')).toMatch(/non-numeric cell\(s\) \(first at data row 61: "A7"\)/);
    // A word is a failed reading, not an id: before the turn or after it, missing; "1" after the turn is the "01" before it.
    const later = csvDataset(`pump_id,x\n${rows(['01', '2', 'OFFLINE', '2', 'P7', 'ERR', '-999', '1', 'Err:502'])}\n`);
    const pump = column(later, 'pump_id')!;
    expect(pump.labels).toEqual(['01', '2', 'P7']);
    expect(Array.from(pump.values)).toEqual([1, 1, 2, 2, NaN, NaN, 2, 2, 3, 3, NaN, NaN, NaN, NaN, 1, 1, NaN, NaN]);
    expect(column(csvDataset(`pump_id,x\n${rows(['1', '2', 'OFFLINE'])}\n`), 'pump_id')!.labels).toBeUndefined();
  });

  test('the unit column as plant exports name it: after the machine, in any case or spacing; states and lines are not units', () => {
    const roles = (header: string, cells: (i: number) => string) =>
      csvDataset(
        [
          header,
          ...Array.from({ length: 24 }, (_, i) => `2024-03-01T00:${String(i >> 2).padStart(2, '0')}:00Z,${cells(i)},${20 + (i % 5)}`),
        ].join('\n'),
      ).columns.map((c) => c.role);
    // Four machines side by side, each repeating: the id column keys them.
    expect(roles('time,pump_id,temp', (i) => `P${(i % 4) + 1}`)).toEqual(['time', 'unit', 'feature']);
    expect(roles('time,Machine ID,temp', (i) => `M-${(i % 4) + 1}`)).toEqual(['time', 'unit', 'feature']);
    expect(roles('time,MachineID,temp', (i) => String((i % 4) + 1))).toEqual(['time', 'unit', 'feature']);
    expect(roles('time,Turbine,temp', (i) => `WTG-0${(i % 4) + 1}`)).toEqual(['time', 'unit', 'feature']);
    expect(roles('time,compressor_no,temp', (i) => String((i % 4) + 1))).toEqual(['time', 'unit', 'feature']);
    expect(roles('time,asset_name,temp', (i) => ['north', 'south'][i % 2])).toEqual(['time', 'unit', 'feature']);
    expect(roles('time,unit_nr,temp', (i) => `PMP-10${(i % 4) + 1}`)).toEqual(['time', 'unit', 'feature']);
    // In other languages, and with names and a mark as plants write them ("Presse 1", "Kompressor A").
    expect(roles('time,Anlage,temp', (i) => ['Presse 1', 'Presse 2', 'Kompressor A', 'Kompressor B'][i % 4])).toEqual([
      'time',
      'unit',
      'feature',
    ]);
    expect(roles('time,Máquina,temp', (i) => `Torno ${(i % 3) + 1}`)).toEqual(['time', 'unit', 'feature']);
    expect(roles('time,Pumpe,temp', (i) => (i % 2 ? 'AN' : 'AUS'))).toEqual(['time', 'feature', 'feature']);
    expect(roles('time,Pump,temp', (i) => (i % 2 ? 'Pump on' : 'Pump off'))).toEqual(['time', 'feature', 'feature']);
    // A unit name over nothing but missing cells keys no unit.
    expect(roles('time,unit_id,temp', () => '')).toEqual(['time', 'feature', 'feature']);
    // Ground truth as German exports name it.
    expect(roles('time,Störung,temp', (i) => String(i > 20 ? 1 : 0))).toEqual(['time', 'label', 'feature']);
    // A bare machine word over states, or over numbers, is a reading, not an id.
    expect(roles('time,Valve,temp', (i) => (i % 3 ? 'OPEN' : 'CLOSED'))).toEqual(['time', 'feature', 'feature']);
    expect(roles('time,pump,temp', (i) => String(i % 2))).toEqual(['time', 'feature', 'feature']);
    expect(roles('time,fan,temp', (i) => String(1200 + (i % 7)))).toEqual(['time', 'feature', 'feature']);
    // Readings written with their units, and a tool number (a state), are not machine ids.
    expect(roles('time,Press,temp', (i) => `${(1 + (i % 3) / 10).toFixed(1)} bar`)).toEqual(['time', 'feature', 'feature']);
    expect(roles('time,Motor,temp', (i) => `${1500 + (i % 3)}rpm`)).toEqual(['time', 'feature', 'feature']);
    expect(roles('time,Battery,temp', (i) => `${80 + (i % 3)}%`)).toEqual(['time', 'feature', 'feature']);
    expect(roles('time,tool_no,temp', (i) => String((i % 3) + 1))).toEqual(['time', 'feature', 'feature']);
    // A count within each pump under a bare "id" yields to the pump id; a serial beside the unit stays text.
    expect(roles('time,id,pump_id,temp', (i) => `${(i >> 2) + 1},P${(i % 4) + 1}`)).toEqual(['time', 'feature', 'unit', 'feature']);
    const serials = csvDataset(
      ['machine_id,serial,temp', ...Array.from({ length: 40 }, (_, i) => `M${i % 2},SN-${i},${i % 5}`)].join('\n'),
    );
    expect(serials.columns.map((c) => [c.role, c.labels])).toEqual([
      ['unit', ['M0', 'M1']],
      ['feature', undefined],
      ['feature', undefined],
    ]);
    // A line and its machines: the machine is the unit, the line an id that is no feature.
    const both = csvDataset(
      ['time,line,pump_id,temp', ...Array.from({ length: 24 }, (_, i) => `${i >> 2},L${(i % 2) + 1},P${(i % 4) + 1},${20 + (i % 5)}`)].join(
        '\n',
      ),
    );
    expect(both.columns.map((c) => c.role)).toEqual(['time', 'feature', 'unit', 'feature']);
    expect(Array.from(column(both, 'pump_id')!.values.subarray(0, 5))).toEqual([1, 2, 3, 4, 1]);
    expect(profileDataset(both).defaultFeatures).toEqual(['temp']);
    const numbered = csvDataset(
      ['time,line_no,machine_no,temp', ...Array.from({ length: 24 }, (_, i) => `${i >> 2},${(i % 2) + 1},${(i % 4) + 1},${i % 5}`)].join(
        '\n',
      ),
    );
    expect(numbered.columns.map((c) => c.role)).toEqual(['time', 'feature', 'unit', 'feature']);
    expect(profileDataset(numbered).defaultFeatures).toEqual(['temp']);
  });

  test('ragged rows, empty files, header-only files and binary files each get their own error', () => {
    expect(() => csvDataset('a,b\n1,2\n3\n4,5\n')).toThrow(/record 2: expected 2 fields like the header, found 1/);
    expect(() => csvDataset('a,b,c\n1\n2\n')).toThrow(/record 1: expected 3 fields like the header, found 1/);
    expect(() => csvDataset('')).toThrow(/empty/);
    expect(() => csvDataset('   \n\n')).toThrow(/empty/);
    expect(() => csvDataset('a,b,c\n')).toThrow(/a header but no data rows/);
    const binary = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
    expect(() => ingestFiles([{ name: 'x.bin', bytes: binary }])).toThrow(/binary file/);
    expect(() => csvDataset('name,comment\nfoo,bar\nbaz,qux\n')).toThrow(/no numeric column/);
  });

  test("an export's trailing lines (summary rows, a count, an end marker, a cut-off line) are left out and named; in the middle they are data", () => {
    const body = Array.from(
      { length: 120 },
      (_, i) => `2024-01-01 ${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00,${20 + (i % 7)},${i}`,
    );
    const head = 'time,temp,count\n' + body.join('\n');
    const plain = csvDataset(head + '\n');
    for (const tail of [
      'Average,23,59.5\nMax,26,119\n',
      '\nRows: 120\n',
      'End of report',
      'Total:;;\n'.replace(/;/g, ','),
      '2024-01-01 02:00:00,2',
    ]) {
      const ds = csvDataset(`${head}\n${tail}`);
      expect(ds.rows, tail).toBe(120);
      ds.columns.forEach((c, i) => expect(Array.from(c.values), tail).toEqual(Array.from(plain.columns[i].values)));
      const note = ds.notes.find((n) => n.includes('at the end of the file were not read as readings'));
      expect(note, tail).toContain(JSON.stringify(tail.trim().split('\n')[0].slice(0, 60)));
    }
    // Followed by a reading, a summary-like row is data (its time is missing) and a short line is refused as before.
    const middle = csvDataset(`${head}\nMax,26,119\n2024-01-01 02:00:00,21,120\n`);
    expect(middle.rows).toBe(122);
    expect(middle.notes.some((n) => n.includes('at the end of the file'))).toBe(false);
    // A header-less file whose first line is wider than the rest: refused as before, not read as one row and a footer.
    expect(() => csvDataset('1,2,3,\n4,5,6\n7,8,9\n10,11,12\n')).toThrow(/expected 4 fields like the first row, found 3/);
    // A unit named like a statistic, with a few rows: a footer names each statistic once, so its rows are read.
    const min = csvDataset(`${head}\nMin,1,3\nMin,2,4\nMin,3,5\n`);
    expect(min.rows).toBe(123);
    // The last unit of a fleet named like a statistic is a unit: more rows than a footer holds are read.
    const named = csvDataset(
      `machine,v\n${['pump', 'max'].flatMap((m) => Array.from({ length: 30 }, (_, i) => `${m},${i}`)).join('\n')}\n`,
    );
    expect(named.rows).toBe(60);
    expect(() => csvDataset(`${head}\nRows: 120\n2024-01-01 02:00:00,21,120\n`)).toThrow(
      /record 121: expected 3 fields like the header, found 1/,
    );
    // A file of few rows: the trailing line is left out all the same, and the result does not depend on where the text is cut.
    const short = 'a,b\n1,2\n3,4\nmean,3\n';
    for (const ds of atEveryCut('short.csv', short)) {
      expect(ds.rows).toBe(2);
      expect(Array.from(column(ds, 'b')!.values)).toEqual([2, 4]);
    }
  });

  test('quoted fields with newlines survive any chunk boundary', () => {
    const text = 'id,note,value\n1,"line one\nline two",5\n2,"a ""quoted"" word",6\n';
    for (const ds of atEveryCut('chunked.csv', text)) {
      expect(ds.rows).toBe(2);
      expect(Array.from(column(ds, 'value')!.values)).toEqual([5, 6]);
    }
  });

  test('CRLF with quoted fields keeps every value, cut anywhere (also between \\r and \\n)', () => {
    const text = 'a,b\r\n"1","2"\r\n"3","4"\r\n';
    const whole = csvDataset(text);
    expect(Array.from(column(whole, 'b')!.values)).toEqual([2, 4]);
    for (let size = 1; size <= text.length; size++) {
      const ds = readInChunks(text, size, 'chunked.csv');
      expect(Array.from(column(ds, 'a')!.values)).toEqual([1, 3]);
      expect(Array.from(column(ds, 'b')!.values)).toEqual([2, 4]);
    }
  });

  test("a 1 MB CRLF file with quoted fields read in the browser's 64 KiB pieces keeps every value", () => {
    const rows = Array.from({ length: 40_000 }, (_, i) => `"${i}","${i % 7}","${i * 2}"`);
    const bytes = new TextEncoder().encode(`a,b,c\r\n${rows.join('\r\n')}\r\n`);
    const ingest = new TextIngest('big.csv');
    for (let at = 0; at < bytes.length; at += 65536) ingest.pushBytes(bytes.subarray(at, at + 65536));
    const ds = ingest.finish();
    expect(ds.rows).toBe(40_000);
    expect(ds.columns.map((c) => c.missing + c.nonNumeric)).toEqual([0, 0, 0]);
    expect(column(ds, 'b')!.values[39_999]).toBe(39_999 % 7);
  });

  test('old Mac line breaks (a lone \\r) end records too', () => {
    expect(Array.from(column(csvDataset('x;y\r1;2\r3;4\r'), 'y')!.values)).toEqual([2, 4]);
  });

  test('an unclosed quote, an overlong record and too many columns are refused by name', () => {
    expect(() => csvDataset('a,b\n1,2\n3,"4\n5,6\n')).toThrow(/data.csv, record 2: a quoted field is never closed/);
    expect(() => csvDataset(`a,b\n1,"${'x'.repeat(1024 ** 2)}"\n`)).toThrow(/data.csv, record 1: longer than 1 MiB/);
    expect(() => csvDataset(`${','.repeat(10_000)}\n`)).toThrow(/data.csv: more than 10,000 columns/);
  });

  test('gzip CSV', () => {
    const ds = ingestFiles([{ name: 'x.csv.gz', bytes: gzipSync(new TextEncoder().encode('t,v\n1,2\n2,3\n')) }]);
    expect(Array.from(column(ds, 'v')!.values)).toEqual([2, 3]);
  });
});
