// Generic CSV through PapaParse, fed in record-aligned chunks: a chunk is cut at the
// last newline outside quotes, so quoted newlines survive chunk boundaries.
import Papa from 'papaparse';
import { ColumnBuilder, isMissingToken, isNumberToken } from './numbers.js';
import { DataError, type Column, type Dataset } from './dataset.js';
import { inferRole } from './roles.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Epoch ms for an ISO-like timestamp; a time without zone is read as UTC so results never depend on the machine. */
function parseTimestamp(s: string): number {
  const t = s.trim();
  if (!ISO_TIME.test(t)) return NaN;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(t) && t.length > 10;
  const iso = t.length === 10 ? `${t}T00:00:00Z` : hasZone ? t.replace(' ', 'T') : `${t.replace(' ', 'T')}Z`;
  return Date.parse(iso);
}

export class CsvParser {
  private carry = '';
  private quoteOpen = false;
  private delimiter = '';
  private names: string[] = [];
  private builders: ColumnBuilder[] = [];
  private timestampCols = new Set<number>();
  private textUnits = new Map<number, Map<string, number>>();
  private record = 0;
  private started = false;
  private hasHeader = false;

  private readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  push(chunk: string): void {
    let cut = -1;
    let open = this.quoteOpen;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 34) open = !open;
      else if (c === 10 && !open) cut = i;
    }
    if (cut < 0) {
      this.carry += chunk;
      this.quoteOpen = open;
      return;
    }
    const complete = this.carry + chunk.slice(0, cut);
    this.carry = chunk.slice(cut + 1);
    // Quote state at the cut is even (we only cut outside quotes); recount the carry.
    let rest = false;
    for (let i = 0; i < this.carry.length; i++) if (this.carry.charCodeAt(i) === 34) rest = !rest;
    this.quoteOpen = rest;
    this.parseBlock(complete);
  }

  finish(): Dataset {
    if (this.carry.trim() !== '') this.parseBlock(this.carry);
    this.carry = '';
    if (!this.started) throw new DataError(`${this.name}: the file is empty`);
    const rows = this.builders.length ? this.builders[0].length : 0;
    if (rows === 0) throw new DataError(`${this.name}: a header but no data rows`);
    const notes: string[] = [];
    const columns: Column[] = this.names.map((name, i) => {
      const b = this.builders[i];
      const values = b.finish();
      const units = this.textUnits.get(i);
      const col: Column = {
        name,
        role: units ? 'unit' : inferRole(name, values),
        values,
        missing: b.missing,
        nonNumeric: b.nonNumeric + b.outOfRange,
      };
      if (this.timestampCols.has(i)) {
        col.timestamp = true;
        col.role = 'time';
      }
      if (b.outOfRange)
        notes.push(`${name}: ${b.outOfRange} value(s) beyond float64 range (e.g. "${b.firstOutOfRange}") are treated as missing`);
      if (b.nonNumeric && !units)
        notes.push(
          `${name}: ${b.nonNumeric} non-numeric cell(s) (first at data row ${(b.firstBad?.row ?? 0) + 1}: "${b.firstBad?.text}") are treated as missing`,
        );
      return col;
    });
    if (columns.every((c) => c.nonNumeric + c.missing === rows)) {
      throw new DataError(`${this.name}: no numeric column found; is this a CSV of sensor readings?`);
    }
    return { name: this.name, format: 'csv', rows, columns, notes };
  }

  private parseBlock(block: string): void {
    if (block.trim() === '') return;
    if (!this.delimiter) this.delimiter = detectDelimiter(block);
    const parsed = Papa.parse<string[]>(block, { delimiter: this.delimiter, skipEmptyLines: true });
    let rows = parsed.data;
    if (!this.started) {
      this.started = true;
      rows = this.startColumns(rows);
    }
    const width = this.names.length;
    for (const r of rows) {
      this.record++;
      if (r.length !== width) {
        if (r.length === 1 && r[0].trim() === '') continue;
        throw new DataError(
          `${this.name}, record ${this.record}: expected ${width} fields like the ${this.hasHeader ? 'header' : 'first row'}, found ${r.length}`,
        );
      }
      for (let i = 0; i < width; i++) this.pushCell(i, r[i]);
    }
  }

  private pushCell(i: number, cell: string): void {
    const b = this.builders[i];
    if (this.timestampCols.has(i)) {
      if (isMissingToken(cell)) {
        b.missing++;
        b.push(NaN);
      } else {
        const t = parseTimestamp(cell);
        if (Number.isNaN(t)) b.nonNumeric++;
        b.push(t);
      }
      return;
    }
    const units = this.textUnits.get(i);
    if (units && !isMissingToken(cell)) {
      const key = cell.trim();
      let code = units.get(key);
      if (code === undefined) units.set(key, (code = units.size + 1));
      b.push(code);
      return;
    }
    b.pushToken(cell);
  }

  /** Decides header vs data, names the columns and spots timestamp and text-id columns. */
  private startColumns(rows: string[][]): string[][] {
    if (rows.length === 0) throw new DataError(`${this.name}: the file is empty`);
    const first = rows[0];
    if (first.some((c) => c.includes('\u0000'))) throw new DataError(`${this.name}: this is a binary file, not CSV text`);
    // A header row is all text: no cell is a number or a timestamp.
    const header = first.every((c) => isMissingToken(c) || (!isNumberToken(c) && Number.isNaN(parseTimestamp(c))));
    this.hasHeader = header;
    this.names = header ? dedupe(first.map((c, i) => c.trim() || `column_${i + 1}`)) : first.map((_, i) => `column_${i + 1}`);
    if (this.names.length < 1) throw new DataError(`${this.name}: no columns found`);
    this.builders = this.names.map(() => new ColumnBuilder());
    const body = header ? rows.slice(1) : rows;
    const probe = body.slice(0, 50);
    this.names.forEach((name, i) => {
      const cells = probe.map((r) => r[i] ?? '').filter((c) => !isMissingToken(c));
      if (cells.length === 0 || cells.some(isNumberToken)) return;
      if (cells.every((c) => !Number.isNaN(parseTimestamp(c)))) this.timestampCols.add(i);
      else if (/^(unit|unit_?(id|number|no)|engine(_?id)?|machine(_?id)?|device(_?id)?|asset(_?id)?|id)$/i.test(name))
        this.textUnits.set(i, new Map());
    });
    return body;
  }
}

function detectDelimiter(block: string): string {
  const head = block.split('\n', 20).join('\n');
  const guess = Papa.parse(head, { preview: 20 }).meta.delimiter;
  // Papa falls back to ',' when unsure; prefer a delimiter that splits every line evenly.
  for (const d of [guess, ',', ';', '\t', '|']) {
    const counts = head
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => l.split(d).length);
    if (counts.length && counts[0] > 1 && counts.every((c) => c === counts[0])) return d;
  }
  return guess || ',';
}

function dedupe(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = seen.get(n) ?? 0;
    seen.set(n, k + 1);
    return k ? `${n}_${k + 1}` : n;
  });
}
