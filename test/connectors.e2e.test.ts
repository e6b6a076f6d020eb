// Event Hubs in, Cosmos DB out, through the real @azure SDKs against local servers on
// loopback: the local AMQP hub (test/servers) and @vercel/cosmosdb-server.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EventHubProducerClient } from '@azure/event-hubs';
import type { Container } from '@azure/cosmos';
import { EventHubServer, HubStore } from './servers/event-hub-server.js';
import { startCosmos, type LocalCosmos } from './servers/cosmos-server.js';
import { getEngine, loadFd001, shippedModel, until } from './helpers.js';
import { publishDataset } from '../src/connectors/publisher.js';
import { setupCosmos } from '../src/connectors/cosmos-setup.js';
import { CosmosSink } from '../src/connectors/cosmos-sink.js';
import { Consumer } from '../src/connectors/consumer.js';
import { Metrics } from '../src/connectors/metrics.js';
import { ENV_DEFAULTS } from '../src/connectors/settings.js';
import { hubSettings } from '../src/connectors/hub-connection.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import type { ModelJson } from '../src/model/types.js';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { cmapssPath } from './helpers.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'isoscope.js');
async function cli(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [BIN, ...args], { env: { PATH: process.env.PATH, ...env }, cwd: '/tmp' });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

let hub: EventHubServer;
let cosmos: LocalCosmos;
let container: Container;
const model = await shippedModel();

beforeAll(async () => {
  hub = new EventHubServer({ hub: 'readings', store: new HubStore(4) });
  await hub.start();
  cosmos = await startCosmos();
  const settings = {
    endpoint: cosmos.endpoint,
    key: 'x',
    ...{
      database: ENV_DEFAULTS.COSMOS_DATABASE,
      container: ENV_DEFAULTS.COSMOS_CONTAINER,
      modelsContainer: ENV_DEFAULTS.COSMOS_MODELS_CONTAINER,
    },
  };
  await setupCosmos(cosmos.client, settings);
  await setupCosmos(cosmos.client, settings); // idempotent
  container = cosmos.client.database(settings.database).container(settings.container);
}, 60_000);

/** A container of its own: the local server scans every document on each query, so a busy one makes queries slow. */
async function freshContainer(name: string): Promise<Container> {
  await setupCosmos(cosmos.client, {
    endpoint: cosmos.endpoint,
    key: 'x',
    database: ENV_DEFAULTS.COSMOS_DATABASE,
    container: name,
    modelsContainer: ENV_DEFAULTS.COSMOS_MODELS_CONTAINER,
  });
  return cosmos.client.database(ENV_DEFAULTS.COSMOS_DATABASE).container(name);
}

afterAll(async () => {
  await hub?.stop();
  await cosmos?.stop();
});

describe('Event Hubs → consumer → Cosmos DB (real SDKs, local servers)', () => {
  test('every FD001 reading lands exactly once, scored as the batch scores it', async () => {
    const ds = loadFd001();
    const env = { EVENTHUB_CONNECTION_STRING: hub.connectionString() };
    const producer = new EventHubProducerClient(env.EVENTHUB_CONNECTION_STRING);
    expect(await publishDataset(producer, ds, { rate: 0 })).toBe(ds.rows);
    await producer.close();
    expect(hub.store.total).toBe(ds.rows);

    const metrics = new Metrics();
    const sink = new CosmosSink(container);
    const consumer = new Consumer({ hub: hubSettings(env, {}), engine: await getEngine(), model, metrics, sink });
    consumer.start();
    await until(() => sink.written >= ds.rows, 120_000, 'every reading in Cosmos DB');
    await consumer.stop();

    const { resources } = await container.items
      .query<{ id: string; anomaly_score: number; unit_number: number; time_in_cycles: number; model_id: string; alarm: boolean }>(
        'SELECT c.id, c.anomaly_score, c.unit_number, c.time_in_cycles, c.model_id, c.alarm FROM c',
      )
      .fetchAll();
    expect(resources).toHaveLength(ds.rows);
    expect(new Set(resources.map((r) => r.id)).size).toBe(ds.rows);
    const batch = new LoadedModel(await getEngine(), model).scoreDataset(ds).scores;
    const unit = ds.columns.find((c) => c.name === 'unit_number')!.values;
    const time = ds.columns.find((c) => c.name === 'time_in_cycles')!.values;
    const byId = new Map(resources.map((r) => [r.id, r]));
    for (let row = 0; row < ds.rows; row += 97) {
      const doc = byId.get(`${unit[row]}-${time[row]}`)!;
      expect(doc.anomaly_score).toBe(-batch[row]);
      expect(doc.model_id).toBe(model.id);
    }
    // A unit's late life is in alarm under the model's 5-of-8 rule.
    expect(byId.get(`1-${192}`)!.alarm).toBe(true);
    expect(metrics.predictions).toBe(ds.rows);
    expect(await metrics.render()).toMatch(/iot_anomaly_predictions_total 20631/);
  }, 180_000);

  test('a model published while consuming scores the readings that follow', async () => {
    const env = { EVENTHUB_CONNECTION_STRING: hub.connectionString() };
    const swapped = await freshContainer('swap');
    const sink = new CosmosSink(swapped);
    const { latestEventPosition } = await import('@azure/event-hubs');
    const consumer = new Consumer({
      hub: hubSettings(env, {}),
      engine: await getEngine(),
      model,
      metrics: new Metrics(),
      sink,
      startPosition: latestEventPosition,
    });
    consumer.start();
    await new Promise((ok) => setTimeout(ok, 1500));
    const newer: ModelJson = { ...model, id: `${model.id}-v2`, createdAt: new Date(Date.now() + 1000).toISOString() };
    consumer.setModel(newer);
    const producer = new EventHubProducerClient(env.EVENTHUB_CONNECTION_STRING);
    const batch = await producer.createBatch({ partitionKey: '999' });
    for (let t = 1; t <= 20; t++) {
      const reading: Record<string, number> = { unit_number: 999, time_in_cycles: t };
      model.recipe!.inputs.forEach((name, i) => (reading[name] = model.scaler.mean[i] ?? 0));
      batch.tryAdd({ body: { ...reading, sensor_2: 642.5 } });
    }
    await producer.sendBatch(batch);
    await producer.close();
    await until(() => sink.written >= 20, 30_000, 'the new readings');
    await consumer.stop();
    const { resources } = await swapped.items
      .query<{ model_id: string }>({ query: 'SELECT c.model_id FROM c WHERE c.unit_number = 999' })
      .fetchAll();
    expect(resources).toHaveLength(20);
    expect(new Set(resources.map((r) => r.model_id))).toEqual(new Set([newer.id]));
  }, 60_000);
});

describe('the CLI in the pipeline', () => {
  test('cosmos-setup is idempotent and replay --to eventhub publishes, keyed by unit', async () => {
    const env = { COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: 'bG9jYWw=', EVENTHUB_CONNECTION_STRING: hub.connectionString() };
    const setup = await cli(env, 'cosmos-setup');
    expect(setup.code).toBe(0);
    expect(setup.stdout).toMatch(/ready: container anomalies \(partition key \/unit_number, composite index/);
    const before = hub.store.total;
    const r = await cli(env, 'replay', cmapssPath('test_FD001.txt'), '--to', 'eventhub', '--limit', '500');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/sent 500 readings of test_FD001.txt to readings/);
    expect(hub.store.total - before).toBe(500);
    // Partition key = unit: every event of a unit sits on one partition, in time order.
    const seen = new Map<string, { partition: number; time: number }>();
    hub.store.partitions.forEach((events, p) =>
      events.slice(-500).forEach((e) => {
        const body = e.message.body as { unit_number: number; time_in_cycles: number };
        if (body?.unit_number === undefined || e.partitionKey === '999') return;
        const prev = seen.get(e.partitionKey!);
        if (prev) {
          expect(prev.partition).toBe(p);
          expect(body.time_in_cycles).toBeGreaterThan(prev.time);
        }
        seen.set(e.partitionKey!, { partition: p, time: body.time_in_cycles });
      }),
    );
  }, 60_000);

  test('consume --model-from cosmos follows each newer published model and skips a broken one', async () => {
    const env = {
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: 'bG9jYWw=',
      EVENTHUB_CONNECTION_STRING: hub.connectionString(),
      COSMOS_CONTAINER: 'followed',
    };
    expect((await cli(env, 'cosmos-setup')).stdout).toMatch(/ready: container followed/);
    const followed = cosmos.client.database(ENV_DEFAULTS.COSMOS_DATABASE).container('followed');
    const dir = mkdtempSync(join(tmpdir(), 'isoscope-models-'));
    const first = join(dir, 'first.json');
    const second = join(dir, 'second.json');
    writeFileSync(first, JSON.stringify(model));
    writeFileSync(second, JSON.stringify({ ...model, id: `${model.id}-retrained` }));
    const none = await cli(env, 'consume', '--model-from', 'cosmos');
    expect(none.stderr).toMatch(/no model is published in iot-sensor-db\/models yet/);
    const p1 = await cli(env, 'publish-model', first, '--note', 'baseline');
    expect(p1.stdout).toMatch(new RegExp(`published model ${model.id} as v1 in iot-sensor-db/models`));

    const since = new Date(Date.now() - 1).toISOString();
    const child = spawn(
      'node',
      [BIN, 'consume', '--model-from', 'cosmos', '--to', 'cosmos', '--model-poll', '0.5', '--start', since, '--metrics-port', '0'],
      { env: { PATH: process.env.PATH, ...env }, cwd: '/tmp' },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((ok) => child.on('close', ok));
    await until(() => /scoring readings \(\$Default\) with model .* \(v1\)/.test(stderr), 20_000, 'the consumer to start');

    const producer = new EventHubProducerClient(env.EVENTHUB_CONNECTION_STRING);
    const send = async (from: number, to: number) => {
      const batch = await producer.createBatch({ partitionKey: '998' });
      for (let t = from; t <= to; t++) {
        const reading: Record<string, number> = { unit_number: 998, time_in_cycles: t };
        model.recipe!.inputs.forEach((name, i) => (reading[name] = model.scaler.mean[i] ?? 0));
        batch.tryAdd({ body: reading });
      }
      await producer.sendBatch(batch);
    };
    const versions = async () =>
      (
        await followed.items
          .query<{ time_in_cycles: number; model_version: string; model_id: string }>(
            'SELECT c.time_in_cycles, c.model_version, c.model_id FROM c WHERE c.unit_number = 998',
          )
          .fetchAll()
      ).resources;
    await send(1, 10);
    await until(async () => (await versions()).length === 10, 20_000, 'the first readings');

    const p2 = await cli(env, 'publish-model', second);
    expect(p2.stdout).toMatch(/as v2/);
    await until(() => /now scoring with published model v2/.test(stderr), 20_000, 'the consumer to switch to v2');
    // A document that is not a model must not replace the one in use.
    await cosmos.client
      .database('iot-sensor-db')
      .container('models')
      .items.create({ id: 'v3', version: 3, created: new Date().toISOString(), model: { format: 'nope' } });
    await until(
      () => /model check failed, keeping the current model: published model v3 is not a valid isoscope model/.test(stderr),
      20_000,
      'the broken v3 to be reported',
    );
    await send(11, 20);
    await until(async () => (await versions()).length === 20, 20_000, 'the later readings');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await producer.close();

    const docs = await versions();
    for (const d of docs) {
      expect(d.model_version).toBe(d.time_in_cycles <= 10 ? 'v1' : 'v2');
      expect(d.model_id).toBe(d.time_in_cycles <= 10 ? model.id : `${model.id}-retrained`);
    }
    expect(stderr).toMatch(/stopped; 20 readings scored/);
    const list = await cli(env, 'models');
    expect(list.stdout).toMatch(/^v2 .*-retrained/m);
    expect(list.stdout).toMatch(/^v1 .* baseline$/m);
  }, 90_000);

  test('missing or malformed settings give one line, and never echo a key', async () => {
    const none = await cli({}, 'replay', cmapssPath('test_FD001.txt'), '--to', 'eventhub');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/set EVENTHUB_CONNECTION_STRING/);
    const bad = await cli(
      { EVENTHUB_CONNECTION_STRING: 'HostName=x;SharedAccessKey=TOPSECRET123' },
      'replay',
      cmapssPath('test_FD001.txt'),
      '--to',
      'eventhub',
    );
    expect(bad.stderr).toMatch(/EVENTHUB_CONNECTION_STRING needs Endpoint=sb:\/\//);
    expect(bad.stderr).not.toContain('TOPSECRET123');
    // A hub that checks signatures refuses a wrong key, and the CLI says so.
    const keyed = new EventHubServer({ hub: 'readings', store: new HubStore(2), key: 'cmlnaHQta2V5' });
    await keyed.start();
    const refused = await cli(
      { EVENTHUB_CONNECTION_STRING: keyed.connectionString().replace('cmlnaHQta2V5', 'TOPSECRET123') },
      'replay',
      cmapssPath('test_FD001.txt'),
      '--to',
      'eventhub',
    );
    await keyed.stop();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/event hub readings rejected the credentials/);
    expect(refused.stderr).not.toContain('TOPSECRET123');
    const cos = await cli({ COSMOS_ENDPOINT: 'ftp://nope', COSMOS_KEY: 'TOPSECRET123' }, 'cosmos-setup');
    expect(cos.stderr).toMatch(/COSMOS_ENDPOINT must be an http\(s\) URL/);
    expect(cos.stderr).not.toContain('TOPSECRET123');
  }, 60_000);
});
