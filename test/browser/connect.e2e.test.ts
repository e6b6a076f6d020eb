// Live-connect in real Chromium: the browser SDK over WSS to the local hub, Cosmos DB
// through a CORS proxy, the model registry, and a unit's stored history.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { EventHubProducerClient } from '@azure/event-hubs';
import { hasChromium, startHarness, type Harness } from './harness.js';
import { EventHubServer, HubStore } from '../servers/event-hub-server.js';
import { startCosmos, type LocalCosmos } from '../servers/cosmos-server.js';
import { startThrottlingProxy, type ThrottlingProxy } from '../servers/throttling-proxy.js';
import { selfSignedCert } from '../servers/tls-cert.js';
import { setupCosmos } from '../../src/connectors/cosmos-setup.js';
import { ENV_DEFAULTS } from '../../src/connectors/settings.js';

let harness: Harness;
let page: Page;
let hub: EventHubServer;
let cosmos: LocalCosmos;
let proxy: ThrottlingProxy;

beforeAll(async () => {
  if (!hasChromium) return;
  hub = new EventHubServer({ hub: 'readings', store: new HubStore(4), tls: selfSignedCert() });
  await hub.start();
  cosmos = await startCosmos();
  await setupCosmos(cosmos.client, { endpoint: cosmos.endpoint, key: 'x', database: ENV_DEFAULTS.COSMOS_DATABASE, container: ENV_DEFAULTS.COSMOS_CONTAINER, modelsContainer: ENV_DEFAULTS.COSMOS_MODELS_CONTAINER });
  proxy = await startThrottlingProxy(cosmos.endpoint, { cors: true });
  harness = await startHarness(['--ignore-certificate-errors']);
  page = await harness.newPage();
  page.on('console', (m) => console.log('console:', m.text()));
  await page.goto(harness.url);
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await proxy?.stop();
  await cosmos?.stop();
  await hub?.stop();
});

const statusText = () => page.locator('.status').textContent();

describe.skipIf(!hasChromium)('live-connect in Chromium', () => {
  test('spike', async () => {
    await page.getByRole('button', { name: 'Load sample' }).click();
    await expect.poll(statusText, { timeout: 30_000 }).toMatch(/Loaded train_FD001/);
    await page.getByRole('button', { name: 'Train' }).click();
    await expect.poll(statusText, { timeout: 30_000 }).toMatch(/Trained on/);
    const cs = hub.browserConnectionString();
    await page.evaluate((cs) => (window as any).isoscope.link.connectHub({ hub: { connectionString: cs, hub: '', consumerGroup: '', start: 'earliest' }, cosmos: { endpoint: '', key: '' }, remember: false }), cs);
    console.log(await statusText(), await page.locator('.error, [role=alert]').allTextContents());
    const producer = new EventHubProducerClient(hub.connectionString());
    const batch = await producer.createBatch({ partitionKey: '1' });
    for (let t = 1; t <= 50; t++) batch.tryAdd({ body: { unit_number: 1, time_in_cycles: t, sensor_2: 642, sensor_3: 1589, sensor_4: 1400, sensor_7: 554, sensor_8: 2388, sensor_9: 9050, sensor_11: 47.4, sensor_12: 522, sensor_13: 2388, sensor_14: 8130, sensor_15: 8.4, sensor_17: 392, sensor_20: 39, sensor_21: 23.4, op_setting_1: 0, op_setting_2: 0, op_setting_3: 100 } });
    await producer.sendBatch(batch);
    await producer.close();
    await expect.poll(() => page.evaluate(() => (window as any).isoscope.liveStats?.processed ?? 0), { timeout: 20_000 }).toBe(50);
    console.log(JSON.stringify(await page.evaluate(() => (window as any).isoscope.link.status)));
  }, 120_000);
});
