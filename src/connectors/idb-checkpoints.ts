// A checkpoint store in IndexedDB for the workbench: after a dropped connection or a
// reload, each partition resumes after its last processed event, and its units' state (window,
// k-of-n) is written in the same transaction as its position, so it resumes scoring exactly
// where it stopped. Ownership stays in memory: one page is one consumer, and a second tab
// would take partitions by epoch.
import type { Checkpoint, CheckpointStore, PartitionOwnership } from '@azure/event-hubs';
import { kv, prefixRange } from './kv-store.js';
import type { PartitionRef, UnitStateStore } from './unit-state-store.js';

// Apart from the positions' prefix, so listing positions never meets a state.
const STATE = 'unit-state/';

// The SDK names the namespace by its host alone (no port) when it saves a position; the Connect form's
// parsed endpoint keeps the port. Keyed without it, both find the same positions.
const host = (ns: string) => ns.toLowerCase().replace(/:\d+$/, '');
const prefix = (ns: string, hub: string, group: string) => `${host(ns)}/${hub.toLowerCase()}/${group.toLowerCase()}/`;

export class IdbCheckpointStore implements CheckpointStore, UnitStateStore {
  private readonly owned = new Map<string, PartitionOwnership>();
  /** Per partition: the state to write with the checkpoint at that sequence number. */
  private readonly staged = new Map<string, { seq: number; state: Uint8Array }>();

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
    const key = prefix(c.fullyQualifiedNamespace, c.eventHubName, c.consumerGroup) + c.partitionId;
    const staged = this.staged.get(key);
    this.staged.delete(key);
    // One transaction: a position is never stored without the state that belongs to it.
    await kv.putMany('checkpoints', [
      [key, c],
      [STATE + key, staged?.seq === c.sequenceNumber ? { seq: c.sequenceNumber, state: staged.state } : { seq: c.sequenceNumber }],
    ]);
  }

  save(p: PartitionRef, seq: number, state: Uint8Array): Promise<void> {
    this.staged.set(prefix(p.fullyQualifiedNamespace, p.eventHubName, p.consumerGroup) + p.partitionId, { seq, state });
    return Promise.resolve();
  }

  committed(): Promise<void> {
    return Promise.resolve();
  }

  async load(p: PartitionRef): Promise<Uint8Array | undefined> {
    const key = prefix(p.fullyQualifiedNamespace, p.eventHubName, p.consumerGroup) + p.partitionId;
    const c = await kv.get<Checkpoint>('checkpoints', key);
    if (!c) return undefined;
    const s = await kv.get<{ seq: number; state?: Uint8Array }>('checkpoints', STATE + key);
    if (s?.seq !== c.sequenceNumber || !s.state)
      throw new Error(`no unit state saved with partition ${p.partitionId}'s position: its units start fresh`);
    return s.state;
  }

  async listCheckpoints(ns: string, hub: string, group: string): Promise<Checkpoint[]> {
    return kv.values<Checkpoint>('checkpoints', prefixRange(prefix(ns, hub, group)));
  }

  /** Forgets the saved positions: the next connect starts at the chosen start position. */
  async forget(ns: string, hub: string, group: string): Promise<number> {
    const keys = await kv.keys('checkpoints', prefixRange(prefix(ns, hub, group)));
    await kv.delete('checkpoints', prefixRange(prefix(ns, hub, group)));
    await kv.delete('checkpoints', prefixRange(STATE + prefix(ns, hub, group)));
    return keys.length;
  }
}
