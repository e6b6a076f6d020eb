// Readings on the hub are one JSON object per event, the dataset's columns by name.
// Decoding picks the model's stream inputs out of an event; a missing or non-numeric
// value becomes NaN (so the reading is reported unscored, never scored as 0).
import { columnByRole, type Dataset } from '../data/dataset.js';

export type Reading = Record<string, unknown>;

/** A reading as stored: the reading whole, plus its id and what scoring said of it. */
export type ScoredDocument = Record<string, unknown> & { id: string; unit_number: number };

export function readingOf(ds: Dataset, row: number): Reading {
  const out: Reading = {};
  for (const c of ds.columns) {
    if (c.role === 'rul' || c.role === 'label') continue; // ground truth never travels with a reading
    const v = c.values[row];
    out[c.name] = Number.isNaN(v) ? null : v;
  }
  return out;
}

export function unitOf(ds: Dataset, row: number): string {
  const u = columnByRole(ds, 'unit')?.values[row];
  return u === undefined || Number.isNaN(u) ? '0' : String(u);
}

export interface DecodedBatch {
  block: Float64Array;
  units: Float64Array;
  times: Float64Array;
  /** Per input: readings where it was absent or not a number. */
  missing: number[];
}

export function decodeReadings(events: Reading[], inputs: string[], unitField: string, timeField: string): DecodedBatch {
  const d = inputs.length;
  const block = new Float64Array(events.length * d);
  const units = new Float64Array(events.length);
  const times = new Float64Array(events.length);
  const missing = inputs.map(() => 0);
  events.forEach((e, i) => {
    inputs.forEach((name, f) => {
      const v = e[name];
      const x = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(x)) missing[f]++;
      block[i * d + f] = Number.isFinite(x) ? x : NaN;
    });
    units[i] = Number(e[unitField] ?? 0);
    times[i] = Number(e[timeField] ?? i);
  });
  return { block, units, times, missing };
}

/** The id that makes a repeated write of the same reading idempotent. */
export function documentId(unit: number, time: number): string {
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
}

export function outcomeOf(decoded: DecodedBatch, inputs: string[], i: number, o: ScoreOutcome): Outcome {
  if (!Number.isNaN(o.score)) return { anomaly_score: -o.score, is_anomaly: o.flag === 1, alarm: o.alarm };
  const d = inputs.length;
  const missing = inputs.filter((_, f) => Number.isNaN(decoded.block[i * d + f]));
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
    { id: documentId(decoded.units[i], decoded.times[i]), unit_number: decoded.units[i] },
    outcomeOf(decoded, inputs, i, o),
    { model_id: model.id, model_version: model.version, scored_at: scoredAt },
  );
}
