// Strict numeric cells: '' and NA-like tokens are missing; text that is not a number
// literal is non-numeric; a literal beyond float64 range is out of range. All three
// become NaN in the column and are counted apart, never coerced to 0.

const MISSING = new Set(['', 'nan', 'na', 'n/a', 'null', 'none', '?', '-']);
const BOOLEAN = new Map([
  ['true', 1],
  ['false', 0],
  ['on', 1],
  ['off', 0],
]);

export function isMissingToken(raw: string): boolean {
  return MISSING.has(raw.trim().toLowerCase());
}

/** -999 and -9999: what loggers and historians write for "no reading". */
export const isMissingCode = (v: number): boolean => v === -999 || v === -9999;

/**
 * A reading's value as a CSV cell gives it: a number literal, TRUE/FALSE or ON/OFF as 1/0, and
 * NaN for a missing-data code or anything else. The stream's JSON readings go through it too,
 * so serve and consume read a value as the training file did.
 */
export function readingValue(raw: string): number {
  const s = raw.trim();
  if (isNumberLiteral(s)) {
    const v = Number(s);
    return isMissingCode(v) || !Number.isFinite(v) ? NaN : v;
  }
  return BOOLEAN.get(s.toLowerCase()) ?? NaN;
}

export function isNumberToken(raw: string): boolean {
  return isNumberLiteral(raw.trim());
}

/**
 * The literals [+-]? (digits [.digits] | .digits) ([eE] [+-]? digits)?, scanned once.
 * The equivalent regex backtracks through "\d+\.?\d*" and takes quadratic time on a long
 * digit run that fails at its end (12 s for one 120 KB cell).
 */
export function isNumberLiteral(s: string): boolean {
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === 43 || c === 45) c = s.charCodeAt(++i);
  let digits = 0;
  while (c >= 48 && c <= 57) {
    digits++;
    c = s.charCodeAt(++i);
  }
  if (c === 46) {
    c = s.charCodeAt(++i);
    while (c >= 48 && c <= 57) {
      digits++;
      c = s.charCodeAt(++i);
    }
  }
  if (digits === 0) return false;
  if (c === 101 || c === 69) {
    c = s.charCodeAt(++i);
    if (c === 43 || c === 45) c = s.charCodeAt(++i);
    const from = i;
    while (c >= 48 && c <= 57) c = s.charCodeAt(++i);
    if (i === from) return false;
  }
  return i === s.length;
}

/**
 * A decimal-comma number as some locales write it ("1,5", "-0,25"): digits, one comma,
 * digits, nothing else. Read as a number only in ';'-separated files (csv.ts decides).
 */
export function isDecimalCommaToken(raw: string): boolean {
  const s = raw.trim();
  const comma = s.indexOf(',');
  if (comma < 0 || comma === s.length - 1) return false;
  let i = s.charCodeAt(0) === 43 || s.charCodeAt(0) === 45 ? 1 : 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (i !== comma && !(c >= 48 && c <= 57)) return false;
  }
  return true;
}

/** A growable Float64 column that counts what it could not read. */
export class ColumnBuilder {
  values: Float64Array;
  length = 0;
  missing = 0;
  nonNumeric = 0;
  outOfRange = 0;
  /** Cells holding a missing-data code (-999, -9999), counted in `missing` too. */
  codes = 0;
  /** Cells of TRUE/FALSE or ON/OFF, read as 1/0. */
  booleans = 0;
  /** The first non-numeric and the first out-of-range cell, for messages. */
  firstBad?: { row: number; text: string };
  firstOutOfRange?: string;
  /** Growth stops here (the reader refuses more rows), so capacity never overshoots the values limit. */
  private readonly maxLength: number;

  constructor(maxLength = 2 ** 31) {
    this.maxLength = maxLength;
    this.values = new Float64Array(Math.max(1, Math.min(1024, maxLength)));
  }

  pushToken(raw: string): void {
    const s = raw.trim();
    let v = NaN;
    if (isNumberLiteral(s)) {
      v = Number(s);
      if (isMissingCode(v)) {
        // Loggers and historians write these for "no reading"; as values they would be the most extreme of all.
        this.missing++;
        this.codes++;
        v = NaN;
      } else if (!Number.isFinite(v)) {
        this.outOfRange++;
        v = NaN;
        this.firstOutOfRange ??= s.slice(0, 40);
      }
    } else if (MISSING.has(s.toLowerCase())) {
      this.missing++;
    } else if (BOOLEAN.has(s.toLowerCase())) {
      // A valve open or a pump on is a reading: TRUE/ON are 1, FALSE/OFF 0.
      v = BOOLEAN.get(s.toLowerCase())!;
      this.booleans++;
    } else return this.pushBad(s);
    this.push(v);
  }

  /** A cell that is not what the column holds (a number, a date), counted and kept for the message. */
  pushBad(text: string): void {
    this.nonNumeric++;
    this.firstBad ??= { row: this.length, text: text.trim().slice(0, 40) };
    this.push(NaN);
  }

  push(v: number): void {
    if (this.length === this.values.length) {
      if (this.length >= this.maxLength) throw new Error(`a column is full at ${this.maxLength} values; the reader should have stopped`);
      const grown = new Float64Array(Math.min(this.values.length * 2, this.maxLength));
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = v;
  }

  /** Values pushed at once. */
  append(values: Float64Array): void {
    // Doubling only when full: growing on every call would copy the column each time.
    if (this.length + values.length > this.values.length) this.reserve(Math.max(this.length + values.length, 2 * this.values.length));
    if (this.length + values.length > this.values.length)
      throw new Error(`a column is full at ${this.maxLength} values; the reader should have stopped`);
    this.values.set(values, this.length);
    this.length += values.length;
  }

  /** Room for `capacity` values at once (a size estimate), so a big column is not regrown and copied as it fills. */
  reserve(capacity: number): void {
    const target = Math.min(capacity, this.maxLength);
    if (target <= this.values.length) return;
    const grown = new Float64Array(target);
    grown.set(this.values.subarray(0, this.length));
    this.values = grown;
  }

  /**
   * The filled part. A nearly full buffer is returned as a view: trimming a big column by
   * copying would hold it twice at the peak, for a sixteenth of it at most.
   */
  finish(): Float64Array {
    if (this.length === this.values.length) return this.values;
    return this.values.length - this.length <= this.values.length / 16
      ? this.values.subarray(0, this.length)
      : this.values.slice(0, this.length);
  }
}
