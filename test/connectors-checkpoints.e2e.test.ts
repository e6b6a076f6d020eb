// Two consumers share the hub through Blob checkpoints (Azurite): the partitions are
// split between them, one stops mid-stream and the other takes its partitions over, and
// a consumer started afterwards resumes from the checkpoints instead of the beginning.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { EventHubProducerClient } from '@azure/event-hubs';
import type { Container } from '@azure/cosmos';
import { EventHubServer, HubStore } from './servers/event-hub-server.js';
import { startCosmos, type LocalCosmos } from './servers/cosmos-server.js';
import { startAzurite, type LocalBlob } from './servers/azurite.js';
import { getEngine, loadFd001, shippedModel, until } from './helpers.js';
import { publishDataset } from '../src/connectors/publisher.js';
import { setupCosmos } from '../src/connectors/cosmos-setup.js';
import { CosmosSink } from '../src/connectors/cosmos-sink.js';
import { Consumer } from '../src/connectors/consumer.js';
import { Metrics } from '../src/connectors/metrics.js';
import { blobCheckpointStore } from '../src/connectors/checkpoints.js';
import { ENV_DEFAULTS } from '../src/connectors/settings.js';
import { hubSettings } from '../src/connectors/hub-connection.js';

const model = await shippedModel();
let hub: EventHubServer;
let cosmos: LocalCosmos;
let blob: LocalBlob;
let container: Container;

beforeAll(async () => {
  hub = new EventHubServer({ hub: 'readings', store: new HubStore(4) });
  await hub.start();
  cosmos = await startCosmos();
  blob = await startAzurite();
  const settings = {
    endpoint: cosmos.endpoint,
    key: 'x',
    database: ENV_DEFAULTS.COSMOS_DATABASE,
    container: ENV_DEFAULTS.COSMOS_CONTAINER,
    modelsContainer: ENV_DEFAULTS.COSMOS_MODELS_CONTAINER,
  };
  await setupCosmos(cosmos.client, settings);
  container = cosmos.client.database(settings.database).container(settings.container);
}, 60_000);

afterAll(async () => {
  await hub?.stop();
  await cosmos?.stop();
  await blob?.stop();
});

test('two consumers split the partitions; one stops, the other takes over; checkpoints let a newcomer resume', async () => {
  const ds = loadFd001();
  const limit = 8000;
  const env = { EVENTHUB_CONNECTION_STRING: hub.connectionString() };
  const producer = new EventHubProducerClient(env.EVENTHUB_CONNECTION_STRING);
  await publishDataset(producer, ds, { rate: 0, limit });
  await producer.close();

  const checkpoints = `checkpoints-${Date.now()}`; // checkpoint paths omit the port: a fresh container per run
  const make = async (metrics: Metrics) =>
    new Consumer({
      hub: hubSettings(env, {}),
      engine: await getEngine(),
      model,
      metrics,
      sink: new CosmosSink(container),
      checkpointStore: await blobCheckpointStore(blob.connectionString, checkpoints),
      maxBatchSize: 100,
      loadBalancing: { updateIntervalInMs: 500, partitionOwnershipExpirationIntervalInMs: 3000 },
    });
  const a = new Metrics();
  const b = new Metrics();
  const first = await make(a);
  const second = await make(b);
  first.start();
  second.start();
  await until(() => a.predictions > 0 && b.predictions > 0, 60_000, 'both consumers to own partitions');
  await first.stop(); // the other consumer claims its partitions once their ownership expires
  // Counting predictions is not enough: a partition that changes hands is re-read from its
  // last checkpoint (at-least-once). Wait for the documents themselves.
  const stored = async () =>
    new Set((await container.items.query<{ id: string }>('SELECT c.id FROM c').fetchAll()).resources.map((r) => r.id)).size;
  const end = Date.now() + 120_000;
  while ((await stored()) < limit) {
    if (Date.now() > end) throw new Error(`only ${await stored()} of ${limit} readings stored after one consumer stopped`);
    await new Promise((ok) => setTimeout(ok, 1000));
  }
  await second.stop();

  const { resources } = await container.items.query<{ id: string }>('SELECT c.id FROM c').fetchAll();
  expect(new Set(resources.map((r) => r.id)).size).toBe(limit);
  expect(resources).toHaveLength(limit);

  // A consumer started now resumes after the checkpoints: it finds (next to) nothing left.
  const c = new Metrics();
  const third = await make(c);
  third.start();
  await new Promise((ok) => setTimeout(ok, 4000));
  await third.stop();
  expect(c.predictions).toBeLessThan(limit / 10);
}, 240_000);
