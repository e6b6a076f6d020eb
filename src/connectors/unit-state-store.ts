// Where each partition's unit state (src/stream/unit-state.ts) is kept beside its position, so a
// consumer that restarts (kill -9, a rewind after a Cosmos DB outage, a reload) scores on as if
// it never stopped. A state is saved under the sequence number of the batch it follows *before*
// the checkpoint moves there; resuming reads the checkpoint first and then the state saved for
// exactly that sequence number. A crash between the two leaves an unused state, never a wrong one.
import type { ContainerClient } from '@azure/storage-blob';
import type { CheckpointStore } from '@azure/event-hubs';

/** The partition as the SDK names it. */
export interface PartitionRef {
  fullyQualifiedNamespace: string;
  eventHubName: string;
  consumerGroup: string;
  partitionId: string;
}

export interface UnitStateStore {
  /** Keeps the partition's state after the event with this sequence number (before its checkpoint). */
  save(p: PartitionRef, sequenceNumber: number, state: Uint8Array): Promise<void>;
  /** The checkpoint moved to sequenceNumber: older states may go. */
  committed(p: PartitionRef, sequenceNumber: number): Promise<void>;
  /** The state saved for the partition's checkpoint; undefined when there is no checkpoint. Throws when the checkpoint has no state. */
  load(p: PartitionRef): Promise<Uint8Array | undefined>;
}

const prefixOf = (p: PartitionRef) =>
  `${p.fullyQualifiedNamespace}/${p.eventHubName}/${p.consumerGroup}/unit-state/${p.partitionId}/`.toLowerCase();
// Zero-padded, so names sort as numbers.
const nameOf = (p: PartitionRef, seq: number) => prefixOf(p) + String(seq).padStart(20, '0');

/** Blob storage: one blob per partition and position, in the checkpoint container. */
export class BlobUnitStateStore implements UnitStateStore {
  private readonly container: ContainerClient;
  private readonly checkpoints: CheckpointStore;

  constructor(container: ContainerClient, checkpoints: CheckpointStore) {
    this.container = container;
    this.checkpoints = checkpoints;
  }

  async save(p: PartitionRef, seq: number, state: Uint8Array): Promise<void> {
    await this.container.getBlockBlobClient(nameOf(p, seq)).uploadData(state);
  }

  async committed(p: PartitionRef, seq: number): Promise<void> {
    const keep = nameOf(p, seq);
    for await (const b of this.container.listBlobsFlat({ prefix: prefixOf(p) })) {
      if (b.name < keep) await this.container.deleteBlob(b.name).catch(() => undefined);
    }
  }

  async load(p: PartitionRef): Promise<Uint8Array | undefined> {
    const seq = await checkpointOf(this.checkpoints, p);
    if (seq === undefined) return undefined;
    try {
      return new Uint8Array(await this.container.getBlockBlobClient(nameOf(p, seq)).downloadToBuffer());
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404)
        throw new Error(
          `no unit state saved with partition ${p.partitionId}'s checkpoint (sequence number ${seq}): its units start fresh`,
          {
            cause: e,
          },
        );
      throw e;
    }
  }
}

/** The checkpoint's sequence number for a partition, if it has one. */
export async function checkpointOf(store: CheckpointStore, p: PartitionRef): Promise<number | undefined> {
  const all = await store.listCheckpoints(p.fullyQualifiedNamespace, p.eventHubName, p.consumerGroup);
  return all.find((c) => c.partitionId === p.partitionId)?.sequenceNumber;
}
