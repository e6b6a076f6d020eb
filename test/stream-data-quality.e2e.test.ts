// The rolling data check through the real boundaries: test_FD001 goes onto the local Event
// Hubs server as a time-ordered stream in which one sensor is sent in kPa for a while and
// another later freezes. `isoscope consume` (real @azure SDKs) counts each episode once in
// iot_data_quality_alerts_total{input,kind}, says when it is raised and when it clears,
// and flags the stored documents of the readings that show it; healthy readings carry no
// flag. `isoscope serve` answers the same readings with the same flags and counts.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { EventHubProducerClient } from '@azure/event-hubs';
import { EventHubServer, HubStore } from './servers/event-hub-server.js';
import { startCosmos, type LocalCosmos } from './servers/cosmos-server.js';
import { loadFd001, until } from './helpers.js';
import { post, SHIPPED_MODEL, startConsume, startServe } from './serve-process.js';
import { setupCosmos } from '../src/connectors/cosmos-setup.js';
import { ENV_DEFAULTS } from '../src/connectors/settings.js';
import { isReadingField } from '../src/connectors/stored-readings.js';
import { streamOrder } from '../src/data/order.js';
import { readingOf, type Reading } from '../src/stream/reading-codec.js';

const READINGS = 7000;
/** In stream order (every unit's cycle 1, then cycle 2, …): sensor_7 (P30, psi) sent in kPa, then sensor_12 frozen. */
const KPA = [2000, 3000];
const STUCK = [4000, 6000];
const CONTAINER = 'quality';

let cosmos: LocalCosmos;
let hub: EventHubServer;
let readings: Reading[];

beforeAll(async () => {
  cosmos = await startCosmos();
  await setupCosmos(cosmos.client, {
    endpoint: cosmos.endpoint,
    key: 'x',
    database: ENV_DEFAULTS.COSMOS_DATABASE,
    container: CONTAINER,
    modelsContainer: ENV_DEFAULTS.COSMOS_MODELS_CONTAINER,
  });
  hub = new EventHubServer({ hub: 'readings', store: new HubStore(1) });
  await hub.start();
  const ds = loadFd001('test_FD001.txt');
  readings = Array.from(streamOrder(ds).subarray(0, READINGS), (row, i) => {
    const r = readingOf(ds, row);
    if (i >= KPA[0] && i < KPA[1]) r.sensor_7 = Math.round((r.sensor_7 as number) * 6.894757 * 100) / 100;
    if (i >= STUCK[0] && i < STUCK[1]) r.sensor_12 = 521.84;
    return r;
  });
  const producer = new EventHubProducerClient(hub.connectionString());
  for (let i = 0; i < readings.length; i += 500) {
    const batch = await producer.createBatch({ partitionId: '0' });
    for (const body of readings.slice(i, i + 500)) expect(batch.tryAdd({ body })).toBe(true);
    await producer.sendBatch(batch);
  }
  await producer.close();
}, 120_000);

afterAll(async () => {
  await hub?.stop();
  await cosmos?.stop();
});

const phase = (i: number) => (i >= KPA[0] && i < KPA[1] ? 'kpa' : i >= STUCK[0] && i < STUCK[1] ? 'stuck' : 'healthy');

test('consume: one alert per episode, per input and kind; flagged documents are the faulty readings', async () => {
  const consume = await startConsume(['--model', SHIPPED_MODEL, '--to', 'cosmos'], {
    EVENTHUB_CONNECTION_STRING: hub.connectionString(),
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: 'bG9jYWw=',
    COSMOS_CONTAINER: CONTAINER,
  });
  const container = cosmos.client.database(ENV_DEFAULTS.COSMOS_DATABASE).container(CONTAINER);
  let text = '';
  await until(
    async () => /^iot_anomaly_predictions_total\{service="consume"\} 7000$/m.test((text = await consume.metrics())),
    90_000,
    'consume to score every reading',
  );
  expect(await consume.stop()).toBe(0);
  const series = text.split('\n').filter((l) => l.startsWith('iot_data_quality_alerts_total{'));
  expect(series.sort()).toEqual([
    'iot_data_quality_alerts_total{input="sensor_12",kind="flat",service="consume"} 1',
    'iot_data_quality_alerts_total{input="sensor_7",kind="above",service="consume"} 1',
  ]);
  const lines = consume.stderr().match(/data quality: .*/g) ?? [];
  expect(lines.map((l) => l.replace(/, \d+% .*/, ''))).toEqual([
    'data quality: sensor_7 above the training range: raised',
    'data quality: sensor_7 above the training range: cleared',
    'data quality: sensor_12 stuck (flat longer than in training): raised',
    'data quality: sensor_12 stuck (flat longer than in training): cleared',
  ]);

  const { resources } = await container.items
    .query<{ id: string; data_quality?: { input: string; kind: string }[] }>('SELECT c.id, c.data_quality FROM c')
    .fetchAll();
  expect(resources).toHaveLength(READINGS);
  const at = new Map(readings.map((r, i) => [`${r.unit_number as number}-${r.time_in_cycles as number}`, i]));
  const flagged = { kpa: 0, stuck: 0, healthy: 0 };
  for (const doc of resources) {
    if (!doc.data_quality) continue;
    const p = phase(at.get(doc.id)!);
    flagged[p]++;
    expect(doc.data_quality).toEqual(p === 'kpa' ? [{ input: 'sensor_7', kind: 'above' }] : [{ input: 'sensor_12', kind: 'flat' }]);
  }
  expect(flagged.healthy).toBe(0);
  // Every kPa reading once 10% of the 200-reading window are; a frozen reading once its unit repeats it
  // longer than training ever did (7 readings, one a cycle for each of the ~100 units).
  expect(flagged.kpa).toBeGreaterThan(950);
  expect(flagged.stuck).toBeGreaterThan(1000);
  expect(isReadingField('data_quality')).toBe(false); // retrain reads the reading back without it
}, 150_000);

test('serve: the same readings posted in order get the same flags and the same counts', async () => {
  const serve = await startServe(['--model', SHIPPED_MODEL]);
  try {
    const flagged = { kpa: 0, stuck: 0, healthy: 0 };
    for (let i = 0; i < readings.length; i += 1000) {
      const r = await post(`${serve.url}/predict`, readings.slice(i, i + 1000));
      expect(r.status).toBe(200);
      r.json.forEach((p: { data_quality?: unknown }, j: number) => {
        if (p.data_quality) flagged[phase(i + j)]++;
      });
    }
    expect(flagged.healthy).toBe(0);
    expect(flagged.kpa).toBeGreaterThan(950);
    expect(flagged.stuck).toBeGreaterThan(1000);
    const text = await (await fetch(`${serve.url}/metrics`)).text();
    expect(
      text
        .split('\n')
        .filter((l) => l.startsWith('iot_data_quality_alerts_total{'))
        .sort(),
    ).toEqual([
      'iot_data_quality_alerts_total{input="sensor_12",kind="flat",service="serve"} 1',
      'iot_data_quality_alerts_total{input="sensor_7",kind="above",service="serve"} 1',
    ]);
    expect(serve.stderr()).toMatch(/isoscope serve: data quality: sensor_7 above the training range: raised/);
  } finally {
    await serve.stop();
  }
}, 90_000);
