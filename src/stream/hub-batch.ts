// One path from hub events to stored documents, shared by the headless consumer and the
// browser's live link: decode the bodies, score them with the live scorer (window state
// and k-of-n per unit), and build each document with the alarm state right after its own
// reading. Both sides therefore store identical documents for the same events, and the
// prediction server (isoscope serve) answers with the same outcome for each reading.
import type { LiveScorer, ScoreContext } from './live-scorer.js';
import type { DataFlag } from './data-watch.js';
import {
  decodeReadings,
  keyReadings,
  outcomeOf,
  scoredDocument,
  type DecodedBatch,
  type Keyed,
  type Outcome,
  type Reading,
  type Rejected,
  type ScoredDocument,
  type StreamKeys,
} from './reading-codec.js';

export type { StreamKeys } from './reading-codec.js';

export interface ScoredBatch {
  /** The readings that could be keyed, in order; documents and predictions are theirs. */
  bodies: Reading[];
  /** Per reading: its index among the batch's events. */
  index: number[];
  /** Events that could not be keyed (not scored): each goes to the dead letters with its reason. */
  rejected: Rejected[];
  decoded: DecodedBatch;
  inputs: string[];
  scores: Float64Array;
  flags: Uint8Array;
  /** 1 while the reading's unit is in alarm, right after that reading. */
  alarms: Uint8Array;
  /** Per reading, the data-quality alerts in force that it shows itself (absent: none in the batch). */
  quality?: (DataFlag[] | undefined)[];
  /** Readings not scored because their unit was already scored at their time (delivered twice). */
  repeated?: number;
}

/** Event bodies, as they came. */
export function bodiesOf(events: readonly { body: unknown }[]): unknown[] {
  return events.map((e) => e.body);
}

export function scoreBatch(scorer: LiveScorer, events: readonly unknown[], keys: StreamKeys, at: ScoreContext): ScoredBatch {
  const keyed = keyReadings(events, keys);
  const decoded = decodeReadings(keyed.readings, scorer.inputs, keys);
  // A hub delivers at least once: a reading its unit was already scored at is not scored (nor stored) again.
  const repeats = scorer.repeats(decoded.unitIds, decoded.times);
  if (!repeats) return scoreKeyed(scorer, keyed, keys, at, decoded);
  const fresh: Keyed = { readings: [], index: [], rejected: keyed.rejected };
  keyed.readings.forEach((r, i) => {
    if (repeats[i]) return;
    fresh.readings.push(r);
    fresh.index.push(keyed.index[i]);
  });
  return { ...scoreKeyed(scorer, fresh, keys, at), repeated: keyed.readings.length - fresh.readings.length };
}

/** scoreBatch for events already split by keyReadings (serve keys a request before scoring any of it). */
export function scoreKeyed(
  scorer: LiveScorer,
  keyed: Keyed,
  keys: StreamKeys,
  at: ScoreContext,
  decoded = decodeReadings(keyed.readings, scorer.inputs, keys),
): ScoredBatch {
  const inputs = scorer.inputs;
  const { readings: bodies, index, rejected } = keyed;
  const scored = scorer.score(decoded.block, inputs.length, decoded.unitIds, decoded.times, at);
  return { bodies, index, rejected, decoded, inputs, ...scored };
}

export function documentsOf(batch: ScoredBatch, model: { id: string; version: string }, scoredAt: string): ScoredDocument[] {
  const { bodies, decoded, inputs, scores, flags, alarms, quality } = batch;
  return bodies.map((body, i) => {
    const doc = scoredDocument(body, decoded, inputs, i, { score: scores[i], flag: flags[i], alarm: alarms[i] === 1 }, model, scoredAt);
    // Only on a reading that shows a data-quality alert in force: healthy documents carry no field.
    if (quality?.[i]) doc.data_quality = quality[i];
    return doc;
  });
}

/** A prediction: the reading's unit and time fields as it sent them, the outcome, and the model. */
export type Prediction = Record<string, unknown> & Outcome & { model_id: string; model_version: string };

/** What `isoscope serve` answers per reading: the document's outcome, without the reading's other fields. */
export function predictionsOf(batch: ScoredBatch, model: { id: string; version: string }, keys: StreamKeys): Prediction[] {
  const { bodies, decoded, inputs, scores, flags, alarms } = batch;
  const { unitField, timeField } = keys;
  // Keys set one by one: V8 builds objects from spreads with computed keys several times slower,
  // and serve answers with one per reading.
  return bodies.map((body, i) => {
    const p = {} as Prediction;
    if (unitField !== null) put(p, unitField, body[unitField] ?? null);
    put(p, timeField, body[timeField] ?? null);
    const o = outcomeOf(decoded, inputs, i, { score: scores[i], flag: flags[i], alarm: alarms[i] === 1 });
    p.anomaly_score = o.anomaly_score;
    p.is_anomaly = o.is_anomaly;
    p.alarm = o.alarm;
    if (o.missing_features) p.missing_features = o.missing_features;
    if (o.warming_up) p.warming_up = true;
    if (batch.quality?.[i]) p.data_quality = batch.quality[i];
    p.model_id = model.id;
    p.model_version = model.version;
    return p;
  });
}

/** A key named "__proto__" becomes an own property, as in an object literal, never the prototype. */
function put(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}
