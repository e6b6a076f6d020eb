// Faults on the way from Event Hubs to Cosmos DB: the hub goes down mid-stream and comes
// back, and Cosmos DB throttles writes for a while. Afterwards every reading is stored
// exactly once (ids are unit-time, writes are upserts), none missing.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { EventHubProducerClient } from '@azure/event-hubs';
import { CosmosClient, type Container } from '@azure/cosmos';
import { EventHubServer, HubStore } from './servers/event-hub-server.js';
import { startCosmos, type LocalCosmos } from './servers/cosmos-server.js';
import { startThrottlingProxy, type ThrottlingProxy } from './servers/throttling-proxy.js';
import { getEngine, loadFd001 } from './helpers.js';
import { publishDataset } from '../src/connectors/publisher.js';
import { setupCosmos } from '../src/connectors/cosmos-setup.js';
import { CosmosSink } from '../src/connectors/cosmos-sink.js';
import { Consumer } from '../src/connectors/consumer.js';
import { Metrics } from '../src/connectors/metrics.js';
import { hubSettings, ENV_DEFAULTS } from '../src/connectors/settings.js';
import { parseModelText } from '../src/model/validate.js';

const model = parseModelText(readFileSync(new URL('../models/fd001-baseline.json', import.meta.url), 'utf8')).model;
let hub: EventHubServer;
let cosmos: LocalCosmos;
let proxy: ThrottlingProxy;
let container: Container;
let client: CosmosClient;

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

beforeAll(async () => {
  hub = new EventHubServer({ hub: 'readings', store: new HubStore(4) });
  await hub.start();
  cosmos = await startCosmos();
  proxy = await startThrottlingProxy(cosmos.endpoint);
  client = new CosmosClient({ endpoint: proxy.endpoint, key: 'bG9jYWw=', connectionPolicy: { enableEndpointDiscovery: false } });
  const settings = { endpoint: proxy.endpoint, key: 'x', database: ENV_DEFAULTS.COSMOS_DATABASE, container: ENV_DEFAULTS.COSMOS_CONTAINER, modelsContainer: ENV_DEFAULTS.COSMOS_MODELS_CONTAINER };
  await setupCosmos(client, settings);
  container = client.database(settings.database).container(settings.container);
}, 60_000);

afterAll(async () => {
  client?.dispose();
  await hub?.stop();
  await proxy?.stop();
  await cosmos?.stop();
});

test('the hub crashes and returns, Cosmos DB throttles: still exactly one document per reading', async () => {
  const ds = loadFd001();
  const limit = 6000;
  const env = { EVENTHUB_CONNECTION_STRING: hub.connectionString() };
  const producer = new EventHubProducerClient(env.EVENTHUB_CONNECTION_STRING);
  await publishDataset(producer, ds, { rate: 0, limit });
  await producer.close();

  const metrics = new Metrics();
  const sink = new CosmosSink(container, { concurrency: 2 });
  const consumer = new Consumer({ hub: hubSettings(env, {}), engine: await getEngine(), model, metrics, sink, maxBatchSize: 200 });
  consumer.start();
  await until(() => sink.written >= 1500, 60_000, 'the first readings');

  // The hub goes away mid-stream and comes back on the same port with its events.
  const port = hub.port;
  await hub.stop();
  await new Promise((ok) => setTimeout(ok, 1500));
  hub = new EventHubServer({ hub: 'readings', store: hub.store, port });
  await hub.start();

  // Cosmos DB throttles every write for a while.
  proxy.throttle = true;
  await until(() => proxy.throttled >= 5, 30_000, 'throttled writes');
  await new Promise((ok) => setTimeout(ok, 1000));
  proxy.throttle = false;

  await until(() => sink.written >= limit, 120_000, 'every reading stored');
  await consumer.stop();
  const { resources } = await cosmos.client.database(ENV_DEFAULTS.COSMOS_DATABASE).container(ENV_DEFAULTS.COSMOS_CONTAINER)
    .items.query<{ id: string }>('SELECT c.id FROM c').fetchAll();
  expect(resources).toHaveLength(limit);
  expect(new Set(resources.map((r) => r.id)).size).toBe(limit);
  // Writes were refused with 429 for a while (the SDK and the sink waited as told), yet nothing is missing or doubled.
  expect(proxy.throttled).toBeGreaterThanOrEqual(5);
  expect(metrics.predictions).toBeGreaterThanOrEqual(limit);
}, 240_000);
