// Readings on the hub are one JSON object per event, the dataset's columns by name.
// Decoding picks the model's stream inputs out of an event; a missing or non-numeric
// value becomes NaN (so the reading is reported unscored, never scored as 0).
import { columnByRole, type Dataset } from '../data/dataset.js';
import { valueAt } from '../data/compact-columns.js';
import { isMissingCode, isNumberToken, readingValue } from '../data/numbers.js';

export type Reading = Record<string, unknown>;

/** A reading as stored: the reading whole, plus its id and what scoring said of it. */
export type ScoredDocument = Record<string, unknown> & { id: string; unit_number: string | number };

export function readingOf(ds: Dataset, row: number): Reading {
  const out: Reading = {};
  for (const c of ds.columns) {
    if (c.role === 'rul' || c.role === 'label') continue; // ground truth never travels with a reading
    const v = valueAt(c, row);
    out[c.name] = Number.isNaN(v) ? null : c.labels ? (c.labels[v - 1] ?? null) : v;
  }
  return out;
}

/** The unit a row belongs to, as its reading carries it (text ids as text): the hub's partition key. */
export function unitOf(ds: Dataset, row: number): string {
  const c = columnByRole(ds, 'unit');
  const u = c?.values[row];
  if (u === undefined || Number.isNaN(u)) return '0';
  return c?.labels ? (c.labels[u - 1] ?? '0') : String(u);
}

/** The fields that key a reading: its unit (null: the stream is one unit) and its time. */
export interface StreamKeys {
  unitField: string | null;
  timeField: string;
}

/** A reading that cannot be keyed: never scored, never stored under a made-up id. */
export interface Rejected {
  /** Index among the batch's events. */
  index: number;
  reason: string;
}

/** The unit a stream without a unit field is stored under. */
export const SINGLE_UNIT = 0;

// Characters Cosmos DB does not allow in an id, and control characters.
const badIdChar = (t: string) => /[/\\?#]/.test(t) || [...t].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127);
const MAX_UNIT_CHARS = 200;

/** A unit id as readings key it ("7" is 7, " P1 " is P1), or why it cannot be one. */
export function unitKeyOf(v: unknown, field: string): string | number {
  if (typeof v === 'number' && Number.isFinite(v)) {
    // JSON.parse has already rounded such an id (12345678901234567891 reads as …7000): two machines would share a unit.
    if (Number.isInteger(v) && !Number.isSafeInteger(v))
      throw new Error(
        `unit field "${field}" is a whole number past 2^53 (${v}), which JSON numbers cannot carry exactly: send the id as text`,
      );
    return v;
  }
  if (typeof v === 'string') {
    // One id however its accents were composed: "Presse Ä" typed on a Mac (NFD) and on Windows (NFC) is one unit.
    const t = v.trim().normalize('NFC');
    if (t === '') throw new Error(`unit field "${field}" is empty`);
    // Characters as people count them: an emoji is one, though JavaScript's length counts two.
    if (t.length > MAX_UNIT_CHARS && [...t].length > MAX_UNIT_CHARS)
      throw new Error(`unit field "${field}" is longer than ${MAX_UNIT_CHARS} characters`);
    if (badIdChar(t)) throw new Error(`unit field "${field}" holds a character an id cannot hold (/ \\ ? # or a control character)`);
    // "7000" and 7000 are one unit (their documents share the id "7000-<time>"); "007" and "7.0" stay text.
    return /^-?(0|[1-9]\d{0,14})$/.test(t) ? Number(t) : t;
  }
  if (v === null) throw new Error(`unit field "${field}" is null: give the unit's id`);
  throw new Error(v === undefined ? `no unit field "${field}"` : `unit field "${field}" is not text or a number`);
}

/** A JSON number, or text holding a decimal number literal as a CSV cell would ("642.5", "6.4e2"; not "0x10" or "Infinity"). */
function numberOf(v: unknown): number {
  return typeof v === 'number' ? v : typeof v === 'string' && isNumberToken(v) ? Number(v) : NaN;
}

/** An input as the CSV reader reads its cell: true/false (or "ON"/"OFF") are 1/0, -999 and -9999 are missing. */
function inputValue(v: unknown): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return isMissingCode(v) ? NaN : v;
  return typeof v === 'string' ? readingValue(v) : NaN;
}

function timeValue(v: unknown, field: string): number {
  if (v === undefined || v === null) throw new Error(`no time field "${field}"`);
  const t = numberOf(v);
  if (!Number.isFinite(t)) throw new Error(`time field "${field}" is not a number`);
  return t;
}

/** Event bodies split by keyReadings. */
export interface Keyed {
  readings: Reading[];
  /** Per reading: its index among the events. */
  index: number[];
  rejected: Rejected[];
}

/** Splits event bodies into keyable readings (in order) and the ones that cannot be keyed, with why. */
export function keyReadings(bodies: readonly unknown[], keys: StreamKeys): Keyed {
  const readings: Reading[] = [];
  const index: number[] = [];
  const rejected: Rejected[] = [];
  bodies.forEach((b, i) => {
    // A body sent as bytes (not JSON) arrives as a Buffer, an object without the reading's fields.
    if (b instanceof Uint8Array) return rejected.push({ index: i, reason: `the event body is ${b.length} bytes, not a JSON object` });
    if (!b || typeof b !== 'object' || Array.isArray(b)) return rejected.push({ index: i, reason: 'the event body is not a JSON object' });
    const r = b as Reading;
    try {
      if (keys.unitField !== null) unitKeyOf(r[keys.unitField], keys.unitField);
      timeValue(r[keys.timeField], keys.timeField);
    } catch (e) {
      return rejected.push({ index: i, reason: (e as Error).message });
    }
    readings.push(r);
    index.push(i);
  });
  return { readings, index, rejected };
}

export interface DecodedBatch {
  block: Float64Array;
  /** Each reading's unit as a number, NaN for a text id (for drawing). */
  units: Float64Array;
  /** Each reading's unit as it came (text stays text): what its state is tracked and stored under. */
  unitIds: (string | number)[];
  times: Float64Array;
  /** Per input: readings where it was absent or not a number. */
  missing: number[];
}

/** Decodes keyable readings (see keyReadings): the model's inputs as a row-major block, units and times. */
export function decodeReadings(events: Reading[], inputs: string[], keys: StreamKeys): DecodedBatch {
  const d = inputs.length;
  const block = new Float64Array(events.length * d);
  const units = new Float64Array(events.length);
  const unitIds: (string | number)[] = new Array<string | number>(events.length);
  const times = new Float64Array(events.length);
  const missing = inputs.map(() => 0);
  events.forEach((e, i) => {
    inputs.forEach((name, f) => {
      const v = e[name];
      const x = inputValue(v);
      if (!Number.isFinite(x)) missing[f]++;
      block[i * d + f] = Number.isFinite(x) ? x : NaN;
    });
    const u = keys.unitField === null ? SINGLE_UNIT : unitKeyOf(e[keys.unitField], keys.unitField);
    unitIds[i] = u;
    units[i] = typeof u === 'number' ? u : NaN;
    times[i] = timeValue(e[keys.timeField], keys.timeField);
  });
  return { block, units, unitIds, times, missing };
}

/** The id that makes a repeated write of the same reading idempotent. */
export function documentId(unit: string | number, time: number): string {
  return `${unit}-${time}`;
}

export interface ScoreOutcome {
  /** score_samples; NaN when a feature was missing. */
  score: number;
  flag: number;
  alarm: boolean;
}

/** What scoring said of one reading, as stored documents and `isoscope serve` results both carry it. */
export interface Outcome {
  /** -score_samples (higher is more abnormal); null when a feature was missing. */
  anomaly_score: number | null;
  is_anomaly: boolean | null;
  /** The unit's alarm state right after this reading. */
  alarm: boolean;
  /** Only on an unscored reading: the inputs it lacked. */
  missing_features?: string[];
  /** Only on a reading unscored with every input there: its unit's feature window is still filling. */
  warming_up?: true;
}

export function outcomeOf(decoded: DecodedBatch, inputs: string[], i: number, o: ScoreOutcome): Outcome {
  if (!Number.isNaN(o.score)) return { anomaly_score: -o.score, is_anomaly: o.flag === 1, alarm: o.alarm };
  const d = inputs.length;
  const missing = inputs.filter((_, f) => Number.isNaN(decoded.block[i * d + f]));
  // Every input there, yet no score: the unit's window spread is not full yet (its first readings).
  if (!missing.length) return { anomaly_score: null, is_anomaly: null, alarm: o.alarm, warming_up: true };
  return { anomaly_score: null, is_anomaly: null, alarm: o.alarm, missing_features: missing };
}

/**
 * The document stored for a scored reading: the reading whole, plus its id, score, flag,
 * the unit's alarm state and the model that scored it. A reading with a missing feature
 * is stored unscored (null) with the features it lacked.
 */
export function scoredDocument(
  body: Reading,
  decoded: DecodedBatch,
  inputs: string[],
  i: number,
  o: ScoreOutcome,
  model: { id: string; version: string },
  scoredAt: string,
): ScoredDocument {
  // Object.assign, not {...body, id, …}: V8 builds a spread followed by more keys about ten times
  // slower (20 µs a reading). Assign *sets* keys, though, so a body with its own "__proto__" would
  // hand the copy a prototype: such a body is copied by spread.
  const copy: Reading = Object.hasOwn(body, '__proto__') ? { ...body } : Object.assign({}, body);
  return Object.assign(
    copy,
    { id: documentId(decoded.unitIds[i], decoded.times[i]), unit_number: decoded.unitIds[i] },
    outcomeOf(decoded, inputs, i, o),
    { model_id: model.id, model_version: model.version, scored_at: scoredAt },
  );
}
