// The engine worker's side of Event Hubs and Cosmos DB: live-connect (hub → live scorer
// → outbox → Cosmos DB), publishing the loaded data to the hub, the model registry and a
// unit's stored history. Secrets arrive from the page per call and live only in memory here.
import type { Container, CosmosClient } from '@azure/cosmos';
import { LoadedModel } from '../model/loaded-model.js';
import type { WasmEngine } from '../engine/wasm-engine.js';
import type { DebounceSettings } from '../alarms/k-of-n.js';
import type { Dataset } from '../data/dataset.js';
import { columnByRole, DataError } from '../data/dataset.js';
import type { ModelJson } from '../model/types.js';
import { LiveScorer } from '../stream/live-scorer.js';
import type { HubLink } from '../connectors/hub-link.js';
import type { LiveUpdate } from '../stream/replay.js';
import { IdbCheckpointStore } from '../connectors/idb-checkpoints.js';
import { Outbox } from '../connectors/outbox.js';
import { CosmosSink } from '../connectors/cosmos-sink.js';
import { publishDataset } from '../connectors/publisher.js';
import type { CosmosForm, HubForm } from '../connectors/link-settings.js';
import { fetchModel, listModels, publishModel, type PublishedSummary } from '../connectors/model-registry.js';
import { errorLine, failureLine, INTERACTIVE_RETRY, type CosmosSettings } from '../connectors/settings.js';
import { transferring } from './transfer.js';

/** What the link needs from the engine service. */
export interface LinkHost {
  engine(): WasmEngine;
  loadedModel(): LoadedModel | undefined;
  dataset(): Dataset | undefined;
  /** Makes a model current (validated, scored against the data if any). */
  adopt(model: ModelJson): unknown;
  /** Replay and the hub share the model's stream state: one live source at a time. */
  stopReplay(): void;
}

export interface UnitHistory {
  unit: number;
  time: Float64Array;
  score: Float64Array;
  flag: Uint8Array;
  modelVersions: string[];
}

/** The Azure SDKs are large: the engine worker loads them at the first Connect, not at start. */
let sdk:
  | Promise<
      typeof import('../connectors/hub-link.js') &
        typeof import('../connectors/link-settings.js') & {
          EventHubProducerClient: typeof import('@azure/event-hubs').EventHubProducerClient;
        }
    >
  | undefined;
const azure = () =>
  (sdk ??= Promise.all([import('../connectors/hub-link.js'), import('../connectors/link-settings.js'), import('@azure/event-hubs')]).then(
    ([hubLink, settings, eventHubs]) => ({ ...hubLink, ...settings, EventHubProducerClient: eventHubs.EventHubProducerClient }),
  ));

/** Errors here reach the page as one line without secrets. */
class LinkError extends Error {
  override name = 'LinkError';
}

export class LinkService {
  private link?: HubLink;
  private scorer?: LiveScorer;
  /** The link's own copy of the model: its stream state is the link's, and it outlives a model change on the page. */
  private linkModel?: LoadedModel;
  private readonly checkpoints = new IdbCheckpointStore();
  private readonly outbox = new Outbox();
  private outboxReady?: Promise<number>;
  private persist = false;
  private cosmos?: { client: CosmosClient; settings: CosmosSettings; readings: Container; models: Container };
  private publishing?: AbortController;
  private modelVersion?: string;
  private readonly host: LinkHost;

  constructor(host: LinkHost) {
    this.host = host;
  }

  /** Readings an earlier session scored but did not get into Cosmos DB. */
  outboxPending(): Promise<number> {
    this.outboxReady ??= this.outbox.init();
    return this.outboxReady;
  }

  async connectHub(
    form: HubForm,
    opts: { offset: number; debounce: DebounceSettings },
    onUpdate: (u: LiveUpdate) => void,
  ): Promise<{ hub: string; partitions: string[]; resumed: number; keyBased: boolean }> {
    const loaded = this.host.loadedModel();
    if (!loaded) throw new DataError('train, open or import a model before connecting: live readings are scored with it');
    const { checkHubForm, HubLink } = await azure();
    const hub = checkHubForm(form);
    await this.disconnectHub();
    this.host.stopReplay();
    await this.outboxPending();
    const own = new LoadedModel(this.host.engine(), loaded.model);
    const scorer = new LiveScorer(own, opts.offset, opts.debounce);
    const time = this.host.dataset() ? columnByRole(this.host.dataset()!, 'time')?.name : undefined;
    const unit = this.host.dataset() ? columnByRole(this.host.dataset()!, 'unit')?.name : undefined;
    const link = new HubLink({
      hub,
      startPosition: hub.startPosition,
      checkpointStore: this.checkpoints,
      scorer,
      model: { id: loaded.model.id, version: this.modelVersion ?? loaded.model.createdAt },
      unitField: unit ?? 'unit_number',
      timeField: time ?? 'time_in_cycles',
      persist: { enabled: () => this.persist, add: (docs) => this.outbox.add(docs) },
      outbox: () => ({
        pending: this.outbox.pending,
        written: this.outbox.written,
        state: this.persist || this.outbox.pending ? this.outbox.state : 'off',
        message: this.outbox.message,
      }),
      onUpdate: (u) => onUpdate(transferring(u)),
    });
    const resumed = (await this.checkpoints.listCheckpoints(hub.namespace, hub.hub, hub.consumerGroup)).length;
    let partitions: string[];
    try {
      partitions = await link.start();
    } catch (e) {
      own.dispose();
      throw e;
    }
    this.link = link;
    this.scorer = scorer;
    this.linkModel = own;
    return { hub: hub.hub, partitions, resumed, keyBased: hub.keyBased };
  }

  get linked(): boolean {
    return !!this.link;
  }

  async disconnectHub(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    this.scorer = undefined;
    await link?.stop();
    this.linkModel?.dispose();
    this.linkModel = undefined;
  }

  /** The slider moved: live scoring follows the new threshold. */
  setOffset(offset: number): void {
    if (this.scorer) this.scorer.offset = offset;
  }

  async forgetPositions(form: HubForm): Promise<number> {
    const { checkHubForm } = await azure();
    const hub = checkHubForm(form);
    return this.checkpoints.forget(hub.namespace, hub.hub, hub.consumerGroup);
  }

  async connectCosmos(form: CosmosForm): Promise<{ database: string; container: string; pending: number }> {
    const { checkCosmosForm, cosmosClientFor } = await azure();
    const settings = checkCosmosForm(form);
    this.disconnectCosmos();
    const client = cosmosClientFor(settings);
    const readings = client.database(settings.database).container(settings.container);
    const models = client.database(settings.database).container(settings.modelsContainer);
    try {
      await readings.read();
    } catch (e) {
      client.dispose();
      throw cosmosError(`Cosmos DB container ${settings.database}/${settings.container}`, e);
    }
    this.cosmos = { client, settings, readings, models };
    await this.outboxPending();
    if (this.persist || this.outbox.pending) this.outbox.attach(new CosmosSink(readings));
    return { database: settings.database, container: settings.container, pending: this.outbox.pending };
  }

  disconnectCosmos(): void {
    this.outbox.detach();
    this.cosmos?.client.dispose();
    this.cosmos = undefined;
  }

  /** Applies from the next batch of a live link; documents already queued are written either way. */
  async setPersist(on: boolean): Promise<void> {
    if (on && !this.cosmos) throw new LinkError('connect Cosmos DB before turning on Persist');
    this.persist = on;
    if (on && this.cosmos) this.outbox.attach(new CosmosSink(this.cosmos.readings));
  }

  async publishReplay(
    form: HubForm,
    rate: number,
    onProgress: (sent: number, total: number) => void,
  ): Promise<{ hub: string; sent: number; stopped: boolean }> {
    const ds = this.host.dataset();
    if (!ds) throw new DataError('load a dataset to publish');
    if (!(rate >= 0 && Number.isFinite(rate)))
      throw new LinkError(`publish rate must be a number of readings per second, 0 for as fast as possible (got ${rate})`);
    const { checkHubForm, EventHubProducerClient } = await azure();
    const hub = checkHubForm(form);
    this.publishing?.abort();
    const abort = new AbortController();
    this.publishing = abort;
    const producer = new EventHubProducerClient(hub.connectionString, hub.hub, { retryOptions: INTERACTIVE_RETRY });
    try {
      await producer.getPartitionIds({ abortSignal: AbortSignal.timeout(20_000) }).catch((e) => {
        throw new LinkError(failureLine(`event hub ${hub.hub}`, e));
      });
      let last = 0;
      const sent = await publishDataset(producer, ds, {
        rate,
        signal: abort.signal,
        onProgress: (n, total) => {
          if (performance.now() - last > 200 || n === total) {
            last = performance.now();
            onProgress(n, total);
          }
        },
      }).catch((e) => {
        throw e instanceof LinkError ? e : new LinkError(`publishing stopped: ${errorLine(e)}`);
      });
      return { hub: hub.hub, sent, stopped: abort.signal.aborted };
    } finally {
      if (this.publishing === abort) this.publishing = undefined;
      await producer.close().catch(() => undefined);
    }
  }

  stopPublishing(): void {
    this.publishing?.abort();
  }

  async publishModel(note?: string): Promise<{ id: string; version: number }> {
    const loaded = this.host.loadedModel();
    if (!loaded) throw new DataError('train or open a model to publish');
    const { models, settings } = this.requireCosmos();
    const published = await publishModel(models, loaded.model, note?.trim() || undefined).catch((e) => {
      throw cosmosError(`Cosmos DB models container ${settings.database}/${settings.modelsContainer}`, e);
    });
    this.modelVersion = published.id;
    this.link?.setVersion(published.id);
    return { id: published.id, version: published.version };
  }

  async listPublished(): Promise<PublishedSummary[]> {
    const { models, settings } = this.requireCosmos();
    return listModels(models).catch((e) => {
      throw cosmosError(`Cosmos DB models container ${settings.database}/${settings.modelsContainer}`, e);
    });
  }

  /** Fetches a published version, validates it and makes it current. */
  async openPublished(id: string): Promise<{ model: ModelJson; result: unknown }> {
    const { models, settings } = this.requireCosmos();
    const published = await fetchModel(models, id).catch((e) => {
      throw (e as Error).name === 'RegistryError'
        ? e
        : cosmosError(`Cosmos DB models container ${settings.database}/${settings.modelsContainer}`, e);
    });
    const result = this.host.adopt(published.model);
    this.modelChanged(published.id);
    return { model: published.model, result };
  }

  /** A new current model (trained, imported, or a published version): a live link scores with it from now on. */
  modelChanged(publishedVersion?: string): void {
    this.modelVersion = publishedVersion;
    const loaded = this.host.loadedModel();
    if (!this.link || !loaded) return;
    const next = new LoadedModel(this.host.engine(), loaded.model);
    this.link.setModel(next, publishedVersion ?? loaded.model.createdAt);
    this.linkModel?.dispose();
    this.linkModel = next;
  }

  async unitHistory(unit: number): Promise<UnitHistory> {
    const { readings, settings } = this.requireCosmos();
    const ds = this.host.dataset();
    const timeField = (ds && columnByRole(ds, 'time')?.name) ?? 'time_in_cycles';
    const { resources } = await readings.items
      .query<{ t: number; s: number | null; a: boolean | null; v: string }>(
        {
          query: `SELECT c["${timeField}"] AS t, c.anomaly_score AS s, c.is_anomaly AS a, c.model_version AS v FROM c WHERE c.unit_number = @u ORDER BY c["${timeField}"] ASC`,
          parameters: [{ name: '@u', value: unit }],
        },
        { partitionKey: unit },
      )
      .fetchAll()
      .catch((e) => {
        throw cosmosError(`Cosmos DB container ${settings.database}/${settings.container}`, e);
      });
    return transferring({
      unit,
      time: Float64Array.from(resources, (r) => Number(r.t)),
      // Stored anomaly_score is -score_samples; the charts plot score_samples.
      score: Float64Array.from(resources, (r) => (r.s === null ? NaN : -r.s)),
      flag: Uint8Array.from(resources, (r) => (r.a ? 1 : 0)),
      modelVersions: [...new Set(resources.map((r) => String(r.v)))],
    });
  }

  private requireCosmos() {
    if (!this.cosmos) throw new LinkError('connect Cosmos DB first (Connect panel)');
    return this.cosmos;
  }
}

function cosmosError(what: string, e: unknown): Error {
  return new LinkError(failureLine(what, e, { credentials: 'key or token', missingHint: ' (run isoscope cosmos-setup)' }));
}
