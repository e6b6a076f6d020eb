// How the page says a moment and a span of the data's time: cycles for C-MAPSS-like
// data, dates for timestamps, the column's own name otherwise.
import { columnByRole, type Dataset } from '../data/dataset.js';
import { fmt, plural } from './dom.js';
import { dateAt, dateSpan } from '../data/time-text.js';

export interface TimeWords {
  /** The axis title: "cycle", "time (UTC)", "row". */
  axis: string;
  /** A moment: "cycle 180", "2024-03-01 14:00", "t 12". */
  at(t: number): string;
  /** A span between two moments: "12 cycles", "3.5 h". */
  span(d: number): string;
  /** How a chart's x axis counts: calendar ticks (epoch ms, UTC), whole steps (cycles, rows) or any number. */
  ticks: 'date' | 'whole' | 'number';
}

export function timeWords(truth?: Dataset): TimeWords {
  const col = truth && columnByRole(truth, 'time');
  if (!col) return { axis: 'row', at: (t) => `row ${fmt(t)}`, span: (d) => plural(d, 'row'), ticks: 'whole' };
  if (col.timestamp) {
    return {
      axis: 'time (UTC)',
      ticks: 'date',
      at: dateAt,
      span: dateSpan,
    };
  }
  if (/cycle/i.test(col.name)) return { axis: 'cycle', at: (t) => `cycle ${fmt(t)}`, span: (d) => plural(d, 'cycle'), ticks: 'whole' };
  return { axis: col.name, at: (t) => `${col.name} ${fmt(t)}`, span: (d) => `${fmt(d)} (${col.name})`, ticks: 'number' };
}
