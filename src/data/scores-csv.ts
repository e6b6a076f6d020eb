// The scores CSV, written the same way by `isoscope score` and the page's Export scores:
// row, unit and time (when the data has them), score (score_samples: lower is more
// abnormal), decision (score - offset), is_anomaly, and with units the alarm state.
// An unscored reading (a missing feature) has empty cells. Papa.unparse quotes any name
// or value that needs it.
import Papa from 'papaparse';
import type { Column } from './dataset.js';

export interface ScoresTable {
  /** Text ids (labels) are written as the file wrote them. */
  unit?: Pick<Column, 'name' | 'values' | 'labels'>;
  time?: Pick<Column, 'name' | 'values'>;
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
  ];
}

/** Rows [from, to) without the header, each line ending in \n: callers may write the file in pieces. */
export function scoresCsvRows(t: ScoresTable, from = 0, to = t.scores.length): string {
  const rows: (number | string)[][] = [];
  for (let i = from; i < to; i++) {
    const s = t.scores[i];
    const scored = !Number.isNaN(s);
    rows.push([
      i,
      ...(t.unit ? [t.unit.labels?.[t.unit.values[i] - 1] ?? cell(t.unit.values[i])] : []),
      ...(t.time ? [cell(t.time.values[i])] : []),
      scored ? s : '',
      scored ? s - t.offset : '',
      scored ? t.flags[i] : '',
      ...(t.alarm ? [t.alarm[i]] : []),
    ]);
  }
  return rows.length ? `${Papa.unparse(rows, { newline: '\n' })}\n` : '';
}

export function scoresCsv(t: ScoresTable): string {
  return `${Papa.unparse([scoresCsvHeader(t)], { newline: '\n' })}\n${scoresCsvRows(t)}`;
}

function cell(v: number): number | string {
  return Number.isNaN(v) ? '' : v;
}
