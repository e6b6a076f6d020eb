// A plant's own CSV (timestamp, a text machine id like "press-01", three sensors) through the
// whole pipeline with the CLI and default flags: train, cosmos-setup, replay, consume. The model
// names its key columns, so every reading is stored under its own id with its text unit, and
// scored as `isoscope score` scores the file. Readings that cannot be keyed go to the dead
// letters with their reason and are counted; a model that names no keys is refused at start.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EventHubProducerClient } from '@azure/event-hubs';
import { EventHubServer, HubStore } from './servers/event-hub-server.js';
import { startCosmos, type LocalCosmos } from './servers/cosmos-server.js';
import { csvDataset, getEngine, lcg, until } from './helpers.js';
import { differing, expectedDocuments, storedDocuments } from './stream-expect.js';
import { ENV_DEFAULTS } from '../src/connectors/settings.js';
import type { ModelJson } from '../src/model/types.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const cli = join(root, 'bin', 'isoscope.js');
const dir = mkdtempSync(join(tmpdir(), 'isoscope-plant-'));
const MACHINES = 12;
const STEPS = 250;
let hub: EventHubServer;
let cosmos: LocalCosmos;
let child: ChildProcess | undefined;

/** 3,000 readings a minute apart, machines interleaved; press-07 drifts late in its life. */
function plantCsv(): string {
  const rand = lcg(11);
  const lines = ['timestamp,machine,temperature,pressure,vibration'];
  for (let t = 0; t < STEPS; t++) {
    const at = new Date(Date.UTC(2026, 0, 1) + t * 60_000).toISOString();
    for (let m = 1; m <= MACHINES; m++) {
      const drift = m === 7 && t > 180 ? (t - 180) * 0.2 : 0;
      const temp = 60 + m + rand() * 2 + drift;
      const pressure = 5 + rand() * 0.3 + drift * 0.05;
      const vibration = 0.2 + rand() * 0.05;
      lines.push(`${at},press-${String(m).padStart(2, '0')},${temp.toFixed(3)},${pressure.toFixed(3)},${vibration.toFixed(4)}`);
    }
  }
  return lines.join('\n') + '\n';
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as AddressInfo).port;
  await new Promise((ok) => s.close(ok));
  return port;
}

beforeAll(async () => {
  hub = new EventHubServer({ hub: 'plant', store: new HubStore(4) });
  await hub.start();
  cosmos = await startCosmos();
}, 60_000);

afterAll(async () => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  await hub?.stop();
  await cosmos?.stop();
});

test('a generic CSV with text machine ids, trained and streamed with default flags: every reading stored under its own id', async () => {
  const csv = plantCsv();
  const file = join(dir, 'plant.csv');
  writeFileSync(file, csv);
  const modelFile = join(dir, 'plant-model.json');
  await run('node', [cli, 'train', file, '--seed', '3', '-o', modelFile]);
  const model = JSON.parse(readFileSync(modelFile, 'utf8')) as ModelJson;
  expect(model.keys).toEqual({ unit: 'machine', time: 'timestamp' });

  const env = {
    PATH: process.env.PATH!,
    EVENTHUB_CONNECTION_STRING: hub.connectionString(),
    EVENTHUB_NAME: 'plant',
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: 'bG9jYWw=',
  };
  const setup = await run('node', [cli, 'cosmos-setup'], { env });
  expect(setup.stdout).toContain('container deadletters');
  await run('node', [cli, 'replay', file, '--to', 'eventhub'], { env });
  // Three readings that cannot be keyed, among the good ones.
  const producer = new EventHubProducerClient(hub.connectionString(), 'plant');
  const bad = await producer.createBatch();
  for (const body of [
    'not an object',
    { machine: 'press-01', temperature: 1 },
    { machine: 'press-02', timestamp: 'yesterday', temperature: 1 },
  ])
    expect(bad.tryAdd({ body })).toBe(true);
  await producer.sendBatch(bad);
  await producer.close();

  // A model that does not name its keys (as from before they were recorded) is refused at start, in one line.
  const { keys: _, ...old } = model;
  const oldFile = join(dir, 'old-model.json');
  writeFileSync(oldFile, JSON.stringify(old));
  const refused = await run('node', [cli, 'consume', '--model', oldFile, '--to', 'cosmos'], { env }).catch(
    (e: { code: number; stderr: string }) => e,
  );
  expect((refused as { code: number }).code).toBe(2);
  expect((refused as { stderr: string }).stderr.trim().split('\n')).toHaveLength(1);
  expect((refused as { stderr: string }).stderr).toMatch(/--unit-field and --time-field/);

  const port = await freePort();
  child = spawn('node', [cli, 'consume', '--model', modelFile, '--to', 'cosmos', '--metrics-port', String(port)], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (d) => (log += d));
  const db = cosmos.client.database(ENV_DEFAULTS.COSMOS_DATABASE);
  const container = db.container(ENV_DEFAULTS.COSMOS_CONTAINER);
  const rows = MACHINES * STEPS;
  const deadText = async () => (await (await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined))?.text()) ?? '';
  await until(async () => (await storedDocuments(container)).length >= rows, 120_000, `every reading stored (${log})`);
  await until(async () => /iot_dead_letters_total\{[^}]*\} 3\b/.test(await deadText()), 30_000, `3 dead letters counted (${log})`);
  child.kill('SIGTERM');
  await new Promise((ok) => child!.once('close', ok));
  expect(log).toContain('units by "machine", time by "timestamp"');

  const docs = await storedDocuments(container);
  expect(docs).toHaveLength(rows);
  expect(new Set(docs.map((d) => d.id)).size).toBe(rows);
  expect(new Set(docs.map((d) => d.unit_number))).toEqual(
    new Set(Array.from({ length: MACHINES }, (_, m) => `press-${String(m + 1).padStart(2, '0')}`)),
  );
  const expected = expectedDocuments(await getEngine(), model, csvDataset(csv, 'plant.csv'), 'machine', 'timestamp');
  expect(differing(docs, expected)).toEqual({ differ: 0, unknown: 0 });

  const letters = (await db.container('deadletters').items.query<{ reason: string }>('SELECT * FROM c').fetchAll()).resources;
  expect(letters.map((l) => l.reason).sort()).toEqual([
    'no time field "timestamp"',
    'the event body is not a JSON object',
    'time field "timestamp" is not a number',
  ]);
}, 300_000);
