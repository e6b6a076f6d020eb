// The persist queue of the workbench: scored documents wait in IndexedDB until Cosmos DB
// has them, so a reload, a closed tab or a Cosmos outage loses nothing that was scored.
// Bounded: when it is full, adding waits, which holds back the hub consumer (and its
// checkpoints) instead of dropping readings.
import { kv } from './kv-store.js';
import type { CosmosSink } from './cosmos-sink.js';
import type { ScoredDocument } from '../stream/reading-codec.js';
import { redact } from './settings.js';

interface Batch {
  key: number;
  docs: ScoredDocument[];
}

const MAX_BATCHES_PER_WRITE = 200;
/** Four of the sink's 1,000-document chunks: one round of bulk calls in flight together. */
const MAX_DOCS_PER_WRITE = 4000;
const RATE_WINDOW_MS = 5000;

export type OutboxState = 'off' | 'writing' | 'idle' | 'waiting' | 'failed';

export class Outbox {
  pending = 0;
  written = 0;
  state: OutboxState = 'off';
  message?: string;
  private sink?: CosmosSink;
  private draining?: Promise<void>;
  private nextKey = Date.now() * 1000;
  private readonly roomWaiters: (() => void)[] = [];
  private readonly maxPending: number;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private readonly rate: { t: number; n: number }[] = [];

  constructor(maxPending = 100_000) {
    this.maxPending = maxPending;
  }

  /** Counts what an earlier session left unwritten. */
  async init(): Promise<number> {
    const left = await kv.values<Batch>('outbox');
    this.pending = left.reduce((s, b) => s + b.docs.length, 0);
    if (left.length) this.nextKey = Math.max(this.nextKey, left[left.length - 1].key + 1);
    this.state = this.pending ? 'waiting' : this.sink ? 'idle' : 'off';
    return this.pending;
  }

  async add(docs: ScoredDocument[]): Promise<void> {
    while (this.pending > 0 && this.pending + docs.length > this.maxPending) await new Promise<void>((ok) => this.roomWaiters.push(ok));
    const key = this.nextKey++;
    await kv.put('outbox', key, { key, docs } satisfies Batch);
    this.pending += docs.length;
    this.kick();
  }

  /** Starts writing to Cosmos DB (again); without a sink, documents wait. */
  attach(sink: CosmosSink): void {
    this.sink = sink;
    this.message = undefined;
    clearTimeout(this.retryTimer);
    this.state = this.pending ? 'writing' : 'idle';
    this.kick();
  }

  detach(): void {
    this.sink = undefined;
    clearTimeout(this.retryTimer);
    this.state = this.pending ? 'waiting' : 'off';
  }

  /** Resolves when everything queued so far is written (or writing stopped). */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private kick(): void {
    if (!this.sink || this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      // A batch added while the last read found none must not wait for the next add.
      if (this.sink && this.pending > 0 && this.state !== 'failed') this.kick();
    });
  }

  private async drain(): Promise<void> {
    const sink = this.sink!;
    for (;;) {
      // Hub batches are small at full speed; written one by one, each paid a whole bulk call (about a second in
      // @azure/cosmos 4.9.3). Taken together, the sink writes them as 1,000-document chunks, several in flight.
      const batches = await kv.values<Batch>('outbox', undefined, MAX_BATCHES_PER_WRITE);
      let take = 0;
      let docs = 0;
      while (take < batches.length && (take === 0 || docs + batches[take].docs.length <= MAX_DOCS_PER_WRITE))
        docs += batches[take++].docs.length;
      if (!take || this.sink !== sink) break;
      this.state = 'writing';
      try {
        await sink.write(take === 1 ? batches[0].docs : batches.slice(0, take).flatMap((b) => b.docs));
      } catch (e) {
        // The sink already retried what is transient; try the whole batch again later (upserts are idempotent).
        this.state = 'failed';
        this.message = redact((e as Error).message).split('\n')[0];
        this.retryTimer = setTimeout(() => this.kick(), 10_000);
        return;
      }
      await kv.delete('outbox', IDBKeyRange.bound(batches[0].key, batches[take - 1].key));
      this.pending -= docs;
      this.written += docs;
      this.rate.push({ t: Date.now(), n: docs });
      this.message = undefined;
      this.roomWaiters.splice(0).forEach((ok) => ok());
    }
    if (this.sink === sink) this.state = this.pending ? 'writing' : 'idle';
  }

  /** Why writing is slow right now (the sink retrying: throttled, or Cosmos DB out of reach); cleared by the next stored write. */
  note(line: string): void {
    this.message = line;
  }

  /** Documents stored per second over the last few seconds: 0 when nothing was stored lately. */
  get perSecond(): number {
    const now = Date.now();
    while (this.rate.length && now - this.rate[0].t > RATE_WINDOW_MS) this.rate.shift();
    return (this.rate.reduce((sum, r) => sum + r.n, 0) * 1000) / RATE_WINDOW_MS;
  }
}
