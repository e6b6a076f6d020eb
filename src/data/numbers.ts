// Strict numeric cells: '' and NA-like tokens are missing; text that is not a number
// literal is non-numeric; a literal beyond float64 range is out of range. All three
// become NaN in the column and are counted apart, never coerced to 0.

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const MISSING = new Set(['', 'nan', 'na', 'n/a', 'null', 'none', '?', '-']);

export function isMissingToken(raw: string): boolean {
  return MISSING.has(raw.trim().toLowerCase());
}

export function isNumberToken(raw: string): boolean {
  return NUMBER.test(raw.trim());
}

/** A growable Float64 column that counts what it could not read. */
export class ColumnBuilder {
  values = new Float64Array(1024);
  length = 0;
  missing = 0;
  nonNumeric = 0;
  outOfRange = 0;
  /** The first non-numeric and the first out-of-range cell, for messages. */
  firstBad?: { row: number; text: string };
  firstOutOfRange?: string;

  pushToken(raw: string): void {
    const s = raw.trim();
    let v = NaN;
    if (NUMBER.test(s)) {
      v = Number(s);
      if (!Number.isFinite(v)) {
        this.outOfRange++;
        v = NaN;
        this.firstOutOfRange ??= s.slice(0, 40);
      }
    } else if (MISSING.has(s.toLowerCase())) {
      this.missing++;
    } else {
      this.nonNumeric++;
      this.firstBad ??= { row: this.length, text: s.slice(0, 40) };
    }
    this.push(v);
  }

  push(v: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = v;
  }

  /** The filled part, trimmed without copying when possible. */
  finish(): Float64Array {
    return this.length === this.values.length ? this.values : this.values.slice(0, this.length);
  }
}
