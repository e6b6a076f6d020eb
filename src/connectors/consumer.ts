// The headless consumer: reads every partition of the hub, scores each batch with the
// model's stream path (window state per unit: a unit's readings stay ordered on one
// partition), applies the model's alarm rule, writes enriched documents to Cosmos DB and
// checkpoints only after the write is acknowledged.
import {
  CloseReason,
  EventHubConsumerClient,
  earliestEventPosition,
  type CheckpointStore,
  type EventPosition,
  type PartitionContext,
  type ReceivedEventData,
  type Subscription,
} from '@azure/event-hubs';
import type { WasmEngine } from '../engine/wasm-engine.js';
import { LoadedModel } from '../model/loaded-model.js';
import { alarmRule } from '../model/alarm-rule.js';
import type { ModelJson } from '../model/types.js';
import { LiveScorer, type Alert } from '../stream/live-scorer.js';
import { bodiesOf, documentsOf, scoreBatch, type StreamKeys } from '../stream/hub-batch.js';
import { streamKeysFor } from '../stream/stream-keys.js';
import { dataAlertLine, type DataAlert } from '../stream/data-watch.js';
import { decodeUnits, encodeUnits } from '../stream/unit-state.js';
import type { CosmosSink } from './cosmos-sink.js';
import { deadLetterDocuments, type DeadLetterSink } from './dead-letters.js';
import type { UnitStateStore } from './unit-state-store.js';
import type { ShadowSlot } from './shadow-slot.js';
import type { Metrics } from './metrics.js';
import type { Health } from './health.js';
import { HubProbe } from './hub-probe.js';
import { errorLine, redact, type HubSettings } from './settings.js';

export interface ConsumerOptions {
  hub: HubSettings;
  engine: WasmEngine;
  model: ModelJson;
  /** What documents carry as model_version: the published version ("v3"), else the model's createdAt. */
  modelVersion?: string;
  metrics: Metrics;
  sink?: CosmosSink;
  checkpointStore?: CheckpointStore;
  /** Each partition's unit state, saved with its checkpoint (with checkpointStore). */
  unitStates?: UnitStateStore;
  /** Readings that cannot be keyed go here (else they are only counted and logged). */
  deadLetters?: DeadLetterSink;
  startPosition?: EventPosition;
  /** The fields that key a reading; by default the model's (C-MAPSS names for a model without them). */
  keys?: StreamKeys;
  /** Units tracked at once; the idle-longest unit makes room for a new one. */
  maxUnits?: number;
  maxBatchSize?: number;
  log?: (line: string) => void;
  /** A candidate scored beside the model: its outcome is stored as each document's `shadow`. */
  shadow?: Pick<ShadowSlot, 'score'>;
  /** How consumers sharing a checkpoint store split partitions (SDK defaults: balanced, 10 s, 60 s). */
  loadBalancing?: LoadBalancing;
  /** What /healthz reports; fed by every batch and by a probe of the hub's partition tails. */
  health?: Health;
  /** How often the probe asks the hub for its tails (default 5 s). */
  probeMs?: number;
}

export interface LoadBalancing {
  strategy?: 'balanced' | 'greedy';
  updateIntervalInMs: number;
  partitionOwnershipExpirationIntervalInMs: number;
}

/** Losing a partition to another consumer is load balancing, not a fault of the hub. */
const OWNERSHIP_LOST = /ReceiverDisconnected|stolen|epoch/i;

export class Consumer {
  private client?: EventHubConsumerClient;
  private subscription?: Subscription;
  private loaded: LoadedModel;
  private scorer: LiveScorer;
  private model: ModelJson;
  private modelVersion: string;
  private readonly opts: ConsumerOptions;
  private readonly keys: StreamKeys;
  private inFlight = Promise.resolve();
  private probe?: HubProbe;

  constructor(opts: ConsumerOptions) {
    this.opts = opts;
    this.model = opts.model;
    this.modelVersion = opts.modelVersion ?? opts.model.createdAt;
    this.keys = opts.keys ?? streamKeysFor(opts.model, {}, true);
    this.loaded = new LoadedModel(opts.engine, opts.model);
    this.scorer = this.scorerFor(this.loaded, opts.model);
  }

  /** Units tracked at most, now, and evicted so far. */
  get units(): { cap: number; tracked: number; evicted: number } {
    return this.scorer.unitCounts;
  }

  get modelId(): string {
    return this.model.id;
  }

  start(): void {
    const { hub } = this.opts;
    const clientOptions = this.opts.loadBalancing
      ? { loadBalancingOptions: { strategy: 'balanced' as const, ...this.opts.loadBalancing } }
      : {};
    const health = this.opts.health;
    this.client = this.opts.checkpointStore
      ? new EventHubConsumerClient(hub.consumerGroup, hub.connectionString, hub.hub, this.opts.checkpointStore, clientOptions)
      : new EventHubConsumerClient(hub.consumerGroup, hub.connectionString, hub.hub, clientOptions);
    this.subscription = this.client.subscribe(
      {
        processInitialize: async (ctx) => {
          health?.claim(ctx.partitionId, await this.checkpointOf(ctx));
          await this.resume(ctx);
        },
        // Only a partition given up to another consumer leaves; one closed after an error is reopened here.
        processClose: (reason, ctx) => {
          if (reason === CloseReason.OwnershipLost) health?.release(ctx.partitionId);
          return Promise.resolve();
        },
        processEvents: (events, context) => this.process(events, context),
        processError: (err) => {
          const line = errorLine(err);
          if (health && !OWNERSHIP_LOST.test(`${(err as { code?: string }).code} ${err.name} ${line}`) && err.name !== 'CosmosWriteError')
            health.receiverFailed(line);
          else this.opts.log?.(`isoscope consume: ${redact(err.message)} (retrying)`);
          return Promise.resolve();
        },
      },
      {
        startPosition: this.opts.startPosition ?? earliestEventPosition,
        maxBatchSize: this.opts.maxBatchSize ?? 500,
        maxWaitTimeInSeconds: 1,
        trackLastEnqueuedEventProperties: true,
      },
    );
    if (health) {
      health.startAt = this.opts.startPosition === undefined || this.opts.startPosition === earliestEventPosition ? 'earliest' : 'tail';
      this.probe = new HubProbe(hub, health, this.opts.probeMs ?? 5000);
      this.probe.start();
    }
  }

  /** A newer model: later readings are scored with it (window and alarm state start fresh). */
  setModel(model: ModelJson, version = model.createdAt): void {
    const next = new LoadedModel(this.opts.engine, model);
    const old = this.loaded;
    this.loaded = next;
    this.model = model;
    this.modelVersion = version;
    this.scorer = this.scorerFor(next, model);
    void this.inFlight.then(() => old.dispose());
  }

  /**
   * A partition starts (or restarts after a failed batch): its units get the state saved with the
   * checkpoint it resumes from, so every score equals an uninterrupted run's.
   */
  private async resume(context: PartitionContext): Promise<void> {
    const saved = this.opts.checkpointStore && this.opts.unitStates ? await this.opts.unitStates.load(context).catch(this.lost) : undefined;
    if (!this.scorer.restore(context.partitionId, saved ? decodeUnits(saved) : undefined))
      this.opts.log?.(`isoscope consume: partition ${context.partitionId}'s saved unit state is another model's: its units start fresh`);
  }

  /** The sequence number a partition resumes after, for /healthz's backlog (undefined: no checkpoint). */
  private async checkpointOf(ctx: PartitionContext): Promise<number | undefined> {
    const store = this.opts.checkpointStore;
    if (!store || !this.opts.health) return undefined;
    const all = await store.listCheckpoints(ctx.fullyQualifiedNamespace, ctx.eventHubName, ctx.consumerGroup).catch(() => []);
    return all.find((c) => c.partitionId === ctx.partitionId)?.sequenceNumber;
  }

  private readonly lost = (e: Error): undefined => {
    this.opts.log?.(`isoscope consume: ${redact(e.message)}`);
    return undefined;
  };

  private async process(events: ReceivedEventData[], context: PartitionContext): Promise<void> {
    // The SDK calls with none when its wait ends quietly: the receiver is attached and answering.
    if (!events.length) return this.opts.health?.receiverAlive();
    const m = this.opts.metrics;
    this.opts.health?.received(context.partitionId, context.lastEnqueuedEventProperties?.sequenceNumber);
    const t0 = performance.now();
    const alerts: Alert[] = [];
    const dataAlerts: DataAlert[] = [];
    const batch = scoreBatch(this.scorer, bodiesOf(events), this.keys, {
      firstSeq: 0,
      arrivedAt: t0,
      alerts,
      partition: context.partitionId,
      dataAlerts,
    });
    // Right after scoring, before anything else can touch these units: the state that goes with this batch's position.
    const state = this.opts.checkpointStore && this.opts.unitStates ? encodeUnits(this.scorer.snapshot(context.partitionId)) : undefined;
    const model = { id: this.model.id, version: this.modelVersion };
    m.recordBatch({
      model,
      scores: batch.scores,
      flags: batch.flags,
      alarmsRaised: alerts.filter((a) => a.kind === 'raised').length,
      seconds: (performance.now() - t0) / 1000,
      dataAlerts: dataAlerts.filter((a) => a.raised),
    });
    for (const a of dataAlerts) this.opts.log?.(`isoscope consume: data quality: ${dataAlertLine(a)}`);
    if (batch.repeated) {
      m.countRepeated(batch.repeated);
      this.opts.log?.(
        `isoscope consume: partition ${context.partitionId}: ${batch.repeated} reading(s) delivered again after their unit was scored at that time; not scored or stored twice`,
      );
    }
    const units = this.scorer.unitCounts;
    m.recordUnits(units.tracked, units.evicted);
    const shadows = this.opts.shadow?.score(batch, this.keys, t0);
    const docs = documentsOf(batch, model, new Date().toISOString());
    if (shadows) docs.forEach((d, i) => (d.shadow = shadows[i]));
    const dead = deadLetterDocuments(events, batch.rejected, context);
    const write = (async () => {
      if (dead.length) {
        m.countDeadLetters(dead.length);
        if (this.opts.deadLetters) await this.opts.deadLetters.write(dead);
        else
          this.opts.log?.(
            `isoscope consume: ${dead.length} reading(s) could not be keyed (first: ${dead[0].reason}); no dead-letter container`,
          );
      }
      if (this.opts.sink) {
        const before = this.opts.sink.retries;
        await this.opts.sink.write(docs);
        this.opts.health?.cosmosOk();
        m.countRetries(this.opts.sink.retries - before);
      }
      // Only now is the batch safe: a restart resumes after it, never before, with the units' state as it was here.
      const last = events[events.length - 1];
      if (this.opts.checkpointStore) {
        if (state) await this.opts.unitStates!.save(context, last.sequenceNumber, state);
        await context.updateCheckpoint(last);
        if (state) await this.opts.unitStates!.committed(context, last.sequenceNumber).catch(this.lost);
      }
      const enqueued = Math.min(...events.map((e) => e.enqueuedTimeUtc.getTime()));
      m.recordLag(model, (Date.now() - enqueued) / 1000);
      this.opts.health?.written(context.partitionId, last.sequenceNumber, last.enqueuedTimeUtc.getTime());
    })();
    this.inFlight = write.catch(() => undefined);
    await write;
  }

  private scorerFor(loaded: LoadedModel, model: ModelJson): LiveScorer {
    return new LiveScorer(loaded, model.threshold.offset, alarmRule(model), this.opts.maxUnits);
  }

  /** Stops reading, lets the batch in flight finish its write and checkpoint, then closes. */
  async stop(): Promise<void> {
    await this.probe?.stop();
    await this.subscription?.close();
    await this.inFlight;
    await this.client?.close();
    this.loaded.dispose();
  }
}
