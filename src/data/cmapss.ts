// NASA C-MAPSS text: whitespace-separated, 26 numeric columns, no header. Parsed
// incrementally (push chunks of text) so a large file streams with progress.
import { ColumnBuilder } from './numbers.js';
import { DataError, type Column, type ColumnRole, type Dataset } from './dataset.js';

export const CMAPSS_COLUMNS: readonly string[] = [
  'unit_number', 'time_in_cycles', 'op_setting_1', 'op_setting_2', 'op_setting_3',
  ...Array.from({ length: 21 }, (_, i) => `sensor_${i + 1}`),
];

function roleOf(name: string): ColumnRole {
  if (name === 'unit_number') return 'unit';
  if (name === 'time_in_cycles') return 'time';
  if (name.startsWith('op_setting')) return 'setting';
  return 'feature';
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** True when the first line looks like C-MAPSS: 26 whitespace-separated numbers, no commas. */
export function looksLikeCmapss(head: string): boolean {
  const first = head.split(/\r?\n/).find((l) => l.trim() !== '');
  if (!first || /[,;|]/.test(first)) return false;
  const tokens = first.trim().split(/\s+/);
  return tokens.length === 26 && tokens.every((t) => NUMERIC.test(t));
}

export class CmapssParser {
  private readonly builders = CMAPSS_COLUMNS.map(() => new ColumnBuilder());
  private carry = '';
  private line = 0;

  private readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  push(chunk: string): void {
    const text = this.carry + chunk;
    const end = text.lastIndexOf('\n');
    if (end < 0) {
      this.carry = text;
      return;
    }
    this.carry = text.slice(end + 1);
    this.parseLines(text.slice(0, end));
  }

  finish(): Dataset {
    if (this.carry.trim() !== '') this.parseLines(this.carry);
    this.carry = '';
    const rows = this.builders[0].length;
    if (rows === 0) throw new DataError(`${this.name}: no readings found (the file is empty)`);
    const columns: Column[] = CMAPSS_COLUMNS.map((name, i) => {
      const b = this.builders[i];
      return { name, role: roleOf(name), values: b.finish(), missing: b.missing, nonNumeric: b.nonNumeric + b.outOfRange };
    });
    return { name: this.name, format: 'cmapss', rows, columns, notes: [] };
  }

  private parseLines(block: string): void {
    const lines = block.split('\n');
    for (const raw of lines) {
      this.line++;
      const l = raw.trim();
      if (l === '') continue;
      const tokens = l.split(/\s+/);
      if (tokens.length !== 26) {
        throw new DataError(`${this.name}, line ${this.line}: expected 26 values in a C-MAPSS row, found ${tokens.length}`);
      }
      for (let i = 0; i < 26; i++) this.builders[i].pushToken(tokens[i]);
    }
  }
}

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
