// npm run bench:pipeline: the production path under load on this machine. The local
// AMQP hub holds FD001 several times over (distinct unit ids); `isoscope consume` runs
// as its own process (so its memory is its own) and the bench reads its /metrics and
// its resident memory once a second.
//   A: hub → consumer (score, no store): sustained readings/s, RSS over the run.
//   B: hub → consumer → Cosmos DB (@vercel/cosmosdb-server, the local stand-in):
//      sustained readings/s with every document acknowledged before the checkpoint.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { EventHubProducerClient } from '@azure/event-hubs';
import { packageRoot } from '../src/engine/node-engine.js';
import { ingestFiles } from '../src/data/ingest.js';
import type { Dataset } from '../src/data/dataset.js';
import { publishDataset } from '../src/connectors/publisher.js';
import { setupCosmos } from '../src/connectors/cosmos-setup.js';
import { ENV_DEFAULTS } from '../src/connectors/settings.js';
import { EventHubServer, HubStore } from '../test/servers/event-hub-server.js';
import { startCosmos } from '../test/servers/cosmos-server.js';

const COPIES = Number(process.env.PIPELINE_COPIES ?? 10);
const COSMOS_READINGS = Number(process.env.PIPELINE_COSMOS_READINGS ?? 20631);
const root = packageRoot();
const fd001 = ingestFiles([
  { name: 'train_FD001.txt', bytes: readFileSync(join(root, '..', 'shared', 'data', 'cmapss', 'train_FD001.txt')) },
]);

/** FD001 with its unit ids moved by `shift`: another fleet of the same engines. */
function shifted(ds: Dataset, shift: number): Dataset {
  return { ...ds, columns: ds.columns.map((c) => (c.name === 'unit_number' ? { ...c, values: c.values.map((u) => u + shift) } : c)) };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', () => ok()));
  const port = (s.address() as { port: number }).port;
  await new Promise((ok) => s.close(ok));
  return port;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function predictions(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(/^iot_anomaly_predictions_total(?:{[^}]*})? (\d+)/m.exec(text)?.[1] ?? 0);
}

interface Run {
  readings: number;
  seconds: number;
  perSecond: number;
  rss: number[];
}

async function consume(env: Record<string, string>, group: string, target: number, extra: string[]): Promise<Run> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'node',
    [
      join(root, 'bin', 'isoscope.js'),
      'consume',
      '--model',
      join(root, 'models', 'fd001-baseline.json'),
      '--group',
      group,
      '--start',
      'earliest',
      '--metrics-port',
      String(port),
      ...extra,
    ],
    { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.on('data', (d) => (log += d));
  while (!/scoring/.test(log)) {
    if (child.exitCode !== null) throw new Error(`consume exited: ${log}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
  const rss: number[] = [];
  let first = 0;
  let t0 = 0;
  for (;;) {
    await new Promise((ok) => setTimeout(ok, 1000));
    const n = await predictions(port);
    rss.push(rssMb(child.pid!));
    if (!t0 && n > 0) {
      t0 = performance.now();
      first = n;
    }
    if (n >= target) break;
  }
  const seconds = (performance.now() - t0) / 1000 + 1; // the first sample's second counts
  child.kill('SIGTERM');
  await new Promise((ok) => child.once('exit', ok));
  return { readings: target, seconds, perSecond: (target - first) / Math.max(1e-9, seconds - 1), rss };
}

function memoryLine(rss: number[]): string {
  const third = Math.max(1, Math.floor(rss.length / 3));
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const early = avg(rss.slice(third, 2 * third));
  const late = avg(rss.slice(-third));
  return `RSS ${Math.min(...rss).toFixed(0)}–${Math.max(...rss).toFixed(0)} MB; middle third ${early.toFixed(0)} MB → last third ${late.toFixed(0)} MB (${(((late - early) / early) * 100).toFixed(1)}%)`;
}

async function main(): Promise<void> {
  const hub = new EventHubServer({ hub: 'readings', store: new HubStore(4) });
  await hub.start();
  const env = { EVENTHUB_CONNECTION_STRING: hub.connectionString() };
  const producer = new EventHubProducerClient(env.EVENTHUB_CONNECTION_STRING);
  const t = performance.now();
  for (let k = 0; k < COPIES; k++) await publishDataset(producer, shifted(fd001, 1000 * k), { rate: 0 });
  await producer.close();
  const total = hub.store.total;
  console.log(
    `published ${total.toLocaleString('en-US')} readings (FD001 × ${COPIES}) in ${((performance.now() - t) / 1000).toFixed(1)} s\n`,
  );

  const a = await consume(env, 'bench-a', total, []);
  console.log(
    `A  hub → consumer (scoring only): ${Math.round(a.perSecond).toLocaleString('en-US')} readings/s over ${a.seconds.toFixed(0)} s`,
  );
  console.log(`   ${memoryLine(a.rss)}`);

  const cosmos = await startCosmos();
  await setupCosmos(cosmos.client, {
    endpoint: cosmos.endpoint,
    key: 'x',
    database: ENV_DEFAULTS.COSMOS_DATABASE,
    container: ENV_DEFAULTS.COSMOS_CONTAINER,
    modelsContainer: ENV_DEFAULTS.COSMOS_MODELS_CONTAINER,
  });
  const b = await consume(
    { ...env, COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: 'bG9jYWw=' },
    'bench-b',
    Math.min(COSMOS_READINGS, total),
    ['--to', 'cosmos'],
  );
  console.log(
    `B  hub → consumer → Cosmos DB (local server): ${Math.round(b.perSecond).toLocaleString('en-US')} readings/s over ${b.seconds.toFixed(0)} s (${b.readings.toLocaleString('en-US')} documents)`,
  );
  console.log(`   ${memoryLine(b.rss)}`);
  await cosmos.stop();
  await hub.stop();
}

await main();
