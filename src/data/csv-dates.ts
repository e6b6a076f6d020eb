// Dates and clock times as CSV files write them: ISO 8601, 2024/03/01, day-first
// 01.03.2024, slashed 01/03/2024 (day or month first, decided once per file from its first
// rows), two-digit years, one-digit hours, AM/PM (also a.m./p.m.), comma fractions, a zone after
// a space, and a clock time in a column of its own.

/** How a slashed date d/m/yyyy or m/d/yyyy is read. */
export type DateOrder = 'dmy' | 'mdy';

/** 2024/03/01 12:00 (as many loggers write ISO dates). */
const SLASHED_ISO = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?=$|[ T])/;
/** 01.03.2024 12:00: dots put the day first (the European way, e.g. the Jena climate record); never month-first. */
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?=$| )/;
/** 01/03/2024 12:00: day first in most of the world, month first in the US; the file's first rows decide. */
const SLASHED = /^(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})(?=$| )/;
/** A clock as people write one: 7:05, 07:05:30.5, 07:05:30,5, 1:05:00 PM, 1:05 p.m. */
const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2})([.,]\d+)?)?\s*([AaPp]\.?\s?[Mm]\.?)?$/;
/** A time of day written with AM/PM, a.m./p.m. (a zone after it stripped first). */
const AM_PM = /\d\s*[ap]\.?\s?m\.?$/i;

/**
 * A year written with two digits, as spreadsheets' short dates write it: 69–99 are 1969–1999 and
 * 00–68 are 2000–2068, the POSIX rule (strptime's %y) that Python and most tools follow.
 */
export const fullYear = (y: string): number => (y.length === 2 ? (Number(y) < 69 ? 2000 : 1900) + Number(y) : Number(y));
/**
 * A zone after the clock: Z, +02:00, +0200, " UTC" / " GMT", an offset from them ("UTC+1",
 * "GMT-05:00"), or a zone's abbreviation as loggers write it (ZONE_NAMES).
 */
const ZONE = /\s*(Z|[+-]\d{2}:?\d{2}|(?:UTC|GMT)(?:[+-]\d{1,2}(?::?\d{2})?)?|[A-Z]{3,4})$/i;
/**
 * Abbreviations that name one offset wherever they are written (IST, CST in Asia, are not
 * among them: they name several). Daylight saving is in the name (EDT, CEST).
 */
const ZONE_NAMES: Record<string, string> = {
  EST: '-05:00',
  EDT: '-04:00',
  CDT: '-05:00',
  MST: '-07:00',
  MDT: '-06:00',
  PST: '-08:00',
  PDT: '-07:00',
  AKST: '-09:00',
  AKDT: '-08:00',
  HST: '-10:00',
  WET: '+00:00',
  WEST: '+01:00',
  BST: '+01:00',
  CET: '+01:00',
  CEST: '+02:00',
  MEZ: '+01:00',
  MESZ: '+02:00',
  EET: '+02:00',
  EEST: '+03:00',
  MSK: '+03:00',
  JST: '+09:00',
  KST: '+09:00',
  AEST: '+10:00',
  AEDT: '+11:00',
  NZST: '+12:00',
  NZDT: '+13:00',
};

/** A zone as Date.parse reads it ("Z", "+05:30"); undefined for a name it does not know. */
function zoneOffset(zone: string): string | undefined {
  const z = zone.toUpperCase();
  if (z === 'Z' || z === 'UTC' || z === 'GMT') return 'Z';
  const from = /^(?:UTC|GMT)([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(z);
  if (from) return Number(from[2]) > 14 ? undefined : `${from[1]}${from[2].padStart(2, '0')}:${from[3] ?? '00'}`;
  if (/^[+-]\d{4}$/.test(z)) return `${z.slice(0, 3)}:${z.slice(3)}`;
  if (/^[+-]\d{2}:\d{2}$/.test(z)) return z;
  return ZONE_NAMES[z];
}

/** 2024-03-01T12:00:00.000Z and shorter: the form Date.parse reads as is. */
const STRICT_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;

/** Whether a strict ISO text names a day its month has and an hour below 24 (Date.parse would roll 02-30 into March). */
function isoDay(s: string): boolean {
  const n = (at: number) => (s.charCodeAt(at) - 48) * 10 + s.charCodeAt(at + 1) - 48;
  const y = n(0) * 100 + n(2);
  const m = n(5);
  const d = n(8);
  return m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate() && n(11) <= 23;
}

interface Clock {
  hms: string;
  /** Fraction of a second as written (".25"), never rounded into the seconds. */
  fraction: string;
  ms: number;
}

function clockOf(s: string): Clock | undefined {
  const m = CLOCK.exec(s.trim());
  if (!m) return undefined;
  let h = Number(m[1]);
  const min = Number(m[2]);
  const sec = m[3] === undefined ? 0 : Number(m[3]);
  if (m[5]) {
    if (h < 1 || h > 12) return undefined;
    h = (h % 12) + (/p/i.test(m[5]) ? 12 : 0);
  }
  if (h > 23 || min > 59 || sec > 59) return undefined;
  const fraction = m[4] ? `.${m[4].slice(1)}` : '';
  const pad = (n: number) => String(n).padStart(2, '0');
  // Milliseconds truncate, as Date.parse does: 59.9999 s stays in its second.
  const ms = ((h * 60 + min) * 60 + sec) * 1000 + Math.floor(Number(`0${fraction}`) * 1000);
  return { hms: `${pad(h)}:${pad(min)}:${pad(sec)}`, fraction, ms };
}

/** Milliseconds since midnight for a clock time ("13:05:30", "1:05:30 PM"); NaN for anything else. */
export function clockMs(s: string): number {
  return clockOf(s)?.ms ?? NaN;
}

/**
 * A two-digit year is taken only where a spreadsheet's short date would write it: day and month
 * of two digits (01.03.24), or a time after the date (3/1/24 1:05 PM). "1.1.10" is a version.
 */
const shortYearOk = (found: RegExpExecArray, rest: string) =>
  found[3].length === 4 || (found[1].length === 2 && found[2].length === 2) || rest.trim() !== '';

/** The date's year, month and day, and the text after it; undefined when it is no date of these forms. */
function dateParts(t: string, order: DateOrder | undefined): { y: number; m: number; d: number; rest: string } | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?=$|[ T])/.exec(t);
  const found = iso ?? SLASHED_ISO.exec(t);
  if (found) return { y: Number(found[1]), m: Number(found[2]), d: Number(found[3]), rest: t.slice(found[0].length) };
  const dotted = DOTTED.exec(t);
  if (dotted && shortYearOk(dotted, t.slice(dotted[0].length)))
    return { y: fullYear(dotted[3]), m: Number(dotted[2]), d: Number(dotted[1]), rest: t.slice(dotted[0].length) };
  const slashed = order && SLASHED.exec(t);
  if (!slashed || !shortYearOk(slashed, t.slice(slashed[0].length))) return undefined;
  const [d, m] = order === 'dmy' ? [slashed[1], slashed[2]] : [slashed[2], slashed[1]];
  return { y: fullYear(slashed[3]), m: Number(m), d: Number(d), rest: t.slice(slashed[0].length) };
}

/**
 * Epoch ms for a timestamp; a time without zone is read as UTC so results never depend on the
 * machine. A slashed date of one or two-digit fields is read only with the file's `order`.
 */
export function parseTimestamp(s: string, order?: DateOrder): number {
  // Most loggers write ISO 8601 in UTC: read at once, without taking it apart.
  if (STRICT_ISO.test(s)) return isoDay(s) ? Date.parse(s) : NaN;
  const parts = dateParts(s.trim(), order);
  if (!parts) return NaN;
  const { y, m, d } = parts;
  // A day the month does not have (31.02.) is no date: Date.parse would roll it into the next month.
  if (m < 1 || m > 12 || d < 1 || d > new Date(Date.UTC(y, m, 0)).getUTCDate()) return NaN;
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${y}-${pad(m)}-${pad(d)}`;
  let rest = parts.rest;
  if (rest === '') return Date.parse(`${date}T00:00:00Z`);
  if (rest[0] !== ' ' && rest[0] !== 'T') return NaN;
  rest = rest.slice(1).trim();
  const zone = ZONE.exec(rest);
  const offset = zone ? zoneOffset(zone[1]) : 'Z';
  // A word after the clock that names no zone known here ("IST": India, Israel or Ireland) is no time read wrong.
  if (offset === undefined) return NaN;
  const clock = clockOf(zone ? rest.slice(0, zone.index) : rest);
  if (!clock) return NaN;
  return Date.parse(`${date}T${clock.hms}${clock.fraction}${offset}`);
}

/** A cell that is a date in some reading, or a clock time: never a header name. */
export function looksLikeTime(s: string): boolean {
  return !Number.isNaN(parseTimestamp(s, 'dmy')) || !Number.isNaN(parseTimestamp(s, 'mdy')) || !Number.isNaN(clockMs(s));
}

/** A timestamp with no time of day: a date column that a clock column may complete. */
export function isDateOnly(s: string): boolean {
  return dateParts(s.trim(), 'dmy')?.rest === '';
}

/** Whether a cell is a slashed date d/m/yyyy or m/d/yyyy, whose order the file must tell. */
export const isSlashedDate = (s: string): boolean => SLASHED.test(s.trim());

/**
 * How the file's slashed dates are read, and why (for the note), from the first rows of every
 * column that holds them: one order for the whole file, so a start and an end read alike.
 * `amPm`: some time in the file is written with AM/PM. Undefined when day and month both
 * exceed 12 somewhere (no order reads them all).
 */
export function slashedOrder(columns: string[][], amPm: boolean): SlashedOrder | undefined {
  const fields = columns.map((cells) => cells.map((c) => SLASHED.exec(c.trim())).filter((m): m is RegExpExecArray => m !== null));
  const dayFirst = fields.some((f) => f.some((m) => Number(m[1]) > 12));
  const monthFirst = fields.some((f) => f.some((m) => Number(m[2]) > 12));
  if (dayFirst && monthFirst) return undefined;
  if (dayFirst) return { order: 'dmy', why: 'a first number above 12 is a day' };
  if (monthFirst) return { order: 'mdy', why: 'a second number above 12 is a day' };
  // Readings are written in time order: the reading under which the first rows go back in time less is the file's.
  const steps = (order: DateOrder) =>
    columns.reduce((back, cells) => {
      const t = cells.map((c) => parseTimestamp(c, order)).filter((v) => !Number.isNaN(v));
      for (let i = 1; i < t.length; i++) if (t[i] < t[i - 1]) back++;
      return back;
    }, 0);
  const [dmy, mdy] = [steps('dmy'), steps('mdy')];
  if (dmy !== mdy) return { order: dmy < mdy ? 'dmy' : 'mdy', why: 'only so do the first rows run forward in time' };
  // From here the order is assumed: the first later date that tells settles it (date-order-watch.ts).
  if (amPm) return { order: 'mdy', why: 'assumed from the AM/PM times, as US exports write them', tentative: true };
  // Readings come at a steady pace: the reading under which the first rows step less in all (a day, not a month) is the file's.
  const span = (order: DateOrder) =>
    columns.reduce((sum, cells) => {
      const t = cells.map((c) => parseTimestamp(c, order)).filter((v) => !Number.isNaN(v));
      for (let i = 1; i < t.length; i++) sum += Math.abs(t[i] - t[i - 1]);
      return sum;
    }, 0);
  const [dmySpan, mdySpan] = [span('dmy'), span('mdy')];
  // A guess (monthly readings step by months): a later date may still tell.
  if (dmySpan !== mdySpan)
    return { order: dmySpan < mdySpan ? 'dmy' : 'mdy', why: 'only so do the first rows step by days, not months', tentative: true };
  return {
    order: 'dmy',
    why: 'assumed: nothing in the first rows tells day from month (ISO dates, 2024-03-01, leave no doubt)',
    tentative: true,
  };
}

/** The order a file's slashed dates are read in, why, and whether a later date may still settle it. */
export interface SlashedOrder {
  order: DateOrder;
  why: string;
  /** Assumed: a later date that tells settles it. */
  tentative?: boolean;
  /** Why a later date read the other way, when dates read before it could not be read again (a streamed read). */
  contradicted?: string;
}

/** Whether a timestamp says its zone (Z, +02:00, UTC). */
export const hasZone = (s: string): boolean => {
  const zone = ZONE.exec(s.trim());
  return !!zone && zoneOffset(zone[1]) !== undefined;
};

/** Whether a time is written with AM/PM. */
export const hasAmPm = (s: string): boolean => AM_PM.test(s.trim().replace(ZONE, ''));

/** Whether a date is written with a two-digit year (01/03/24, 01.03.24). */
export const hasTwoDigitYear = (s: string): boolean => {
  const t = s.trim();
  return (SLASHED.exec(t) ?? DOTTED.exec(t))?.[3].length === 2;
};

/** The other order, to tell a cell that is a date only the other way round. */
export const otherOrder = (order: DateOrder): DateOrder => (order === 'dmy' ? 'mdy' : 'dmy');
