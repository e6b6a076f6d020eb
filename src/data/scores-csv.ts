// The scores CSV, written the same way by `isoscope score` and the page's Export scores:
// row, unit and time (when the data has them; a timestamp column as ISO 8601 UTC, as
// the page shows it, not the epoch milliseconds it is held in), score (score_samples: lower is more
// abnormal), decision (score - offset), is_anomaly, with units the alarm state, and last
// anomaly_score (-score, higher is more abnormal: the number the page, serve and the stored
// documents show; last, so that scripts reading the columns by position read them as before).
// An unscored reading (a missing feature) has empty cells. Papa.unparse quotes any name
// or value that needs it.
import Papa from 'papaparse';
import type { Column } from './dataset.js';

export interface ScoresTable {
  /** Text ids (labels) are written as the file first wrote them (one id composed two ways is one unit). */
  unit?: Pick<Column, 'name' | 'values' | 'labels'>;
  time?: Pick<Column, 'name' | 'values' | 'timestamp'>;
  scores: Float64Array;
  offset: number;
  flags: Uint8Array;
  /** The unit's alarm state right after each reading (with units only). */
  alarm?: Uint8Array;
}

export function scoresCsvHeader(t: ScoresTable): string[] {
  return [
    'row',
    ...(t.unit ? [t.unit.name] : []),
    ...(t.time ? [t.time.name] : []),
    'score',
    'decision',
    'is_anomaly',
    ...(t.alarm ? ['alarm'] : []),
    'anomaly_score',
  ];
}

/**
 * Rows [from, to) without the header, each line ending in \n: callers may write the file in
 * pieces; `rowBase` is the first row's number in the whole file. Lines are built directly,
 * quoting only text ids as Papa.unparse would (numbers never need it): the same text as
 * Papa's, several times faster on big files.
 */
export function scoresCsvRows(t: ScoresTable, from = 0, to = t.scores.length, rowBase = 0): string {
  const lines: string[] = new Array<string>(Math.max(0, to - from));
  const ids = unitCells(t);
  for (let i = from; i < to; i++) lines[i - from] = scoresCsvLine(t, ids, i, rowBase + i);
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/**
 * Every row's line, numbered by `rowNumbers` (a subset of a file's rows), and where each
 * line ends in the text: a caller interleaving several such subsets slices runs of lines.
 */
export function scoresCsvLines(t: ScoresTable, rowNumbers: Int32Array): { text: string; ends: Uint32Array } {
  const ends = new Uint32Array(rowNumbers.length);
  const lines: string[] = new Array<string>(rowNumbers.length);
  let at = 0;
  const ids = unitCells(t);
  for (let i = 0; i < rowNumbers.length; i++) {
    const line = scoresCsvLine(t, ids, i, rowNumbers[i]);
    lines[i] = line;
    at += line.length + 1;
    ends[i] = at;
  }
  return { text: lines.length ? `${lines.join('\n')}\n` : '', ends };
}

function scoresCsvLine(t: ScoresTable, ids: string[] | undefined, i: number, row: number): string {
  const s = t.scores[i];
  let line = String(row);
  if (t.unit) line += `,${(ids && ids[t.unit.values[i] - 1]) ?? cell(t.unit.values[i])}`;
  if (t.time) line += `,${t.time.timestamp ? isoCell(t.time.values[i]) : cell(t.time.values[i])}`;
  line += Number.isNaN(s) ? ',,,' : `,${s},${s - t.offset},${t.flags[i]}`;
  if (t.alarm) line += `,${t.alarm[i]}`;
  line += Number.isNaN(s) ? ',' : `,${-s}`;
  return line;
}

/** The header line, names quoted where they need it. */
export function scoresCsvHeaderLine(t: ScoresTable): string {
  return `${Papa.unparse([scoresCsvHeader(t)], { newline: '\n' })}\n`;
}

export function scoresCsv(t: ScoresTable): string {
  return `${scoresCsvHeaderLine(t)}${scoresCsvRows(t)}`;
}

/** Each text id as a cell, quoted as Papa.unparse quotes it (a comma, quote or line break inside, a space at either end). */
function unitCells(t: ScoresTable): string[] | undefined {
  return t.unit?.labels?.map((id) => (/[",\r\n\ufeff]|^ | $/.test(id) ? `"${id.replace(/"/g, '""')}"` : id));
}

function cell(v: number): string {
  return Number.isNaN(v) ? '' : String(v);
}

function isoCell(ms: number): string {
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : '';
}
