// Blob checkpoints: several consumers share a hub's partitions (ownership records) and a
// restarted consumer resumes after its last checkpoint, which is written only after the
// batch is stored. The same container keeps each partition's unit state beside its checkpoint.
import { ContainerClient } from '@azure/storage-blob';
import { BlobCheckpointStore } from '@azure/eventhubs-checkpointstore-blob';
import type { CheckpointStore } from '@azure/event-hubs';
import { BlobUnitStateStore, type UnitStateStore } from './unit-state-store.js';

export async function blobCheckpointStore(connectionString: string, container: string): Promise<CheckpointStore> {
  return (await blobCheckpoints(connectionString, container)).checkpointStore;
}

/** The checkpoint store and, in the same container, the unit-state store that goes with it. */
export async function blobCheckpoints(
  connectionString: string,
  container: string,
): Promise<{ checkpointStore: CheckpointStore; unitStates: UnitStateStore }> {
  const client = new ContainerClient(connectionString, container);
  await client.createIfNotExists();
  const checkpointStore = new BlobCheckpointStore(client);
  return { checkpointStore, unitStates: new BlobUnitStateStore(client, checkpointStore) };
}
