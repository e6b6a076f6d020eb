// What /healthz of the consumer reports: built from facts, not from the last callback.
// Per claimed partition it knows the hub's tail (from each batch and from a periodic
// probe) and the last event written, so it can tell "caught up and idle" from "events
// waiting and nothing moving"; the hub's and Cosmos DB's latest failures say why.

export interface HealthLimits {
  /** Seconds a claimed partition may have events waiting without any written before health turns 503. */
  maxSilenceS: number;
  /** Seconds of lag (age bound of the oldest waiting event) before health turns 503. */
  maxLagS: number;
}

export const DEFAULT_HEALTH: HealthLimits = { maxSilenceS: 30, maxLagS: 300 };

interface PartitionHealth {
  /** Sequence number of the last event written (and checkpointed), or the tail seen at claim time. */
  position?: number;
  /** Enqueued time of the last event written, ms. */
  positionEnqueued?: number;
  /** Last enqueued sequence number on the hub, as last seen. */
  tail?: number;
  receivedAt?: number;
  writtenAt?: number;
  /** When events were first seen waiting (cleared once caught up). */
  waitingSince?: number;
}

export interface Verdict {
  ok: boolean;
  /** One line: why not, or what is fine. */
  reason: string;
}

export class Health {
  readonly partitions = new Map<string, PartitionHealth>();
  lastReceiveAt?: number;
  lastWriteAt?: number;
  private hubReached = false;
  private hubFailure?: { since: number; reason: string };
  /** The receivers' latest failure (a consumer group that does not exist, a link the hub keeps detaching). */
  private receiverFailure?: { since: number; reason: string; lastAt: number };
  /**
   * Where a claimed partition's reading starts while no checkpoint or write says: its first event
   * (--start earliest, so everything on it waits to be scored) or the tail seen at claim time.
   */
  startAt: 'earliest' | 'tail' = 'tail';
  private cosmosFailure?: { since: number; reason: string };
  private readonly limits: HealthLimits;
  private readonly now: () => number;

  private readonly log: (line: string) => void;

  /** `log` hears each change: a service becoming unreachable (and why), and answering again. */
  constructor(limits: Partial<HealthLimits> = {}, log: (line: string) => void = () => undefined, now = () => Date.now()) {
    this.limits = { ...DEFAULT_HEALTH, ...limits };
    this.log = log;
    this.now = now;
  }

  /** `handled`: the sequence number of the last event already scored (its checkpoint), when known. */
  claim(partition: string, handled?: number): void {
    if (!this.partitions.has(partition)) this.partitions.set(partition, {});
    if (handled !== undefined) this.partitions.get(partition)!.position ??= handled;
  }

  release(partition: string): void {
    this.partitions.delete(partition);
  }

  /** The hub answered (a probe or a batch). */
  hubOk(): void {
    this.hubReached = true;
    if (this.hubFailure) this.log(`the event hub answers again (after ${this.secondsSince(this.hubFailure.since)} s)`);
    this.hubFailure = undefined;
  }

  /**
   * A receiver failed. Held until a batch arrives, or until no failure came for the stall limit: the
   * probe's management calls succeeding says nothing about the receivers (a missing consumer group).
   */
  receiverFailed(reason: string): void {
    const f = this.receiverFailure;
    if (!f || f.reason !== reason) this.log(`the event hub's receivers fail: ${reason}`);
    this.receiverFailure = { since: f?.since ?? this.now(), reason, lastAt: this.now() };
  }

  hubFailed(reason: string): void {
    if (!this.hubFailure || this.hubFailure.reason !== reason) this.log(`cannot reach the event hub: ${reason}`);
    this.hubFailure = { since: this.hubFailure?.since ?? this.now(), reason };
  }

  /** A write succeeded. */
  cosmosOk(): void {
    if (this.cosmosFailure) this.log(`Cosmos DB takes writes again (after ${this.secondsSince(this.cosmosFailure.since)} s)`);
    this.cosmosFailure = undefined;
  }

  /** A write failed for a reason that is not the account's request rate (that is throttling, not an outage). */
  cosmosFailed(reason: string): void {
    if (!this.cosmosFailure || this.cosmosFailure.reason !== reason) this.log(reason);
    this.cosmosFailure = { since: this.cosmosFailure?.since ?? this.now(), reason };
  }

  private secondsSince(t: number): number {
    return Math.round((this.now() - t) / 1000);
  }

  /** The hub's last enqueued sequence number for a claimed partition (-1: empty) and its first one. */
  tail(partition: string, lastEnqueued: number, beginning?: number): void {
    const p = this.partitions.get(partition);
    if (!p) return;
    p.tail = Math.max(p.tail ?? -1, lastEnqueued);
    // Claimed without a checkpoint or a write yet: from the first event, everything on the partition waits.
    p.position ??= this.startAt === 'earliest' && beginning !== undefined ? Math.min(beginning, lastEnqueued + 1) - 1 : lastEnqueued;
    this.waiting(p);
  }

  /** A receiver answered (with events, or with none after its wait): its failure is over. */
  receiverAlive(): void {
    if (this.receiverFailure) this.log(`the event hub delivers again (after ${this.secondsSince(this.receiverFailure.since)} s)`);
    this.receiverFailure = undefined;
  }

  received(partition: string, tail?: number): void {
    const t = this.now();
    this.lastReceiveAt = t;
    this.hubOk();
    this.receiverAlive();
    this.claim(partition);
    const p = this.partitions.get(partition)!;
    p.receivedAt = t;
    if (tail !== undefined) p.tail = Math.max(p.tail ?? -1, tail);
  }

  written(partition: string, lastSequence: number, enqueuedMs: number): void {
    const t = this.now();
    this.lastWriteAt = t;
    const p = this.partitions.get(partition);
    if (!p) return;
    p.position = lastSequence;
    p.positionEnqueued = enqueuedMs;
    p.writtenAt = t;
    p.waitingSince = undefined;
    this.waiting(p);
  }

  private waiting(p: PartitionHealth): void {
    if (this.backlogOf(p) > 0) p.waitingSince ??= this.now();
    else p.waitingSince = undefined;
  }

  private backlogOf(p: PartitionHealth): number {
    return p.tail === undefined || p.position === undefined ? 0 : Math.max(0, p.tail - p.position);
  }

  /** Events on claimed partitions not yet written. */
  backlog(): number {
    let n = 0;
    for (const p of this.partitions.values()) n += this.backlogOf(p);
    return n;
  }

  /** Seconds: an upper bound on the age of the oldest waiting event; 0 when caught up. */
  lag(): number {
    const now = this.now();
    let lag = 0;
    for (const p of this.partitions.values()) {
      if (this.backlogOf(p) === 0) continue;
      const since = p.positionEnqueued ?? p.waitingSince ?? now;
      lag = Math.max(lag, (now - since) / 1000);
    }
    return lag;
  }

  verdict(): Verdict {
    const now = this.now();
    const secs = (since: number) => `${this.secondsSince(since)} s`;
    if (this.hubFailure)
      return { ok: false, reason: `event hub unreachable for ${secs(this.hubFailure.since)}: ${this.hubFailure.reason}` };
    const rf = this.receiverFailure;
    if (rf && now - rf.lastAt <= this.limits.maxSilenceS * 1000)
      return { ok: false, reason: `event hub receivers failing for ${secs(rf.since)}: ${rf.reason}` };
    if (!this.hubReached) return { ok: false, reason: 'starting: the event hub has not answered yet' };
    if (this.cosmosFailure) return { ok: false, reason: `${this.cosmosFailure.reason} (for ${secs(this.cosmosFailure.since)})` };
    for (const [id, p] of this.partitions) {
      const waiting = this.backlogOf(p);
      if (!waiting || p.waitingSince === undefined) continue;
      const moved = Math.max(p.waitingSince, p.writtenAt ?? 0);
      if (now - moved > this.limits.maxSilenceS * 1000) {
        const what = (p.receivedAt ?? 0) > moved ? 'received but none written' : 'none received';
        return { ok: false, reason: `partition ${id} stalled: ${waiting} event(s) waiting, ${what} for ${secs(moved)}` };
      }
    }
    const lag = this.lag();
    if (lag > this.limits.maxLagS) return { ok: false, reason: `lag ${lag.toFixed(0)} s exceeds ${this.limits.maxLagS} s` };
    const last = this.lastWriteAt === undefined ? 'nothing written yet' : `last write ${secs(this.lastWriteAt)} ago`;
    return { ok: true, reason: `ok: ${this.partitions.size} partition(s), ${last}, backlog ${this.backlog()}, lag ${lag.toFixed(1)} s` };
  }
}
