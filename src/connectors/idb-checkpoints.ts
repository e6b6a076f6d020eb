// A checkpoint store in IndexedDB for the workbench: after a dropped connection or a
// reload, each partition resumes after its last processed event. Ownership stays in
// memory: one page is one consumer, and a second tab would take partitions by epoch.
import type { Checkpoint, CheckpointStore, PartitionOwnership } from '@azure/event-hubs';
import { kv, prefixRange } from './kv-store.js';

// The SDK names the namespace by its host alone (no port) when it saves a position; the Connect form's
// parsed endpoint keeps the port. Keyed without it, both find the same positions.
const host = (ns: string) => ns.toLowerCase().replace(/:\d+$/, '');
const prefix = (ns: string, hub: string, group: string) => `${host(ns)}/${hub.toLowerCase()}/${group.toLowerCase()}/`;

export class IdbCheckpointStore implements CheckpointStore {
  private readonly owned = new Map<string, PartitionOwnership>();

  listOwnership(ns: string, hub: string, group: string): Promise<PartitionOwnership[]> {
    const p = prefix(ns, hub, group);
    return Promise.resolve([...this.owned.entries()].filter(([k]) => k.startsWith(p)).map(([, o]) => o));
  }

  claimOwnership(claims: PartitionOwnership[]): Promise<PartitionOwnership[]> {
    const claimed = claims.map((c) => {
      const own = { ...c, etag: String(Date.now()), lastModifiedTimeInMs: Date.now() };
      this.owned.set(prefix(c.fullyQualifiedNamespace, c.eventHubName, c.consumerGroup) + c.partitionId, own);
      return own;
    });
    return Promise.resolve(claimed);
  }

  async updateCheckpoint(c: Checkpoint): Promise<void> {
    await kv.put('checkpoints', prefix(c.fullyQualifiedNamespace, c.eventHubName, c.consumerGroup) + c.partitionId, c);
  }

  async listCheckpoints(ns: string, hub: string, group: string): Promise<Checkpoint[]> {
    return kv.values<Checkpoint>('checkpoints', prefixRange(prefix(ns, hub, group)));
  }

  /** Forgets the saved positions: the next connect starts at the chosen start position. */
  async forget(ns: string, hub: string, group: string): Promise<number> {
    const keys = await kv.keys('checkpoints', prefixRange(prefix(ns, hub, group)));
    await kv.delete('checkpoints', prefixRange(prefix(ns, hub, group)));
    return keys.length;
  }
}
