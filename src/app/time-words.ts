// How the page says a moment and a span of the data's time: cycles for C-MAPSS-like
// data, dates for timestamps, the column's own name otherwise.
import { columnByRole, type Dataset } from '../data/dataset.js';
import { fmt, plural } from './dom.js';

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

const MINUTE = 60_000;

/** An epoch-ms moment as the page writes it: "2024-03-01 14:00" (UTC). */
export const dateAt = (t: number): string => new Date(t).toISOString().slice(0, 16).replace('T', ' ');

/** A span of epoch ms: "12 min", "3.5 h", "50.2 days". */
export const dateSpan = (d: number): string =>
  d < 2 * 60 * MINUTE
    ? `${fmt(Math.round(d / MINUTE))} min`
    : d < 48 * 60 * MINUTE
      ? `${(d / 3_600_000).toFixed(1)} h`
      : `${(d / 86_400_000).toFixed(1)} days`;

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
