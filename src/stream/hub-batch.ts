// One path from hub events to stored documents, shared by the headless consumer and the
// browser's live link: decode the bodies, score them with the live scorer (window state
// and k-of-n per unit), and build each document with the alarm state right after its own
// reading. Both sides therefore store identical documents for the same events, and the
// prediction server (isoscope serve) answers with the same outcome for each reading.
import type { Alert, LiveScorer } from './live-scorer.js';
import {
  decodeReadings,
  outcomeOf,
  scoredDocument,
  type DecodedBatch,
  type Outcome,
  type Reading,
  type ScoredDocument,
} from './reading-codec.js';

export interface StreamKeys {
  unitField: string;
  timeField: string;
}

export interface ScoredBatch {
  bodies: Reading[];
  decoded: DecodedBatch;
  inputs: string[];
  scores: Float64Array;
  flags: Uint8Array;
  /** 1 while the reading's unit is in alarm, right after that reading. */
  alarms: Uint8Array;
}

/** Event bodies as readings; a body that is not a JSON object decodes as a reading with no fields. */
export function bodiesOf(events: readonly { body: unknown }[]): Reading[] {
  return events.map((e) => (e.body && typeof e.body === 'object' && !Array.isArray(e.body) ? (e.body as Reading) : {}));
}

export function scoreBatch(
  scorer: LiveScorer,
  bodies: Reading[],
  keys: StreamKeys,
  at: { firstSeq: number; arrivedAt: number; alerts: Alert[] },
): ScoredBatch {
  const inputs = scorer.inputs;
  const decoded = decodeReadings(bodies, inputs, keys.unitField, keys.timeField);
  const { scores, flags, alarms } = scorer.score(
    decoded.block,
    inputs.length,
    decoded.units,
    decoded.times,
    at.firstSeq,
    at.arrivedAt,
    at.alerts,
  );
  return { bodies, decoded, inputs, scores, flags, alarms };
}

export function documentsOf(batch: ScoredBatch, model: { id: string; version: string }, scoredAt: string): ScoredDocument[] {
  const { bodies, decoded, inputs, scores, flags, alarms } = batch;
  return bodies.map((body, i) =>
    scoredDocument(body, decoded, inputs, i, { score: scores[i], flag: flags[i], alarm: alarms[i] === 1 }, model, scoredAt),
  );
}

/** A prediction: the reading's unit and time fields as it sent them, the outcome, and the model. */
export type Prediction = Record<string, unknown> & Outcome & { model_id: string; model_version: string };

/** What `isoscope serve` answers per reading: the document's outcome, without the reading's other fields. */
export function predictionsOf(batch: ScoredBatch, model: { id: string; version: string }, keys: StreamKeys): Prediction[] {
  const { bodies, decoded, inputs, scores, flags, alarms } = batch;
  const { unitField, timeField } = keys;
  return bodies.map((body, i) => ({
    [unitField]: body[unitField] ?? null,
    [timeField]: body[timeField] ?? null,
    ...outcomeOf(decoded, inputs, i, { score: scores[i], flag: flags[i], alarm: alarms[i] === 1 }),
    model_id: model.id,
    model_version: model.version,
  }));
}
