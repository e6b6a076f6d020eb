// NASA C-MAPSS text: whitespace-separated, 26 numeric columns, no header. Parsed
// incrementally (push chunks of text) so a large file streams with progress.
import { ColumnBuilder, isNumberLiteral } from './numbers.js';
import { DataError, type Column, type ColumnRole, type Dataset } from './dataset.js';

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
  private readonly builders = CMAPSS_COLUMNS.map(() => new ColumnBuilder());
  private line = 0;

  private readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  private carry: Uint8Array = new Uint8Array(0);

  push(chunk: string): void {
    this.pushBytes(new TextEncoder().encode(chunk));
  }

  /** Takes raw bytes (C-MAPSS is ASCII): no text decoding on the hot path. */
  pushBytes(chunk: Uint8Array): void {
    let from = 0;
    if (this.carry.length) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.carry = concat(this.carry, chunk);
        return;
      }
      this.parseLines(concat(this.carry, chunk.subarray(0, nl)), 0, this.carry.length + nl);
      this.carry = new Uint8Array(0);
      from = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last < from) {
      this.carry = chunk.slice(from);
      return;
    }
    this.parseLines(chunk, from, last);
    this.carry = chunk.slice(last + 1);
  }

  finish(): Dataset {
    if (this.carry.length) this.parseLines(this.carry, 0, this.carry.length);
    this.carry = new Uint8Array(0);
    const rows = this.builders[0].length;
    if (rows === 0) throw new DataError(`${this.name}: no readings found (the file is empty)`);
    const columns: Column[] = CMAPSS_COLUMNS.map((name, i) => {
      const b = this.builders[i];
      return { name, role: roleOf(name), values: b.finish(), missing: b.missing, nonNumeric: b.nonNumeric + b.outOfRange };
    });
    return { name: this.name, format: 'cmapss', rows, columns, notes: [] };
  }

  /**
   * Scans numbers straight off the bytes [from, to): no split, no regex, no string for
   * the common case. A token is mantissa digits (exact below 2^53), an optional fraction;
   * m / 10^k with k <= 22 is one correctly rounded IEEE operation, so the value equals
   * Number(token). Anything else (exponents, text) goes through the strict slow path.
   */
  private parseLines(bytes: Uint8Array, from: number, to: number): void {
    let i = from;
    let field = 0;
    while (i <= to) {
      const c = i < to ? bytes[i] : 10;
      if (c === 10 || c === 13) {
        if (c === 10) this.line++;
        if (c === 10 && field !== 0 && field !== 26) {
          throw new DataError(`${this.name}, line ${this.line}: expected 26 values in a C-MAPSS row, found ${field}`);
        }
        if (c === 10) field = 0;
        i++;
        continue;
      }
      if (c === 32 || c === 9) {
        i++;
        continue;
      }
      const start = i;
      let neg = false;
      let p = i;
      let ch = c;
      if (ch === 45 || ch === 43) {
        neg = ch === 45;
        ch = ++p < to ? bytes[p] : 0;
      }
      let mantissa = 0;
      let digits = 0;
      let scale = 0;
      while (ch >= 48 && ch <= 57) {
        mantissa = mantissa * 10 + (ch - 48);
        digits++;
        ch = ++p < to ? bytes[p] : 0;
      }
      if (ch === 46) {
        ch = ++p < to ? bytes[p] : 0;
        while (ch >= 48 && ch <= 57) {
          mantissa = mantissa * 10 + (ch - 48);
          digits++;
          scale++;
          ch = ++p < to ? bytes[p] : 0;
        }
      }
      let end = p;
      while (end < to) {
        const e = bytes[end];
        if (e === 32 || e === 9 || e === 10 || e === 13) break;
        end++;
      }
      if (field >= 26) {
        throw new DataError(`${this.name}, line ${this.line + 1}: expected 26 values in a C-MAPSS row, found more`);
      }
      const b = this.builders[field++];
      if (end === p && digits > 0 && digits <= 15 && scale <= 22) {
        const v = scale ? mantissa / POW10[scale] : mantissa;
        b.push(neg ? -v : v);
      } else {
        b.pushToken(new TextDecoder().decode(bytes.subarray(start, end)));
      }
      i = end;
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
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
      throw new DataError(`${name}, line ${line}: a RUL file holds one non-negative number per line, found "${t.slice(0, 30)}"`);
    }
    out.push(v);
  }
  if (out.length === 0) throw new DataError(`${name}: the RUL file is empty`);
  return Float64Array.from(out);
}
