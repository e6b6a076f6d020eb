// Blob checkpoints: several consumers share a hub's partitions (ownership records) and a
// restarted consumer resumes after its last checkpoint, which is written only after the
// batch is stored.
import { ContainerClient } from '@azure/storage-blob';
import { BlobCheckpointStore } from '@azure/eventhubs-checkpointstore-blob';
import type { CheckpointStore } from '@azure/event-hubs';

export async function blobCheckpointStore(connectionString: string, container: string): Promise<CheckpointStore> {
  const client = new ContainerClient(connectionString, container);
  await client.createIfNotExists();
  return new BlobCheckpointStore(client);
}
