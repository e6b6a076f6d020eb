// One path from hub events to stored documents, shared by the headless consumer and the
// browser's live link: decode the bodies, score them with the live scorer (window state
// and k-of-n per unit), and build each document with the alarm state right after its own
// reading. Both sides therefore store identical documents for the same events, and the
// prediction server (isoscope serve) answers with the same outcome for each reading.
import type { Alert, LiveScorer } from './live-scorer.js';
import {
  decodeReadings,
  keyReadings,
  outcomeOf,
  scoredDocument,
  type DecodedBatch,
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
}

/** Event bodies, as they came. */
export function bodiesOf(events: readonly { body: unknown }[]): unknown[] {
  return events.map((e) => e.body);
}

export function scoreBatch(
  scorer: LiveScorer,
  events: readonly unknown[],
  keys: StreamKeys,
  at: { firstSeq: number; arrivedAt: number; alerts: Alert[]; partition?: string },
): ScoredBatch {
  const inputs = scorer.inputs;
  const { readings: bodies, index, rejected } = keyReadings(events, keys);
  const decoded = decodeReadings(bodies, inputs, keys);
  const { scores, flags, alarms } = scorer.score(decoded.block, inputs.length, decoded.unitIds, decoded.times, {
    firstSeq: at.firstSeq,
    arrivedAt: at.arrivedAt,
    alerts: at.alerts,
    partition: at.partition,
  });
  return { bodies, index, rejected, decoded, inputs, scores, flags, alarms };
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
    ...(unitField !== null ? { [unitField]: body[unitField] ?? null } : {}),
    [timeField]: body[timeField] ?? null,
    ...outcomeOf(decoded, inputs, i, { score: scores[i], flag: flags[i], alarm: alarms[i] === 1 }),
    model_id: model.id,
    model_version: model.version,
  }));
}
