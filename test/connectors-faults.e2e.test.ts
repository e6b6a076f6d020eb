// Faults on the way from Event Hubs to Cosmos DB: the hub goes down mid-stream and comes
// back, and Cosmos DB throttles writes for a while. Afterwards every reading is stored
// exactly once (ids are unit-time, writes are upserts), none missing.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { EventHubProducerClient } from '@azure/event-hubs';
import { CosmosClient, type Container } from '@azure/cosmos';
import { EventHubServer, HubStore } from './servers/event-hub-server.js';
import { startCosmos, type LocalCosmos } from './servers/cosmos-server.js';
import { startThrottlingProxy, type ThrottlingProxy } from './servers/throttling-proxy.js';
import { getEngine, loadFd001, shippedModel, until } from './helpers.js';
import { publishDataset } from '../src/connectors/publisher.js';
import { setupCosmos } from '../src/connectors/cosmos-setup.js';
import { CosmosSink } from '../src/connectors/cosmos-sink.js';
import { Consumer } from '../src/connectors/consumer.js';
import { Metrics } from '../src/connectors/metrics.js';
import { ENV_DEFAULTS } from '../src/connectors/settings.js';
import { hubSettings } from '../src/connectors/hub-connection.js';

const model = await shippedModel();
let hub: EventHubServer;
let cosmos: LocalCosmos;
let proxy: ThrottlingProxy;
let container: Container;
let client: CosmosClient;

beforeAll(async () => {
  hub = new EventHubServer({ hub: 'readings', store: new HubStore(4) });
  await hub.start();
  cosmos = await startCosmos();
  proxy = await startThrottlingProxy(cosmos.endpoint);
  client = new CosmosClient({ endpoint: proxy.endpoint, key: 'bG9jYWw=', connectionPolicy: { enableEndpointDiscovery: false } });
  const settings = {
    endpoint: proxy.endpoint,
    key: 'x',
    database: ENV_DEFAULTS.COSMOS_DATABASE,
    container: ENV_DEFAULTS.COSMOS_CONTAINER,
    modelsContainer: ENV_DEFAULTS.COSMOS_MODELS_CONTAINER,
  };
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
  const half = 3000;
  const limit = 6000;
  const publish = async (from: number, to: number) => {
    const producer = new EventHubProducerClient(hub.connectionString());
    expect(await publishDataset(producer, ds, { rate: 0, from, limit: to })).toBe(to - from);
    await producer.close();
  };
  await publish(0, half);

  const metrics = new Metrics();
  const sink = new CosmosSink(container, { concurrency: 2 });
  const consumer = new Consumer({
    hub: hubSettings({ EVENTHUB_CONNECTION_STRING: hub.connectionString() }, {}),
    engine: await getEngine(),
    model,
    metrics,
    sink,
    maxBatchSize: 200,
  });
  consumer.start();
  await until(() => sink.written >= 1000, 60_000, 'the first readings');

  // The hub goes away mid-stream and comes back on the same port with its events.
  const port = hub.port;
  await hub.stop();
  await new Promise((ok) => setTimeout(ok, 1500));
  hub = new EventHubServer({ hub: 'readings', store: hub.store, port });
  await hub.start();

  // Cosmos DB throttles every write while the second half arrives: the consumer must have
  // reconnected to get it, and must wait out the 429s to store it.
  proxy.throttle = true;
  await publish(half, limit);
  await until(() => proxy.throttled >= 5, 60_000, 'throttled writes');
  await new Promise((ok) => setTimeout(ok, 1000));
  proxy.throttle = false;

  // Re-deliveries after the restart are possible (at-least-once): wait for the documents, not a count of writes.
  const stored = async () =>
    (
      await cosmos.client
        .database(ENV_DEFAULTS.COSMOS_DATABASE)
        .container(ENV_DEFAULTS.COSMOS_CONTAINER)
        .items.query<{ id: string }>('SELECT c.id FROM c')
        .fetchAll()
    ).resources;
  const end = Date.now() + 120_000;
  while (new Set((await stored()).map((r) => r.id)).size < limit) {
    if (Date.now() > end) throw new Error(`only ${new Set((await stored()).map((r) => r.id)).size} of ${limit} readings stored`);
    await new Promise((ok) => setTimeout(ok, 1000));
  }
  await consumer.stop();
  const resources = await stored();
  expect(new Set(resources.map((r) => r.id)).size).toBe(limit);
  expect(resources).toHaveLength(limit);
  expect(proxy.throttled).toBeGreaterThanOrEqual(5);
}, 240_000);
