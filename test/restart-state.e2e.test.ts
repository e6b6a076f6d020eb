// Restarts keep each unit's state. `isoscope consume` (a child process) is killed with SIGKILL
// mid-stream and started again on its Blob checkpoints (Azurite); in another run Cosmos DB
// refuses writes for a while, so batches fail and partitions rewind to their checkpoints.
// Either way every reading of test_FD001 is stored once, and every stored score, flag and
// alarm equals `isoscope score`'s for the file (an uninterrupted run stores exactly that).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { EventHubProducerClient } from '@azure/event-hubs';
import { CosmosClient, type Container } from '@azure/cosmos';
import { EventHubServer, HubStore } from './servers/event-hub-server.js';
import { startCosmos, type LocalCosmos } from './servers/cosmos-server.js';
import { startAzurite, type LocalBlob } from './servers/azurite.js';
import { startThrottlingProxy, type ThrottlingProxy } from './servers/throttling-proxy.js';
import { getEngine, loadFd001, shippedModel, until } from './helpers.js';
import { differing, expectedDocuments, storedDocuments } from './stream-expect.js';
import { publishDataset } from '../src/connectors/publisher.js';
import { setupCosmos } from '../src/connectors/cosmos-setup.js';
import { CosmosSink } from '../src/connectors/cosmos-sink.js';
import { Consumer } from '../src/connectors/consumer.js';
import { Metrics } from '../src/connectors/metrics.js';
import { blobCheckpoints } from '../src/connectors/checkpoints.js';
import { ENV_DEFAULTS } from '../src/connectors/settings.js';
import { hubSettings } from '../src/connectors/hub-connection.js';

const root = join(import.meta.dirname, '..');
const model = await shippedModel();
const ds = loadFd001('test_FD001.txt');
const expected = expectedDocuments(await getEngine(), model, ds, 'unit_number', 'time_in_cycles');
let hub: EventHubServer;
let cosmos: LocalCosmos;
let blob: LocalBlob;
let proxy: ThrottlingProxy;
let client: CosmosClient;
const children: ChildProcess[] = [];

const settings = (endpoint: string, container: string) => ({
  endpoint,
  key: 'x',
  database: ENV_DEFAULTS.COSMOS_DATABASE,
  container,
  modelsContainer: ENV_DEFAULTS.COSMOS_MODELS_CONTAINER,
});

beforeAll(async () => {
  cosmos = await startCosmos();
  blob = await startAzurite();
  proxy = await startThrottlingProxy(cosmos.endpoint);
  client = new CosmosClient({ endpoint: proxy.endpoint, key: 'bG9jYWw=', connectionPolicy: { enableEndpointDiscovery: false } });
}, 60_000);

afterAll(async () => {
  children.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
  client?.dispose();
  await hub?.stop();
  await proxy?.stop();
  await cosmos?.stop();
  await blob?.stop();
});

async function publishAll(name: string): Promise<void> {
  hub = new EventHubServer({ hub: name, store: new HubStore(4) });
  await hub.start();
  const producer = new EventHubProducerClient(hub.connectionString(), name);
  expect(await publishDataset(producer, ds, { rate: 0 })).toBe(ds.rows);
  await producer.close();
}

function consumeChild(env: Record<string, string>, checkpoints: string): { child: ChildProcess; log: () => string } {
  const child = spawn(
    'node',
    [
      join(root, 'bin', 'isoscope.js'),
      'consume',
      '--model',
      join(root, 'models', 'fd001-baseline.json'),
      '--to',
      'cosmos',
      '--checkpoint-container',
      checkpoints,
      '--metrics-port',
      '0',
    ],
    { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(child);
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  return { child, log: () => log };
}

// Ids embed the unit, the partition key, so a count is a count of distinct ids (checked at the end).
const distinct = async (c: Container) => (await c.items.query<number>('SELECT VALUE COUNT(1) FROM c').fetchAll()).resources[0];

test('kill -9 of consume and a resume from Blob checkpoints: every document equals an uninterrupted run', async () => {
  await publishAll('killed');
  const s = settings(cosmos.endpoint, 'killed');
  await setupCosmos(cosmos.client, s);
  const container = cosmos.client.database(s.database).container(s.container);
  const env = {
    EVENTHUB_CONNECTION_STRING: hub.connectionString(),
    EVENTHUB_NAME: 'killed',
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: 'bG9jYWw=',
    COSMOS_CONTAINER: 'killed',
    CHECKPOINT_STORAGE_CONNECTION_STRING: blob.connectionString,
  };
  const checkpoints = `killed-${Date.now()}`;
  const first = consumeChild(env, checkpoints);
  await until(async () => (await distinct(container)) >= 4000, 120_000, `the first 4,000 documents (${first.log()})`);
  first.child.kill('SIGKILL');
  await new Promise((ok) => first.child.once('exit', ok));
  const before = await distinct(container);
  expect(before).toBeLessThan(ds.rows); // killed mid-stream

  const restarted = performance.now();
  const second = consumeChild(env, checkpoints);
  await until(async () => (await distinct(container)) > before, 180_000, `the restarted consumer's first new document (${second.log()})`);
  const resumeSeconds = (performance.now() - restarted) / 1000;
  await until(async () => (await distinct(container)) >= ds.rows, 240_000, `every reading stored (${second.log()})`);
  second.child.kill('SIGTERM');
  await new Promise((ok) => second.child.once('exit', ok));

  const docs = await storedDocuments(container);
  const diff = differing(docs, expected);
  console.log(
    `kill -9 after ${before} of ${ds.rows} documents: resumed in ${resumeSeconds.toFixed(1)} s; ${docs.length} stored, ${diff.differ} differ from an uninterrupted run`,
  );
  expect(docs).toHaveLength(ds.rows);
  expect(new Set(docs.map((d) => d.id)).size).toBe(ds.rows);
  expect(diff).toEqual({ differ: 0, unknown: 0 });
  expect(expected.alarmed).toBeGreaterThan(100); // alarm periods were compared, not only quiet ones
}, 600_000);

test('Cosmos DB refuses writes for a while: partitions rewind, restore their units, and every document equals an uninterrupted run', async () => {
  await hub?.stop();
  await publishAll('outage');
  const s = settings(proxy.endpoint, 'outage');
  await setupCosmos(client, s);
  const container = client.database(s.database).container(s.container);
  const direct = cosmos.client.database(s.database).container(s.container); // reads bypass the failing proxy
  const { checkpointStore, unitStates } = await blobCheckpoints(blob.connectionString, `outage-${Date.now()}`);
  const metrics = new Metrics();
  const failures: string[] = [];
  const sink = new CosmosSink(container, { maxAttempts: 1 });
  const consumer = new Consumer({
    hub: hubSettings({ EVENTHUB_CONNECTION_STRING: hub.connectionString() }, { hub: 'outage' }),
    engine: await getEngine(),
    model,
    metrics,
    sink,
    checkpointStore,
    unitStates,
    maxBatchSize: 200,
    loadBalancing: { updateIntervalInMs: 500, partitionOwnershipExpirationIntervalInMs: 3000 },
    log: (line) => failures.push(line),
  });
  consumer.start();
  await until(() => sink.written >= 3000, 120_000, 'the first 3,000 documents');
  proxy.reject = true; // every write fails: the batch in flight is not checkpointed, and its partition rewinds
  const down = performance.now();
  await until(() => failures.length >= 2, 60_000, 'failed batches');
  await new Promise((ok) => setTimeout(ok, 3000));
  proxy.reject = false;
  const up = performance.now();
  const writtenAtUp = sink.written;
  await until(() => sink.written > writtenAtUp, 120_000, 'writes after the outage');
  const resumeSeconds = (performance.now() - up) / 1000;
  await until(async () => (await distinct(direct)) >= ds.rows, 240_000, 'every reading stored');
  await consumer.stop();

  const docs = await storedDocuments(direct);
  const diff = differing(docs, expected);
  console.log(
    `Cosmos DB refused writes for ${((up - down) / 1000).toFixed(1)} s (${failures.length} failed batches): first write ${resumeSeconds.toFixed(1)} s after it came back; ${docs.length} stored, ${diff.differ} differ`,
  );
  expect(metrics.predictions).toBeGreaterThan(ds.rows); // batches were scored again after the rewinds
  expect(docs).toHaveLength(ds.rows);
  expect(new Set(docs.map((d) => d.id)).size).toBe(ds.rows);
  expect(diff).toEqual({ differ: 0, unknown: 0 });
}, 600_000);
