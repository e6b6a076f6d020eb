// Cosmos DB from the engine worker: the readings container behind the persist outbox,
// the model registry, and a unit's stored history.
import type { Container, CosmosClient } from '@azure/cosmos';
import type { ModelJson } from '../model/types.js';
import { CosmosSink } from '../connectors/cosmos-sink.js';
import { checkPartitionKey, ContainerKeyError, READINGS_KEY } from '../connectors/cosmos-setup.js';
import type { CosmosForm } from '../connectors/link-settings.js';
import { fetchModel, listModels, promote, publishModel, type PublishedModel, type PublishedSummary } from '../connectors/model-registry.js';
import type { Outbox } from '../connectors/outbox.js';
import type { CosmosSettings } from '../connectors/settings.js';
import { queryUnitHistory, type UnitHistory } from '../connectors/unit-history.js';
import { azure, cosmosError, LinkError } from './azure-sdk.js';

export class CosmosLink {
  persist = false;
  private cosmos?: { client: CosmosClient; settings: CosmosSettings; readings: Container; models: Container };
  private readonly outbox: Outbox;

  constructor(outbox: Outbox) {
    this.outbox = outbox;
  }

  async connect(form: CosmosForm): Promise<{ database: string; container: string }> {
    const { checkCosmosForm, cosmosClientFor } = await azure();
    const settings = checkCosmosForm(form);
    this.disconnect();
    const client = cosmosClientFor(settings);
    const readings = client.database(settings.database).container(settings.container);
    const models = client.database(settings.database).container(settings.modelsContainer);
    try {
      const { resource } = await readings.read();
      checkPartitionKey(resource, READINGS_KEY, `${settings.database}/${settings.container}`);
    } catch (e) {
      client.dispose();
      if (e instanceof ContainerKeyError) throw new LinkError(e.message);
      throw cosmosError(`Cosmos DB container ${settings.database}/${settings.container}`, e);
    }
    this.cosmos = { client, settings, readings, models };
    if (this.persist || this.outbox.pending) this.outbox.attach(this.sinkFor(readings));
    return { database: settings.database, container: settings.container };
  }

  disconnect(): void {
    this.outbox.detach();
    this.cosmos?.client.dispose();
    this.cosmos = undefined;
  }

  /** Applies from the next batch of a live link; documents already queued are written either way. */
  setPersist(on: boolean): void {
    if (on && !this.cosmos) throw new LinkError('connect Cosmos DB before turning on Persist');
    this.persist = on;
    if (on && this.cosmos) this.outbox.attach(this.sinkFor(this.cosmos.readings));
  }

  /** The sink says why it retries (429 with the service's retry-after, or no answer); the panel shows it. */
  private sinkFor(readings: Container): CosmosSink {
    return new CosmosSink(readings, { onRetry: (n, ms, why) => this.outbox.note(`${why.line}; retrying ${n} in ${ms} ms`) });
  }

  publish(model: ModelJson, note?: string): Promise<PublishedModel> {
    const { models } = this.require();
    return publishModel(models, model, note?.trim() || undefined).catch((e) => {
      throw this.modelsError(e);
    });
  }

  list(): Promise<PublishedSummary[]> {
    return listModels(this.require().models).catch((e) => {
      throw this.modelsError(e);
    });
  }

  fetch(id: string): Promise<PublishedModel> {
    return fetchModel(this.require().models, id).catch((e) => {
      throw this.modelsError(e);
    });
  }

  /** Makes a version the champion, as `isoscope promote` does; returns the versions it retired. */
  promote(id: string): Promise<string[]> {
    return promote(this.require().models, id).catch((e) => {
      throw this.modelsError(e);
    });
  }

  unitHistory(unit: number, timeField: string): Promise<UnitHistory> {
    const { readings, settings } = this.require();
    return queryUnitHistory(readings, unit, timeField).catch((e) => {
      throw cosmosError(`Cosmos DB container ${settings.database}/${settings.container}`, e);
    });
  }

  /** A registry rule (no such version, too big a model) as it is; anything else as the models container failing. */
  private modelsError(e: unknown): Error {
    if ((e as Error).name === 'RegistryError') return e as Error;
    const { settings } = this.require();
    return cosmosError(`Cosmos DB models container ${settings.database}/${settings.modelsContainer}`, e);
  }

  private require() {
    if (!this.cosmos) throw new LinkError('connect Cosmos DB first (Connect panel)');
    return this.cosmos;
  }
}
