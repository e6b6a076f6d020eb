// Readings that cannot be keyed (not a JSON object, no unit or time, a time that is not a
// number) are never scored or stored under a made-up id: each goes to the dead-letter
// container with its reason and where it came from. Its id is its partition and sequence
// number, so a batch written again after a restart writes the same dead letters again.
import type { Container } from '@azure/cosmos';
import type { Rejected } from '../stream/reading-codec.js';

export interface DeadLetter {
  id: string;
  reason: string;
  /** The event body as it came (a binary body as base64 text). */
  body: unknown;
  partition_id: string;
  sequence_number: number;
  enqueued_at: string;
  dead_lettered_at: string;
}

export interface DeadLetterSink {
  write(letters: DeadLetter[]): Promise<void>;
}

export function deadLetterDocuments(
  events: readonly { body: unknown; sequenceNumber: number; enqueuedTimeUtc: Date }[],
  rejected: readonly Rejected[],
  at: { partitionId: string },
): DeadLetter[] {
  const now = new Date().toISOString();
  return rejected.map(({ index, reason }) => {
    const e = events[index];
    return {
      id: `${at.partitionId}-${e.sequenceNumber}`,
      reason,
      body: e.body instanceof Uint8Array ? Buffer.from(e.body).toString('base64') : (e.body ?? null),
      partition_id: at.partitionId,
      sequence_number: e.sequenceNumber,
      enqueued_at: e.enqueuedTimeUtc.toISOString(),
      dead_lettered_at: now,
    };
  });
}

/** The dead-letter container (partition key /id): upserts, so writing a batch again is harmless. */
export class CosmosDeadLetters implements DeadLetterSink {
  private readonly container: Container;

  constructor(container: Container) {
    this.container = container;
  }

  async write(letters: DeadLetter[]): Promise<void> {
    for (const d of letters) await this.container.items.upsert(d);
  }
}
