// Live-connect: consumes every partition of an event hub, scores each batch with the
// live scorer (the same path as replay), hands scored documents to the persist outbox,
// and only then checkpoints, so a dropped connection or a reload resumes after the last
// event that was scored and kept. Runs in the engine worker.
import {
  EventHubConsumerClient,
  RetryMode,
  type CheckpointStore,
  type EventPosition,
  type PartitionContext,
  type ReceivedEventData,
  type Subscription,
} from '@azure/event-hubs';
import type { LiveScorer } from '../stream/live-scorer.js';
import type { LoadedModel } from '../model/loaded-model.js';
import { LiveBuffer } from '../stream/live-buffer.js';
import type { LiveUpdate } from '../stream/replay.js';
import { RECENT_DATA_ALERTS, type LinkStatus, type PartitionStatus } from '../stream/link-status.js';
import type { DataAlert } from '../stream/data-watch.js';
import type { ScoredDocument } from '../stream/reading-codec.js';
import { bodiesOf, documentsOf, scoreBatch } from '../stream/hub-batch.js';
import type { StreamKeys } from '../stream/reading-codec.js';
import { decodeUnits, encodeUnits } from '../stream/unit-state.js';
import type { UnitStateStore } from './unit-state-store.js';
import { errorLine, failureLine, INTERACTIVE_RETRY, type HubSettings } from './settings.js';

export interface HubLinkOptions {
  hub: HubSettings;
  startPosition: EventPosition;
  checkpointStore: CheckpointStore;
  scorer: LiveScorer;
  model: { id: string; version: string };
  keys: StreamKeys;
  /** Each partition's unit state, kept with its position (a reload scores on as if uninterrupted). */
  unitStates?: UnitStateStore;
  /** Keeps scored documents durably while enabled (the user may toggle it live); the checkpoint waits for it. */
  persist?: { enabled(): boolean; add(docs: ScoredDocument[]): Promise<void> };
  outbox?: () => LinkStatus['outbox'];
  onUpdate: (u: LiveUpdate) => void;
}

const UPDATE_MS = 100;
/** Errors that retrying cannot mend: the link stops and says why. */
const FATAL = /Unauthorized|MessagingEntityNotFound|ArgumentOutOfRange|InvalidOperation/;

export class HubLink {
  readonly status: LinkStatus = { state: 'connecting', partitions: [] };
  private client?: EventHubConsumerClient;
  private subscription?: Subscription;
  private readonly buffer = new LiveBuffer();
  private seq = 0;
  private timer?: ReturnType<typeof setInterval>;
  private dirty = true;
  private shownRate = 0;
  private opts: HubLinkOptions;
  /** Batches between scoring and their checkpoint: stop() waits for them (bounded). */
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;

  constructor(opts: HubLinkOptions) {
    this.opts = opts;
  }

  /** Resolves once the hub answered (its partitions are known); rejects with a one-line reason otherwise. */
  async start(): Promise<string[]> {
    const { hub, checkpointStore } = this.opts;
    this.client = new EventHubConsumerClient(hub.consumerGroup, hub.connectionString, hub.hub, checkpointStore, {
      retryOptions: { ...INTERACTIVE_RETRY, mode: RetryMode.Exponential },
      // Re-claim partitions soon after a drop (the SDK's default waits 10 s).
      loadBalancingOptions: { strategy: 'greedy', updateIntervalInMs: 1500, partitionOwnershipExpirationIntervalInMs: 6000 },
    });
    let ids: string[];
    try {
      ids = await this.client.getPartitionIds({ abortSignal: AbortSignal.timeout(20_000) });
    } catch (e) {
      await this.client.close().catch(() => undefined);
      throw new Error(failureLine(`event hub ${hub.hub}`, e), { cause: e });
    }
    this.status.partitions = ids.map((id) => ({ id, state: 'connecting', received: 0 }));
    this.subscription = this.client.subscribe(
      {
        processInitialize: async (ctx) => {
          await this.resume(ctx);
          this.partition(ctx.partitionId, { state: 'connected', error: undefined });
        },
        processClose: (_reason, ctx) => Promise.resolve(this.partition(ctx.partitionId, { state: 'closed' })),
        processEvents: (events, ctx) => this.track(this.process(events, ctx)),
        processError: (err, ctx) => Promise.resolve(this.fault(err, ctx)),
      },
      { startPosition: this.opts.startPosition, maxBatchSize: 1000, maxWaitTimeInSeconds: 1, trackLastEnqueuedEventProperties: true },
    );
    this.timer = setInterval(() => this.flush(), UPDATE_MS);
    return ids;
  }

  private partition(id: string, patch: Partial<PartitionStatus>): void {
    const p = this.status.partitions.find((x) => x.id === id);
    if (p) Object.assign(p, patch);
    if (patch.state === 'connected' && this.status.partitions.every((x) => x.state === 'connected')) {
      this.status.state = 'live';
      this.status.message = undefined;
    }
    this.dirty = true;
  }

  /** A partition (re)starts at its saved position: its units get the state saved with it. */
  private async resume(ctx: PartitionContext): Promise<void> {
    const saved = await this.opts.unitStates?.load(ctx).catch((e: Error) => {
      this.status.message = e.message;
      return undefined;
    });
    this.opts.scorer.restore(ctx.partitionId, saved ? decodeUnits(saved) : undefined);
  }

  private async process(events: ReceivedEventData[], ctx: PartitionContext): Promise<void> {
    if (!events.length) return;
    const arrivedAt = performance.now();
    const { scorer } = this.opts;
    const n = events.length;
    const dataAlerts: DataAlert[] = [];
    const batch = scoreBatch(scorer, bodiesOf(events), this.opts.keys, {
      firstSeq: this.seq,
      arrivedAt,
      alerts: this.buffer.alerts,
      partition: ctx.partitionId,
      dataAlerts,
    });
    // Right after scoring: the units' state that goes with this batch's position.
    const state = this.opts.unitStates ? encodeUnits(scorer.snapshot(ctx.partitionId)) : undefined;
    if (batch.rejected.length)
      this.status.unkeyed = { count: (this.status.unkeyed?.count ?? 0) + batch.rejected.length, reason: batch.rejected[0].reason };
    if (batch.repeated) this.status.repeated = (this.status.repeated ?? 0) + batch.repeated;
    batch.decoded.missing.forEach((count, f) => {
      if (count) this.status.missing = { ...this.status.missing, [batch.inputs[f]]: (this.status.missing?.[batch.inputs[f]] ?? 0) + count };
    });
    const scored = batch.bodies.length;
    if (dataAlerts.length) this.dataEdges(dataAlerts, scorer, this.seq + scored);
    this.buffer.add(this.seq, batch.decoded.units, batch.scores, batch.flags, scored);
    this.seq += scored;
    if (this.opts.persist?.enabled()) await this.opts.persist.add(documentsOf(batch, this.opts.model, new Date().toISOString()));
    // Stopped meanwhile (Disconnect, then maybe Forget saved positions): no position is saved
    // after the user ended the link; the batch is read again next time (at least once).
    if (this.stopping) return;
    const last = events[n - 1];
    if (state) await this.opts.unitStates!.save(ctx, last.sequenceNumber, state);
    await ctx.updateCheckpoint(last);
    const tail = ctx.lastEnqueuedEventProperties?.sequenceNumber;
    const p = this.status.partitions.find((x) => x.id === ctx.partitionId);
    this.partition(ctx.partitionId, {
      state: 'connected',
      error: undefined,
      lastSequence: last.sequenceNumber,
      received: (p?.received ?? 0) + n,
      lag: tail !== undefined ? Math.max(0, tail - last.sequenceNumber) : undefined,
    });
    if (this.status.state !== 'live') {
      this.status.state = 'live';
      this.status.message = undefined;
    }
  }

  /** Edges of the rolling data check: the page shows the alerts in force and the latest raised or cleared. */
  private dataEdges(edges: DataAlert[], scorer: LiveScorer, reading: number): void {
    const recent = [...edges.map((a) => ({ ...a, reading })).reverse(), ...(this.status.quality?.recent ?? [])];
    const active = scorer.dataAlertsRaised;
    this.status.quality = {
      active: active.slice(0, RECENT_DATA_ALERTS),
      recent: recent.slice(0, RECENT_DATA_ALERTS),
      ...(active.length > RECENT_DATA_ALERTS ? { moreActive: active.length - RECENT_DATA_ALERTS } : {}),
    };
    this.dirty = true;
  }

  private fault(err: Error, ctx: PartitionContext): void {
    const message = errorLine(err);
    const code = (err as { code?: string }).code ?? err.name;
    if (FATAL.test(code)) {
      this.status.state = 'failed';
      this.status.message = message;
      void this.stop('failed');
      return;
    }
    this.status.state = 'reconnecting';
    this.status.message = message;
    if (ctx?.partitionId && ctx.partitionId !== '') this.partition(ctx.partitionId, { state: 'error', error: message });
    this.dirty = true;
  }

  /** Later batches are scored by `loaded`'s model (the caller owns both models' lifetimes). */
  setModel(loaded: LoadedModel, version: string): void {
    this.opts.scorer.setModel(loaded);
    this.opts.model = { id: loaded.model.id, version };
    this.status.missing = undefined;
    this.status.quality = undefined;
    this.dirty = true;
  }

  /** The current model was published: later documents carry its registry version. */
  setVersion(version: string): void {
    this.opts.model = { ...this.opts.model, version };
  }

  private flush(): void {
    const points = this.buffer.take();
    const outbox = this.opts.outbox?.();
    // A rate still shown above 0 is sent again until it has fallen to 0: quiet is news too.
    const quiet = !this.dirty && !points.seq.length && !points.alerts.length && sameOutbox(outbox, this.status.outbox);
    if (quiet && this.shownRate === 0) return;
    const stats = this.opts.scorer.stats();
    if (quiet && stats.eventsPerSec === this.shownRate) return;
    this.shownRate = stats.eventsPerSec;
    this.dirty = false;
    this.status.outbox = outbox;
    const state = this.status.state === 'stopped' || this.status.state === 'failed' ? 'stopped' : 'playing';
    this.opts.onUpdate({ state, total: 0, stats, ...points, link: structuredClone(this.status) });
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  async stop(final: 'stopped' | 'failed' = 'stopped'): Promise<void> {
    clearInterval(this.timer);
    this.stopping = true;
    const sub = this.subscription;
    this.subscription = undefined;
    await closeWithin(sub?.close());
    // A batch saving its position now would land after stop() returned (and after a Forget).
    await closeWithin(Promise.allSettled([...this.inFlight]));
    await closeWithin(this.client?.close());
    this.client = undefined;
    if (final === 'stopped' || this.status.state !== 'failed') this.status.state = final;
    this.status.partitions.forEach((p) => (p.state = p.state === 'error' ? 'error' : 'closed'));
    this.dirty = true;
    this.flush();
  }
}

/**
 * How long Disconnect waits for the SDK to close a subscription or client. A peer that
 * breaks the protocol mid-close (seen: a disposition on an ended channel) leaves the close
 * pending for ever; the link is dropped anyway, so Disconnect never hangs.
 */
const CLOSE_WITHIN_MS = 5000;

function closeWithin(closing: Promise<unknown> | undefined): Promise<void> {
  if (!closing) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(done, CLOSE_WITHIN_MS);
    const settle = () => {
      clearTimeout(timer);
      done();
    };
    closing.then(settle, settle);
  });
}

function sameOutbox(a: LinkStatus['outbox'], b: LinkStatus['outbox']): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
