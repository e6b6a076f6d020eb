// A consumer killed with SIGKILL never gives up its partitions: the others may take them
// only once its ownership expires. With consume's load-balancing flags that is the
// configured expiry (here 4 s), not the SDK's default of 60 s: a second consumer must be
// reading every partition, the dead one's included, well before a minute has passed.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { EventHubProducerClient } from '@azure/event-hubs';
import { EventHubServer, HubStore } from './servers/event-hub-server.js';
import { startAzurite, type LocalBlob } from './servers/azurite.js';
import { getEngine, loadFd001, shippedModel, until } from './helpers.js';
import { publishDataset } from '../src/connectors/publisher.js';
import { Consumer } from '../src/connectors/consumer.js';
import { Metrics } from '../src/connectors/metrics.js';
import { Health } from '../src/connectors/health.js';
import { blobCheckpointStore } from '../src/connectors/checkpoints.js';
import { hubSettings } from '../src/connectors/hub-connection.js';

const REPO = join(import.meta.dirname, '..');
const SDK_DEFAULT_EXPIRY_MS = 60_000;
let hub: EventHubServer;
let blob: LocalBlob;
let child: ChildProcess | undefined;

beforeAll(async () => {
  hub = new EventHubServer({ hub: 'readings', store: new HubStore(4) });
  await hub.start();
  blob = await startAzurite();
}, 60_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await hub?.stop();
  await blob?.stop();
});

test("a second consumer takes over a killed consumer's partitions within the configured ownership expiry", async () => {
  const ds = loadFd001('test_FD001.txt');
  const publish = async (from: number, to: number) => {
    const producer = new EventHubProducerClient(hub.connectionString());
    await publishDataset(producer, ds, { rate: 0, from, limit: to });
    await producer.close();
  };
  await publish(0, 4000);
  const container = `takeover-${Date.now()}`; // checkpoint paths omit the port: a fresh container per run
  const env = {
    PATH: process.env.PATH,
    EVENTHUB_CONNECTION_STRING: hub.connectionString(),
    CHECKPOINT_STORAGE_CONNECTION_STRING: blob.connectionString,
  };
  const flags = ['--balance', 'greedy', '--balance-interval', '1', '--ownership-expiry', '4'];
  child = spawn(
    'node',
    [
      join(REPO, 'bin', 'isoscope.js'),
      'consume',
      '--model',
      join(REPO, 'models', 'fd001-baseline.json'),
      '--checkpoint-container',
      container,
      '--metrics-port',
      '0',
      ...flags,
    ],
    { env, cwd: '/tmp' },
  );
  let log = '';
  child.stderr!.on('data', (d) => (log += d));
  await until(() => /metrics on 127\.0\.0\.1:\d+/.test(log), 30_000, 'the first consumer to start');
  const port = Number(/metrics on 127\.0\.0\.1:(\d+)/.exec(log)![1]);
  const scored = async () => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return Number(/^iot_anomaly_predictions_total\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
  };
  await until(async () => (await scored()) > 0, 60_000, 'the first consumer to score');

  // The second consumer, with the same load balancing; it claims what is free and waits for the rest.
  const health = new Health();
  const second = new Consumer({
    hub: hubSettings(env, {}),
    engine: await getEngine(),
    model: await shippedModel(),
    metrics: new Metrics(),
    checkpointStore: await blobCheckpointStore(blob.connectionString, container),
    loadBalancing: { strategy: 'greedy', updateIntervalInMs: 1000, partitionOwnershipExpirationIntervalInMs: 4000 },
    health,
    probeMs: 1000,
    maxBatchSize: 100,
  });
  second.start();
  // Greedy balancing splits the four partitions: both consumers own some before one dies.
  await until(() => health.partitions.size >= 1 && health.partitions.size < 4, 60_000, 'the second consumer to own part of the hub');

  child.kill('SIGKILL');
  const killedAt = Date.now();
  await new Promise((ok) => child!.once('exit', ok));
  child = undefined;
  // New readings on every partition: only a consumer owning all four receives them all.
  const receivedAfterKill = new Set<string>();
  const watch = setInterval(() => {
    for (const [id, p] of health.partitions) if ((p.receivedAt ?? 0) > killedAt) receivedAfterKill.add(id);
  }, 100);
  await publish(4000, 8000);
  try {
    await until(() => receivedAfterKill.size === 4, SDK_DEFAULT_EXPIRY_MS, 'the dead consumer’s partitions to be taken over');
  } finally {
    clearInterval(watch);
  }
  const tookMs = Date.now() - killedAt;
  await second.stop();
  // Within the SDK's default expiry it could only have happened with the configured one.
  expect(tookMs).toBeLessThan(SDK_DEFAULT_EXPIRY_MS);
}, 240_000);
