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
import { loadFd001, until } from './helpers.js';
import { publishDataset } from '../src/connectors/publisher.js';

const REPO = join(import.meta.dirname, '..');
const SDK_DEFAULT_EXPIRY_MS = 60_000;
let hub: EventHubServer;
let blob: LocalBlob;
const children: ChildProcess[] = [];

beforeAll(async () => {
  hub = new EventHubServer({ hub: 'readings', store: new HubStore(4) });
  await hub.start();
  blob = await startAzurite();
}, 60_000);

afterAll(async () => {
  children.forEach((c) => c.kill('SIGKILL'));
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
  // Both consumers as an operator runs them: the claimer's own expiry decides when a dead owner's partitions are free.
  const start = async () => {
    const child = spawn(
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
        '--balance',
        'greedy',
        '--balance-interval',
        '1',
        '--ownership-expiry',
        '4',
      ],
      { env, cwd: '/tmp' },
    );
    children.push(child);
    let log = '';
    child.stderr.on('data', (d) => (log += d));
    await until(() => /metrics on 127\.0\.0\.1:\d+/.test(log), 30_000, 'a consumer to start');
    const port = Number(/metrics on 127\.0\.0\.1:(\d+)/.exec(log)![1]);
    return { child, health: async () => (await (await fetch(`http://127.0.0.1:${port}/healthz`)).text()).trim() };
  };
  const first = await start();
  await until(async () => /^ok: 4 partition/.test(await first.health()), 60_000, 'the first consumer to own the hub');
  const second = await start();
  // Greedy balancing hands the newcomer its share: both own partitions before one dies.
  await until(async () => /^ok: [123] partition/.test(await second.health()), 60_000, 'the second consumer to own part of the hub');

  first.child.kill('SIGKILL');
  const killedAt = Date.now();
  await publish(4000, 8000);
  await until(async () => /^ok: 4 partition\(s\), .*backlog 0/.test(await second.health()), SDK_DEFAULT_EXPIRY_MS, 'the takeover');
  const tookMs = Date.now() - killedAt;
  // Within the SDK's default expiry it could only have happened with the configured one.
  expect(tookMs).toBeLessThan(SDK_DEFAULT_EXPIRY_MS);
  console.log(`takeover of a killed consumer's partitions: ${(tookMs / 1000).toFixed(1)} s after the kill (ownership expiry 4 s)`);
}, 240_000);
