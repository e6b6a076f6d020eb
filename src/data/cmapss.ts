// NASA C-MAPSS text: whitespace-separated, 26 numeric columns, no header. Parsed
// incrementally (push chunks of text) so a large file streams with progress.
import { ColumnBuilder, isNumberLiteral } from './numbers.js';
import { DataError, type Column, type ColumnRole, type Dataset } from './dataset.js';
import type { CmapssLineScanner } from './line-scanner.js';
import { PartsColumn } from './parts-column.js';
import { MAX_RECORD, MAX_VALUES, sizeText } from './limits.js';

export const CMAPSS_COLUMNS: readonly string[] = [
  'unit_number',
  'time_in_cycles',
  'op_setting_1',
  'op_setting_2',
  'op_setting_3',
  ...Array.from({ length: 21 }, (_, i) => `sensor_${i + 1}`),
];

function roleOf(name: string): ColumnRole {
  if (name === 'unit_number') return 'unit';
  if (name === 'time_in_cycles') return 'time';
  if (name.startsWith('op_setting')) return 'setting';
  return 'feature';
}

/** True when the first line looks like C-MAPSS: 26 whitespace-separated numbers, no commas. */
export function looksLikeCmapss(head: string): boolean {
  const first = head.split(/\r?\n/).find((l) => l.trim() !== '');
  if (!first || /[,;|]/.test(first)) return false;
  const tokens = first.trim().split(/\s+/);
  return tokens.length === 26 && tokens.every(isNumberLiteral);
}

export class CmapssParser {
  private readonly maxValues: number;
  private readonly maxRows: number;
  /** A column's builder, or undefined for a column the caller does not read (its numbers are skipped, not parsed). */
  private builders: (ColumnBuilder | undefined)[];
  private readonly kept: boolean[];
  private line = 0;
  /** The unfinished last line, in a buffer that grows by doubling (1-byte chunks stay linear). */
  private carry = new Uint8Array(256);
  private carryLength = 0;

  private readonly name: string;

  /** The text's size when known beforehand (a plain file): once a few lines are read, the columns are sized for the rest. */
  private bytesHint: number;
  private parsedBytes = 0;

  /** The fast path for plain lines (Wasm), dropped when it hands back most lines; undefined: every line is read here. */
  private scanner?: CmapssLineScanner;
  private scannedRows = 0;
  private handedBack = 0;
  /** Per column, rows another reader read that follow this one's, kept apart (append's `apart`); then nothing more is read here. */
  private later: (Float64Array | undefined)[] = [];

  /** `columns`: the columns to read (default all); the unit column is always read, since rows are counted by it. */
  constructor(name: string, maxValues = MAX_VALUES, bytesHint = 0, columns?: (name: string) => boolean, scanner?: CmapssLineScanner) {
    this.name = name;
    this.scanner = scanner;
    this.bytesHint = bytesHint;
    this.maxValues = maxValues;
    this.maxRows = Math.floor(maxValues / CMAPSS_COLUMNS.length);
    this.kept = CMAPSS_COLUMNS.map((c, i) => i === 0 || !columns || columns(c));
    this.builders = this.newBuilders();
  }

  private newBuilders(): (ColumnBuilder | undefined)[] {
    return this.kept.map((k) => (k ? new ColumnBuilder(this.maxRows) : undefined));
  }

  push(chunk: string): void {
    this.pushBytes(ENCODER.encode(chunk));
  }

  /** Takes raw bytes (C-MAPSS is ASCII): no text decoding on the hot path. */
  pushBytes(chunk: Uint8Array): void {
    if (this.later.length && chunk.length) throw new Error(`${this.name}: text pushed after rows were appended`);
    let from = 0;
    if (this.carryLength) {
      const nl = chunk.indexOf(10);
      if (nl < 0) return this.hold(chunk);
      this.hold(chunk.subarray(0, nl));
      this.parseLines(this.carry.subarray(0, this.carryLength), 0, this.carryLength);
      this.carryLength = 0;
      from = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last >= from) {
      this.parseLines(chunk, from, last);
      from = last + 1;
    }
    this.hold(chunk.subarray(from));
  }

  finish(): Dataset {
    const ds = this.drain(true);
    if (!ds) throw new DataError(`${this.name}: no readings found (the file is empty)`);
    return ds;
  }

  /** The rows read since the last drain (`final` once the text has ended), for a reader that streams a file larger than memory. */
  drain(final: boolean): Dataset | undefined {
    if (final && this.carryLength) this.parseLines(this.carry.subarray(0, this.carryLength), 0, this.carryLength);
    if (final) this.carryLength = 0;
    const rows = this.builders[0]!.length + (this.later[0]?.length ?? 0);
    if (rows === 0) return undefined;
    const columns: Column[] = [];
    CMAPSS_COLUMNS.forEach((name, i) => {
      const b = this.builders[i];
      if (!b) return;
      const meta = { name, role: roleOf(name), missing: b.missing, nonNumeric: b.nonNumeric + b.outOfRange };
      const later = this.later[i];
      // Not trimmed by a copy: the buffer was sized for both parts, and what is not written is not memory.
      columns.push(later ? new PartsColumn(meta, [b.values.subarray(0, b.length), later]) : { ...meta, values: b.finish() });
    });
    this.builders = this.newBuilders();
    this.later = [];
    return { name: this.name, format: 'cmapss', rows, columns, notes: [] };
  }

  /** The rows parsed so far, as views on the columns being built (valid until more is pushed). */
  view(): Dataset {
    const columns: Column[] = [];
    CMAPSS_COLUMNS.forEach((name, i) => {
      const b = this.builders[i];
      if (b)
        columns.push({
          name,
          role: roleOf(name),
          values: b.values.subarray(0, b.length),
          missing: b.missing,
          nonNumeric: b.nonNumeric + b.outOfRange,
        });
    });
    return { name: this.name, format: 'cmapss', rows: this.builders[0]!.length, columns, notes: [] };
  }

  /**
   * Rows another parser read from the text that follows (another worker's share of the
   * file), appended in one copy; columns `apart` says yes to stay in two parts (a
   * PartsColumn), copied by no one. Then the reader only finishes. False, with nothing
   * changed, when they do not fit: other columns, a line still unfinished here, or more
   * rows than the limit.
   */
  append(later: Dataset, apart: (c: Column) => boolean = () => false): boolean {
    const mine = this.view();
    if (this.carryLength || later.format !== 'cmapss' || this.later.length) return false;
    if (later.columns.map((c) => c.name).join() !== mine.columns.map((c) => c.name).join()) return false;
    if (mine.rows + later.rows > this.maxRows) return false;
    const kept: (Float64Array | undefined)[] = new Array<Float64Array | undefined>(this.builders.length).fill(undefined);
    let k = 0;
    this.builders.forEach((b, i) => {
      if (!b) return;
      const c = later.columns[k++];
      if (apart(c)) {
        kept[i] = c.values;
      } else b.append(c.values);
      b.missing += c.missing;
      b.nonNumeric += c.nonNumeric;
    });
    // Nothing kept apart: the reader goes on as before (more text may follow).
    if (kept.some((v) => v)) this.later = kept;
    return true;
  }

  private hold(bytes: Uint8Array): void {
    const length = this.carryLength + bytes.length;
    // The line so far is checked as parseLines checks whole lines: a line fails however it was cut.
    if (length >= MAX_RECORD) this.tooLong(this.line + 1);
    if (length > this.carry.length) {
      const grown = new Uint8Array(Math.max(length, this.carry.length * 2));
      grown.set(this.carry.subarray(0, this.carryLength));
      this.carry = grown;
    }
    this.carry.set(bytes, this.carryLength);
    this.carryLength = length;
  }

  /** The lines in bytes[from, to], where `to` is a line break or the end of the text. */
  private parseLines(bytes: Uint8Array, from: number, to: number): void {
    this.parsedBytes += to - from + 1;
    // The hot loop writes straight into the builders' arrays at `row` (room for the line
    // is made before it is read), each line found as it is parsed: no second pass for the
    // line break, no call per value. The builders' lengths are set once, at the end.
    // No closures here: a variable a closure captures lives on the heap, and `row` is read for every value.
    const builders = this.builders;
    const cols = this.arrays();
    let row = builders[0]!.length;
    let room = cols.room;
    let i = from;
    try {
      while (i <= to) {
        if (this.scanner) {
          // Columns grow as the lines below grow them, only when full: a scan fills what room there is (the size estimate's 3% margin).
          if (row === room && row < this.maxRows) room = this.grow(row, cols);
          const cap = Math.min(this.scanner.capacity, this.maxRows - row, room - row);
          if (cap > 0) {
            const scan = this.scanner.scan(bytes, i, to, cap, MAX_RECORD);
            for (let k = 0; k < 26; k++) if (cols.values[k] !== NONE) cols.values[k].set(scan.column(k), row);
            row += scan.rows;
            this.scannedRows += scan.rows;
            this.line += scan.lines;
            const moved = scan.next !== i;
            i = scan.next;
            if (scan.status === 'done') break;
            if (scan.status === 'more' && moved) continue;
            // A line it cannot take (a word, an exponent, a fault) is read below; a file of such lines is read here throughout.
            if (++this.handedBack > 1000 && this.handedBack * 16 > this.scannedRows) this.scanner = undefined;
          }
        }
        const start = i;
        this.line++;
        let field = 0;
        while (i < to) {
          let c = bytes[i];
          if (c === 32 || c === 9 || c === 13) {
            i++;
            continue;
          }
          if (c === 10) break;
          if (field === 0) {
            if (row === this.maxRows) this.tooManyRows(bytes, start, to);
            if (row === room) room = this.grow(row, cols);
          } else if (field === 26) this.refuse(bytes, start, to, 'expected 26 values in a C-MAPSS row, found more');
          const col = cols.values[field++];
          if (col === NONE) {
            i = tokenEnd(bytes, i, to);
            continue;
          }
          const token = i;
          let neg = false;
          if (c === 45 || c === 43) {
            neg = c === 45;
            c = ++i < to ? bytes[i] : 0;
          }
          let mantissa = 0;
          let digits = 0;
          while (c >= 48 && c <= 57) {
            mantissa = mantissa * 10 + (c - 48);
            digits++;
            c = ++i < to ? bytes[i] : 0;
          }
          let scale = 0;
          if (c === 46) {
            c = ++i < to ? bytes[i] : 0;
            while (c >= 48 && c <= 57) {
              mantissa = mantissa * 10 + (c - 48);
              digits++;
              scale++;
              c = ++i < to ? bytes[i] : 0;
            }
          }
          // m / 10^k with m below 2^53 and k <= 22 is one correctly rounded IEEE operation: the value equals Number(token).
          if ((i === to || c === 32 || c === 10 || c === 9 || c === 13) && digits > 0 && digits <= 15 && scale <= 22) {
            const v = scale ? mantissa / POW10[scale] : mantissa;
            col[row] = neg ? -v : v;
            continue;
          }
          i = tokenEnd(bytes, i, to);
          // A token is read as text only from a line of sane length (an overlong one is refused by its length).
          if (i - start >= MAX_RECORD) this.tooLong(this.line);
          // Exponents, text, missing words: the strict slow path, which counts what it could not read.
          const b = builders[field - 1]!;
          b.length = row;
          b.pushToken(DECODER.decode(bytes.subarray(token, i)));
        }
        if (i - start >= MAX_RECORD) this.tooLong(this.line);
        if (field !== 0) {
          if (field !== 26) this.refuse(bytes, start, to, `expected 26 values in a C-MAPSS row, found ${field}`);
          row++;
        }
        i++;
      }
    } finally {
      this.setLengths(row);
    }
    if (this.bytesHint && row >= 1000) {
      // 3% over the estimate: lines of one file vary little in length.
      const estimate = Math.ceil(((this.bytesHint / this.parsedBytes) * row * 1.03) / 1024) * 1024;
      this.builders.forEach((b) => b?.reserve(estimate));
      this.bytesHint = 0;
    }
  }

  /** The builders' arrays (an empty one for a column not read) and the rows they all have room for. */
  private arrays(into?: { values: Float64Array[]; room: number }): { values: Float64Array[]; room: number } {
    const out = into ?? { values: [], room: 0 };
    let room = Infinity;
    for (let k = 0; k < this.builders.length; k++) {
      const b = this.builders[k];
      out.values[k] = b ? b.values : NONE;
      if (b) room = Math.min(room, b.values.length);
    }
    out.room = room;
    return out;
  }

  /** Full columns at `row` doubled (up to the row limit); `cols` re-pointed at the new arrays. Returns the new room. */
  private grow(row: number, cols: { values: Float64Array[]; room: number }): number {
    this.setLengths(row);
    for (const b of this.builders) b?.reserve(Math.min(row * 2, this.maxRows));
    return this.arrays(cols).room;
  }

  private setLengths(rows: number): void {
    for (const b of this.builders) if (b) b.length = rows;
  }

  /** A line's fault, unless the line is too long, which is said first as a whole-line check would. */
  private refuse(bytes: Uint8Array, start: number, to: number, fault: string): never {
    this.lengthFirst(bytes, start, to);
    throw new DataError(`${this.name}, line ${this.line}: ${fault}`);
  }

  private tooManyRows(bytes: Uint8Array, start: number, to: number): never {
    this.lengthFirst(bytes, start, to);
    throw new DataError(
      `${this.name}: more than ${this.maxRows.toLocaleString('en-US')} rows (${this.maxValues.toLocaleString('en-US')} values); isoscope holds at most that many: split the file`,
    );
  }

  private lengthFirst(bytes: Uint8Array, start: number, to: number): void {
    let end = bytes.indexOf(10, start);
    if (end < 0 || end > to) end = to;
    if (end - start >= MAX_RECORD) this.tooLong(this.line);
  }

  private tooLong(line: number): never {
    throw new DataError(`${this.name}, line ${line}: longer than ${sizeText(MAX_RECORD)}; a C-MAPSS line holds 26 numbers`);
  }
}

const ENCODER = new TextEncoder();
const NONE = new Float64Array(0);
const DECODER = new TextDecoder();

/** Where the token at `i` ends: the next blank or line break, or `to`. */
function tokenEnd(bytes: Uint8Array, i: number, to: number): number {
  for (let c; i < to && (c = bytes[i]) !== 32 && c !== 9 && c !== 13 && c !== 10;) i++;
  return i;
}

const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** Parses RUL_FDxxx.txt: one integer per line, the RUL at the end of each test unit (units 1..N). */
export function parseRulFile(text: string, name: string): Float64Array {
  const out: number[] = [];
  let line = 0;
  for (const raw of text.split('\n')) {
    line++;
    const t = raw.trim();
    if (t === '') continue;
    const v = Number(t);
    if (!/^\d+(\.\d+)?$/.test(t) || !Number.isFinite(v)) {
      throw new DataError(
        `${name}, line ${line}: a RUL file holds one non-negative number per line, found ${JSON.stringify(t.slice(0, 30))}`,
      );
    }
    out.push(v);
  }
  if (out.length === 0) throw new DataError(`${name}: the RUL file is empty`);
  return Float64Array.from(out);
}
