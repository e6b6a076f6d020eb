// The engine worker's side of Event Hubs and Cosmos DB, as the page reaches it through
// Comlink (engine.link): live-connect, Cosmos DB with the persist outbox and the model
// registry, and publish replay. Secrets arrive from the page per call and live only in
// memory here. Each job lives in its own module; this only wires them together.
import type { DebounceSettings } from '../alarms/k-of-n.js';
import { columnByRole, DataError } from '../data/dataset.js';
import type { ModelJson } from '../model/types.js';
import type { LiveUpdate } from '../stream/replay.js';
import type { CosmosForm, HubForm } from '../connectors/link-settings.js';
import type { PublishedSummary } from '../connectors/model-registry.js';
import { Outbox } from '../connectors/outbox.js';
import type { UnitHistory } from '../connectors/unit-history.js';
import { CosmosLink } from './cosmos-link.js';
import type { LinkHost } from './link-host.js';
import { LiveHub } from './live-hub.js';
import { ReplayPublisher } from './replay-publisher.js';
import { transferring } from './transfer.js';
import { scoreAndCompare } from './model-compare.js';
import type { ModelComparison } from '../metrics/model-comparison.js';

export type { LinkHost } from './link-host.js';
export type { UnitHistory } from '../connectors/unit-history.js';

export class LinkService {
  private readonly outbox = new Outbox();
  private outboxReady?: Promise<number>;
  private readonly cosmos = new CosmosLink(this.outbox);
  private readonly hub: LiveHub;
  private readonly publisher = new ReplayPublisher();
  private readonly host: LinkHost;

  constructor(host: LinkHost) {
    this.host = host;
    this.hub = new LiveHub(host, this.outbox, () => this.cosmos.persist);
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
    await this.outboxPending();
    return this.hub.connect(form, opts, onUpdate);
  }

  get linked(): boolean {
    return this.hub.linked;
  }

  disconnectHub(): Promise<void> {
    return this.hub.disconnect();
  }

  setOffset(offset: number): void {
    this.hub.setOffset(offset);
  }

  forgetPositions(form: HubForm): Promise<number> {
    return this.hub.forgetPositions(form);
  }

  async connectCosmos(form: CosmosForm): Promise<{ database: string; container: string; pending: number }> {
    await this.outboxPending();
    const r = await this.cosmos.connect(form);
    return { ...r, pending: this.outbox.pending };
  }

  disconnectCosmos(): void {
    this.cosmos.disconnect();
  }

  setPersist(on: boolean): void {
    this.cosmos.setPersist(on);
  }

  publishReplay(form: HubForm, rate: number, onProgress: (sent: number, total: number) => void) {
    const ds = this.host.dataset();
    if (!ds) throw new DataError('load a dataset to publish');
    return this.publisher.publish(ds, form, rate, onProgress);
  }

  stopPublishing(): void {
    this.publisher.stop();
  }

  async publishModel(note?: string): Promise<{ id: string; version: number }> {
    const loaded = this.host.loadedModel();
    if (!loaded) throw new DataError('train or open a model to publish');
    const published = await this.cosmos.publish(loaded.model, note);
    this.hub.published(published.id);
    return { id: published.id, version: published.version };
  }

  listPublished(): Promise<PublishedSummary[]> {
    return this.cosmos.list();
  }

  /** Makes a published version the champion; returns the versions retired. */
  promote(id: string): Promise<string[]> {
    return this.cosmos.promote(id);
  }

  /** Scores the loaded data with two published versions here in the worker and compares them. */
  async compare(championId: string, candidateId: string): Promise<ModelComparison> {
    const ds = this.host.dataset();
    if (!ds) throw new DataError('load the data to compare the models on first');
    const [champion, candidate] = await Promise.all([this.cosmos.fetch(championId), this.cosmos.fetch(candidateId)]);
    return scoreAndCompare(this.host.engine(), ds, champion, candidate);
  }

  /** Fetches a published version, validates it and makes it current. */
  async openPublished(id: string): Promise<{ model: ModelJson; result: unknown }> {
    const published = await this.cosmos.fetch(id);
    const result = this.host.adopt(published.model);
    this.hub.modelChanged(published.id);
    return { model: published.model, result };
  }

  /** A new current model (trained or imported): a live link scores with it from now on. */
  modelChanged(publishedVersion?: string): void {
    this.hub.modelChanged(publishedVersion);
  }

  async unitHistory(unit: number): Promise<UnitHistory> {
    const ds = this.host.dataset();
    const timeField = (ds && columnByRole(ds, 'time')?.name) ?? 'time_in_cycles';
    return transferring(await this.cosmos.unitHistory(unit, timeField));
  }
}
