// Dates and clock times as CSV files write them: ISO 8601, 2024/03/01, day-first
// 01.03.2024, slashed 01/03/2024 (day or month first, decided per column from its first
// rows), one-digit hours and AM/PM, and a clock time in a column of its own.

/** How a slashed date d/m/yyyy or m/d/yyyy is read. */
export type DateOrder = 'dmy' | 'mdy';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
/** 2024/03/01 12:00 (as many loggers write ISO dates). */
const SLASHED_ISO = /^(\d{4})\/(\d{2})\/(\d{2})(?=$|[ T])/;
/** 01.03.2024 12:00: dots put the day first (the European way, e.g. the Jena climate record); never month-first. */
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?=$| )/;
/** 01/03/2024 12:00: day first in most of the world, month first in the US; the column's first rows decide. */
const SLASHED = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?=$| )/;
/** A clock as people write one: 7:05, 07:05:30.5, 1:05:00 PM. */
const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*([AaPp][Mm])?$/;

/** Milliseconds since midnight for a clock time ("13:05:30", "1:05:30 PM"); NaN for anything else. */
export function clockMs(s: string): number {
  const m = CLOCK.exec(s.trim());
  if (!m) return NaN;
  let h = Number(m[1]);
  const min = Number(m[2]);
  const sec = m[3] === undefined ? 0 : Number(m[3]);
  if (m[5]) {
    if (h < 1 || h > 12) return NaN;
    h = (h % 12) + (/p/i.test(m[5]) ? 12 : 0);
  }
  if (h > 23 || min > 59 || sec > 59) return NaN;
  return ((h * 60 + min) * 60 + sec) * 1000 + Math.round(Number(`0${m[4] ?? ''}`) * 1000);
}

/** The date's text with its day, month and year put in ISO order, or undefined. */
function isoDate(t: string, order: DateOrder | undefined): { date: string; rest: string } | undefined {
  const pad = (n: string) => n.padStart(2, '0');
  const iso = /^\d{4}-\d{2}-\d{2}/.exec(t);
  if (iso) return { date: iso[0], rest: t.slice(10) };
  const slashedIso = SLASHED_ISO.exec(t);
  if (slashedIso) return { date: `${slashedIso[1]}-${slashedIso[2]}-${slashedIso[3]}`, rest: t.slice(slashedIso[0].length) };
  const dotted = DOTTED.exec(t);
  if (dotted) return { date: `${dotted[3]}-${pad(dotted[2])}-${pad(dotted[1])}`, rest: t.slice(dotted[0].length) };
  const slashed = order && SLASHED.exec(t);
  if (slashed) {
    const [day, month] = order === 'dmy' ? [slashed[1], slashed[2]] : [slashed[2], slashed[1]];
    return { date: `${slashed[3]}-${pad(month)}-${pad(day)}`, rest: t.slice(slashed[0].length) };
  }
  return undefined;
}

/**
 * Epoch ms for a timestamp; a time without zone is read as UTC so results never depend on the
 * machine. A slashed date of one or two-digit fields is read only with its column's `order`.
 */
export function parseTimestamp(s: string, order?: DateOrder): number {
  const parts = isoDate(s.trim(), order);
  if (!parts) return NaN;
  let { rest } = parts;
  // A clock without zone as people write it (one-digit hour, AM/PM) in ISO form.
  if (rest.length > 0 && (rest[0] === ' ' || rest[0] === 'T')) {
    const ms = CLOCK.test(rest.slice(1).trim()) ? clockMs(rest.slice(1)) : undefined;
    if (ms !== undefined) {
      if (Number.isNaN(ms)) return NaN;
      const frac = /\.\d+/.exec(rest)?.[0] ?? '';
      const hms = new Date(ms - (ms % 1000)).toISOString().slice(11, 19);
      rest = ` ${hms}${frac}`;
    }
  }
  const t = parts.date + rest;
  if (!ISO_TIME.test(t)) return NaN;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(t) && t.length > 10;
  const iso = t.length === 10 ? `${t}T00:00:00Z` : hasZone ? t.replace(' ', 'T') : `${t.replace(' ', 'T')}Z`;
  // A day the month does not have (31.02.) is no date: Date.parse would roll it into the next month.
  const [y, m, d] = [Number(t.slice(0, 4)), Number(t.slice(5, 7)), Number(t.slice(8, 10))];
  if (m < 1 || m > 12 || d < 1 || d > new Date(Date.UTC(y, m, 0)).getUTCDate()) return NaN;
  return Date.parse(iso);
}

/** A cell that is a date in some reading, or a clock time: never a header name. */
export function looksLikeTime(s: string): boolean {
  return !Number.isNaN(parseTimestamp(s, 'dmy')) || !Number.isNaN(parseTimestamp(s, 'mdy')) || !Number.isNaN(clockMs(s));
}

/** A timestamp with no time of day: a date column that a clock column may complete. */
export function isDateOnly(s: string): boolean {
  return isoDate(s.trim(), 'dmy')?.rest === '';
}

/** How a column of slashed dates is read, and why (for the note); undefined when its cells are not slashed dates. */
export function slashedOrder(cells: string[]): { order: DateOrder; why: string } | undefined {
  const fields = cells.map((c) => SLASHED.exec(c.trim()));
  if (fields.length === 0 || fields.some((f) => !f)) return undefined;
  const dayFirst = fields.some((f) => Number(f![1]) > 12);
  const monthFirst = fields.some((f) => Number(f![2]) > 12);
  if (dayFirst && monthFirst) return undefined;
  if (dayFirst) return { order: 'dmy', why: 'a first number above 12 is a day' };
  if (monthFirst) return { order: 'mdy', why: 'a second number above 12 is a day' };
  // Readings are written in time order: the reading under which the first rows go back in time less is the file's.
  const steps = (order: DateOrder) => {
    const t = cells.map((c) => parseTimestamp(c, order));
    let back = 0;
    for (let i = 1; i < t.length; i++) if (t[i] < t[i - 1]) back++;
    return back;
  };
  const [dmy, mdy] = [steps('dmy'), steps('mdy')];
  if (dmy !== mdy) return { order: dmy < mdy ? 'dmy' : 'mdy', why: 'only so do the first rows run forward in time' };
  if (cells.some((c) => /[AaPp][Mm]\s*$/.test(c))) return { order: 'mdy', why: 'assumed from the AM/PM times, as US exports write them' };
  return { order: 'dmy', why: 'assumed: nothing in the first rows tells day from month (ISO dates, 2024-03-01, leave no doubt)' };
}
