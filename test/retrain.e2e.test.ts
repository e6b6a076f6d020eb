// retrain from what consume stored, against the local Event Hubs and Cosmos DB servers with the
// real SDKs: a file replayed to the hub and stored by `isoscope consume --to cosmos` trains, through
// `isoscope retrain --from cosmos`, the model `isoscope train` makes from the file (same forest,
// threshold and recipe; identical scores). Then the registry's lifecycle: retrain --publish makes a
// candidate, promote makes it the champion and retires the one before, models --json lists both;
// a running consumer scores a candidate published meanwhile in shadow, and switches at a promotion.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EventHubServer, HubStore } from './servers/event-hub-server.js';
import { startCosmos, type LocalCosmos } from './servers/cosmos-server.js';
import { cmapssPath, loadFd001, until } from './helpers.js';
import { REPO, SHIPPED_MODEL, startConsume } from './serve-process.js';
import { ENV_DEFAULTS } from '../src/connectors/settings.js';
import { CMAPSS_COLUMNS } from '../src/data/cmapss.js';
import type { ModelJson } from '../src/model/types.js';
import { readingOf } from '../src/stream/reading-codec.js';
import { EventHubProducerClient } from '@azure/event-hubs';

const BIN = join(REPO, 'bin', 'isoscope.js');
const dir = mkdtempSync(join(tmpdir(), 'isoscope-retrain-'));
// Units 1-4 of train_FD001, as the file has them: the local Cosmos server scans every document per query.
const FILE = join(dir, 'train_units_1_4.txt');
writeFileSync(
  FILE,
  readFileSync(cmapssPath('train_FD001.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && Number(l.trim().split(/\s+/)[0]) <= 4)
    .join('\n') + '\n',
);
const ROWS = readFileSync(FILE, 'utf8').trim().split('\n').length;
// The same readings as a CSV: stored readings carry no remaining life, and a C-MAPSS training file read as
// run to failure does (its healthy readings past the baseline then join the threshold's calibration).
const CSV = join(dir, 'units_1_4.csv');
writeFileSync(
  CSV,
  [
    CMAPSS_COLUMNS.join(','),
    ...readFileSync(FILE, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).join(',')),
  ].join('\n') + '\n',
);

let hub: EventHubServer;
let cosmos: LocalCosmos;
let env: Record<string, string>;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [BIN, ...args], { env: { PATH: process.env.PATH, ...env }, cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

/** The model without what names its source and moment. */
function essence(path: string): Omit<ModelJson, 'createdAt'> {
  const m = JSON.parse(readFileSync(path, 'utf8')) as ModelJson;
  const { createdAt: _c, ...rest } = m;
  return { ...rest, training: { ...rest.training, source: '' } };
}

beforeAll(async () => {
  hub = new EventHubServer({ hub: 'readings', store: new HubStore(2) });
  await hub.start();
  cosmos = await startCosmos();
  env = { COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: 'bG9jYWw=', EVENTHUB_CONNECTION_STRING: hub.connectionString() };
  expect((await cli('cosmos-setup')).code).toBe(0);
  expect((await cli('replay', FILE, '--to', 'eventhub')).code).toBe(0);
  const consume = await startConsume(['--model', SHIPPED_MODEL, '--to', 'cosmos'], env);
  const stored = cosmos.client.database(ENV_DEFAULTS.COSMOS_DATABASE).container(ENV_DEFAULTS.COSMOS_CONTAINER);
  const count = async () => (await stored.items.query<number>('SELECT VALUE COUNT(1) FROM c').fetchAll()).resources[0] ?? 0;
  await until(async () => (await count()) === ROWS, 120_000, `consume to store the ${ROWS} readings`);
  expect(await consume.stop()).toBe(0);
}, 180_000);

afterAll(async () => {
  await cosmos?.stop();
  await hub?.stop();
});

describe('isoscope retrain --from cosmos', () => {
  test('the stored readings train the model the file trains: same model, identical scores', async () => {
    const flags = ['--seed', '7', '--trees', '60', '--alarm', '3/5'];
    const fromFile = await cli('train', CSV, ...flags, '-o', 'file.json');
    expect(fromFile.code).toBe(0);
    const fromCosmos = await cli('retrain', '--from', 'cosmos', ...flags, '-o', 'cosmos.json');
    expect([fromCosmos.code, fromCosmos.stderr]).toEqual([
      0,
      expect.stringMatching(new RegExp(`read ${ROWS} stored readings from iot-sensor-db/anomalies`)),
    ]);
    const a = essence(join(dir, 'file.json'));
    const b = essence(join(dir, 'cosmos.json'));
    expect(b.id).toBe(a.id);
    expect(b).toEqual(a);
    const scoreA = await cli('score', FILE, '--model', 'file.json');
    const scoreB = await cli('score', FILE, '--model', 'cosmos.json');
    expect(scoreA.stdout.trimEnd().split('\n')).toHaveLength(ROWS + 1); // the header and a line per reading
    expect(scoreB.stdout).toBe(scoreA.stdout);
  }, 120_000);

  test('--units, --exclude-alarmed and --since choose the readings; bad flags are one line', async () => {
    const two = await cli('retrain', '--from', 'cosmos', '--units', '2,3', '--trees', '20', '-o', 'two.json');
    const perUnit = readFileSync(FILE, 'utf8')
      .trim()
      .split('\n')
      .filter((l) => ['2', '3'].includes(l.trim().split(/\s+/)[0])).length;
    expect(two.stderr).toMatch(new RegExp(`read ${perUnit} stored readings`));
    const calm = await cli('retrain', '--from', 'cosmos', '--exclude-alarmed', '--trees', '20', '-o', 'calm.json');
    const left = /left out (\d+) held in alarm/.exec(calm.stderr);
    expect(Number(left?.[1])).toBeGreaterThan(0); // the shipped model raises alarms near each unit's failure
    expect(calm.stderr).toMatch(new RegExp(`read ${ROWS - Number(left![1])} stored readings`));
    const future = await cli('retrain', '--from', 'cosmos', '--since', '2999-01-01', '-o', 'none.json');
    expect([future.code, future.stderr.trim()]).toEqual([
      1,
      'isoscope: no stored readings match (since 2999-01-01T00:00:00.000Z) in cosmos:iot-sensor-db/anomalies',
    ]);
    const bad = await cli('retrain', '--from', 'cosmos', '--until', 'yesterday', '-o', 'x.json');
    expect([bad.code, bad.stderr.trim()]).toEqual([2, 'isoscope: --until takes an ISO time such as 2026-01-31T00:00:00Z, got "yesterday"']);
    expect((await cli('retrain', '-o', 'x.json')).stderr).toMatch(/^isoscope: retrain needs --from cosmos\n/);
  }, 120_000);

  test('publish makes a candidate, promote makes it champion and retires the one before; models --json lists them', async () => {
    expect((await cli('publish-model', SHIPPED_MODEL, '--note', 'shipped')).stdout).toMatch(/as v1 in iot-sensor-db\/models \(champion\)/);
    const r = await cli('retrain', '--from', 'cosmos', '--trees', '20', '-o', 'cand.json', '--publish', '--note', 'from storage');
    expect(r.stdout).toMatch(/as v2 in iot-sensor-db\/models \(candidate\)/);
    const list = async () => JSON.parse((await cli('models', '--json')).stdout) as Record<string, unknown>[];
    expect((await list()).map((m) => [m.version, m.status, m.note])).toEqual([
      ['v2', 'candidate', 'from storage'],
      ['v1', 'champion', 'shipped'],
    ]);
    expect(Object.keys((await list())[0])).toEqual(['version', 'status', 'created', 'model_id', 'note', 'shadow']);
    expect((await cli('promote', 'v2')).stdout.trim()).toBe('v2 is the champion; retired v1');
    expect((await list()).map((m) => m.status)).toEqual(['champion', 'retired']);
    expect((await cli('promote', 'v1')).stdout.trim()).toBe('v1 is the champion; retired v2');
    expect((await cli('promote', 'v9')).stderr.trim()).toBe('isoscope: no published model "v9" in the models container');
    expect((await cli('promote', 'latest')).code).toBe(2);
    const table = (await cli('models')).stdout;
    expect(table).toMatch(/^v1 +champion /m);
    expect(table).toMatch(/^v2 +retired /m);
  }, 120_000);

  // Goes on from the registry the test above left: v1 champion, v2 retired, cand.json written.
  test('a running consumer scores a candidate in shadow, then switches to it at promotion: nothing lost or scored twice', async () => {
    const stored = cosmos.client.database(ENV_DEFAULTS.COSMOS_DATABASE).container(ENV_DEFAULTS.COSMOS_CONTAINER);
    const since = new Date(Date.now() - 1).toISOString();
    const consume = await startConsume(['--model-from', 'cosmos', '--to', 'cosmos', '--model-poll', '0.5', '--start', since], env);
    await until(() => /with model .* \(v1\)/.test(consume.stderr()), 30_000, 'the consumer to start with the champion v1');
    const fd001 = loadFd001('test_FD001.txt');
    const producer = new EventHubProducerClient(env.EVENTHUB_CONNECTION_STRING);
    const send = async (from: number, to: number) => {
      const batch = await producer.createBatch({ partitionKey: '901' });
      for (let t = from; t <= to; t++) batch.tryAdd({ body: { ...readingOf(fd001, t - 1), unit_number: 901 } }); // unit 1's cycle t
      await producer.sendBatch(batch);
    };
    type Doc = {
      time_in_cycles: number;
      model_version: string;
      shadow?: { model_version: string; anomaly_score: number | null; is_anomaly: boolean; alarm: boolean };
    };
    const docs = async () =>
      (await stored.items.query<Doc>('SELECT c.time_in_cycles, c.model_version, c.shadow FROM c WHERE c.unit_number = 901').fetchAll())
        .resources;
    await send(1, 10);
    await until(async () => (await docs()).length === 10, 30_000, 'readings 1-10 stored');

    expect((await cli('publish-model', 'cand.json', '--candidate')).stdout).toMatch(/as v3 .*\(candidate\)/);
    await until(() => /scoring candidate v3 .* in shadow/.test(consume.stderr()), 30_000, 'the consumer to shadow v3');
    await send(11, 20);
    await until(async () => (await docs()).length === 20, 30_000, 'readings 11-20 stored');

    expect((await cli('promote', 'v3')).stdout).toMatch(/^v3 is the champion; retired v1/);
    await until(() => /now scoring with published model v3/.test(consume.stderr()), 30_000, 'the consumer to switch to v3');
    await send(21, 30);
    await until(async () => (await docs()).length === 30, 30_000, 'readings 21-30 stored');
    await until(async () => /^iot_anomaly_predictions_total\{service="consume"\} 30$/m.test(await consume.metrics()), 10_000, '30 scored');
    const metrics = await consume.metrics();
    expect(metrics).toMatch(/^iot_anomaly_shadow_predictions_total\{model_version="v3",service="consume"\} 10$/m);
    expect(await consume.stop()).toBe(0);
    await producer.close();

    const all = (await docs()).sort((a, b) => a.time_in_cycles - b.time_in_cycles);
    expect(all.map((d) => d.time_in_cycles)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    for (const d of all) {
      const t = d.time_in_cycles;
      expect(d.model_version).toBe(t <= 20 ? 'v1' : 'v3');
      if (t > 10 && t <= 20) {
        expect(d.shadow).toMatchObject({ model_version: 'v3', is_anomaly: expect.any(Boolean), alarm: expect.any(Boolean) });
        expect(typeof d.shadow!.anomaly_score).toBe('number');
      } else expect(d.shadow).toBeUndefined();
    }
    const v3 = (
      JSON.parse((await cli('models', '--json')).stdout) as { version: string; status: string; shadow: Record<string, unknown> }[]
    ).find((m) => m.version === 'v3')!;
    expect(v3.status).toBe('champion');
    expect(v3.shadow).toMatchObject({ champion_version: 'v1', readings: 10, service: 'consume' });
    expect(v3.shadow.agreement).toBeGreaterThanOrEqual(0);
    expect(v3.shadow.agreement).toBeLessThanOrEqual(1);
  }, 180_000);
});
