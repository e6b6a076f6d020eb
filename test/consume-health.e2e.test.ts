// /healthz of `isoscope consume` tells the truth through the outages an operator meets: a
// hub that is not there at start, a partition that stalls, Cosmos DB out of reach, the hub
// going down mid-stream. One consumer process lives through all of them in turn; each
// phase waits for 503 with its reason, then for 200 once the fault is mended, and the log
// names what could not be reached and why.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { EventHubProducerClient } from '@azure/event-hubs';
import { EventHubServer, HubStore } from './servers/event-hub-server.js';
import { startCosmos, type LocalCosmos } from './servers/cosmos-server.js';
import { startThrottlingProxy, type ThrottlingProxy } from './servers/throttling-proxy.js';
import { loadFd001, until } from './helpers.js';
import { publishDataset } from '../src/connectors/publisher.js';
import { setupCosmos } from '../src/connectors/cosmos-setup.js';
import { ENV_DEFAULTS } from '../src/connectors/settings.js';

const REPO = join(import.meta.dirname, '..');
const MODEL = join(REPO, 'models', 'fd001-baseline.json');
let cosmos: LocalCosmos;
let proxy: ThrottlingProxy;
let hub: EventHubServer | undefined;
let child: ChildProcess | undefined;

const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });

beforeAll(async () => {
  cosmos = await startCosmos();
  proxy = await startThrottlingProxy(cosmos.endpoint);
  await setupCosmos(cosmos.client, {
    endpoint: cosmos.endpoint,
    key: 'x',
    database: ENV_DEFAULTS.COSMOS_DATABASE,
    container: ENV_DEFAULTS.COSMOS_CONTAINER,
    modelsContainer: ENV_DEFAULTS.COSMOS_MODELS_CONTAINER,
  });
}, 60_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await hub?.stop();
  await proxy?.stop();
  await cosmos?.stop();
});

test('/healthz is 503 with the reason while the hub is missing, a partition stalls, Cosmos DB is down or the hub drops; 200 otherwise', async () => {
  const store = new HubStore(4);
  const hubPort = await freePort();
  const metricsPort = await freePort();
  const unstarted = new EventHubServer({ hub: 'readings', store, port: hubPort });
  const env = {
    PATH: process.env.PATH,
    EVENTHUB_CONNECTION_STRING: `Endpoint=sb://127.0.0.1:${hubPort}/;SharedAccessKeyName=local;SharedAccessKey=bG9jYWw=;EntityPath=readings;UseDevelopmentEmulator=true`,
    COSMOS_ENDPOINT: proxy.endpoint,
    COSMOS_KEY: 'bG9jYWw=',
  };
  const args = ['consume', '--model', MODEL, '--to', 'cosmos', '--metrics-port', String(metricsPort)];
  child = spawn('node', [join(REPO, 'bin', 'isoscope.js'), ...args, '--health-max-silence', '3', '--health-max-lag', '600'], {
    env,
    cwd: '/tmp',
  });
  let log = '';
  child.stderr!.on('data', (d) => (log += d));
  child.stdout!.on('data', (d) => (log += d));
  const health = async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/healthz`).catch(() => undefined);
    return res ? { status: res.status, text: (await res.text()).trim() } : { status: 0, text: '' };
  };
  const waitFor = async (status: number, reason: RegExp, what: string) => {
    let last = { status: 0, text: '' };
    await until(
      async () => {
        last = await health();
        return last.status === status && reason.test(last.text);
      },
      90_000,
      what,
    ).catch((e: Error) => {
      throw new Error(`${e.message} (last /healthz: ${last.status} ${last.text}; log: ${log.slice(-800)})`);
    });
    return last;
  };
  // The log line is written before /healthz changes, but the two reach this process on
  // separate channels (a pipe and a socket) in either order: wait briefly for the line.
  const logShows = async (line: RegExp) => {
    await until(() => line.test(log), 5_000, `the log to show ${line}`).catch(() => undefined);
    expect(log).toMatch(line);
  };

  // 1. The hub is not there at start: 503 from the first answer, and the log says why.
  const missing = await waitFor(503, /event hub unreachable .*ECONNREFUSED/, 'a 503 for the missing hub');
  expect(missing.text.split('\n')).toHaveLength(1);
  await logShows(/metrics on 127\.0\.0\.1:\d+\/metrics/);
  await logShows(/cannot reach the event hub: connect ECONNREFUSED/);

  // The hub appears: healthy, and the readings flow into Cosmos DB.
  hub = unstarted;
  await hub.start();
  const ds = loadFd001();
  const publish = async (from: number, to: number) => {
    const producer = new EventHubProducerClient(hub!.connectionString());
    await publishDataset(producer, ds, { rate: 0, from, limit: to });
    await producer.close();
  };
  await publish(0, 2000);
  await waitFor(200, /^ok: 4 partition\(s\), last write .* backlog 0/, 'health once the hub answers and all is written');
  await logShows(/the event hub answers again/);

  // 2. A partition stalls: events enqueued, none delivered. The lag and backlog are live, not frozen.
  hub.paused.add(1);
  await publish(2000, 4000);
  const stalled = await waitFor(503, /partition 1 stalled: \d+ event\(s\) waiting, none received for \d+ s/, 'a 503 for the stall');
  expect(stalled.text).not.toMatch(/partition [023] stalled/);
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  expect(Number(/^iot_anomaly_backlog_events\{[^}]*\} (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
  hub.paused.delete(1);
  store.poke();
  await waitFor(200, /^ok: .* backlog 0/, 'health once the partition delivers again');

  // 3. Cosmos DB goes away: refused connections are an outage, not "asked to retry".
  const cosmosPort = Number(new URL(proxy.endpoint).port);
  await proxy.stop();
  await publish(4000, 5000);
  const down = await waitFor(503, /cannot reach Cosmos DB: .*ECONNREFUSED/, 'a 503 for the Cosmos DB outage');
  expect(down.text.split('\n')).toHaveLength(1);
  await logShows(/isoscope consume: cannot reach Cosmos DB: .*ECONNREFUSED/);
  expect(log).not.toMatch(/asked to retry/);
  proxy = await startThrottlingProxy(cosmos.endpoint, { port: cosmosPort });
  await waitFor(200, /^ok: .* backlog 0/, 'health once Cosmos DB is back');
  await logShows(/Cosmos DB takes writes again/);

  // 4. The hub drops mid-stream.
  await hub.stop();
  await waitFor(503, /event hub unreachable/, 'a 503 while the hub is down');
  hub = new EventHubServer({ hub: 'readings', store, port: hubPort });
  await hub.start();
  await publish(5000, 6000);
  await waitFor(200, /^ok: .* backlog 0/, 'health once the hub is back');

  // Nothing was lost on the way.
  const { resources } = await cosmos.client
    .database(ENV_DEFAULTS.COSMOS_DATABASE)
    .container(ENV_DEFAULTS.COSMOS_CONTAINER)
    .items.query<{ id: string }>('SELECT c.id FROM c')
    .fetchAll();
  expect(new Set(resources.map((r) => r.id)).size).toBe(6000);
  child.kill('SIGTERM');
  await new Promise((ok) => child!.once('exit', ok));
  child = undefined;
}, 420_000);
