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
  const scored = !Number.isNaN(o.score);
  const d = inputs.length;
  const missing = scored ? undefined : inputs.filter((_, f) => Number.isNaN(decoded.block[i * d + f]));
  return {
    ...body,
    id: documentId(decoded.units[i], decoded.times[i]),
    unit_number: decoded.units[i],
    anomaly_score: scored ? -o.score : null,
    is_anomaly: scored ? o.flag === 1 : null,
    alarm: o.alarm,
    ...(missing ? { missing_features: missing } : {}),
    model_id: model.id,
    model_version: model.version,
    scored_at: scoredAt,
  };
}
