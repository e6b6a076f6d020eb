// A page reload mid-stream keeps every unit's state (issue 16.2): with Connect live and Persist
// running in real Chromium, test_FD001 streams into the local hub; the page is reloaded mid-stream
// and connected again. Each partition resumes at its IndexedDB position with the
// window and k-of-n state saved with it, so every stored document's score, flag and alarm equal
// `isoscope score`'s for the same model, and every reading is stored once. The reload falls
// between two bursts of readings, with the Persist queue still holding documents.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { EventHubProducerClient } from '@azure/event-hubs';
import type { Container } from '@azure/cosmos';
import { hasChromium, startHarness, type Harness } from './harness.js';
import { EventHubServer, HubStore } from '../servers/event-hub-server.js';
import { startCosmos, type LocalCosmos } from '../servers/cosmos-server.js';
import { startThrottlingProxy, type ThrottlingProxy } from '../servers/throttling-proxy.js';
import { selfSignedCert } from '../servers/tls-cert.js';
import { cmapssPath, getEngine, loadFd001, shippedModel } from '../helpers.js';
import { differing, expectedDocuments, storedDocuments } from '../stream-expect.js';
import { setupCosmos } from '../../src/connectors/cosmos-setup.js';
import { ENV_DEFAULTS } from '../../src/connectors/settings.js';
import { publishDataset } from '../../src/connectors/publisher.js';

const KEY = 'bG9jYWwtaHViLWtleQ==';
let harness: Harness;
let page: Page;
let hub: EventHubServer;
let cosmos: LocalCosmos;
let proxy: ThrottlingProxy;
let readings: Container;

beforeAll(async () => {
  if (!hasChromium) return;
  hub = new EventHubServer({ hub: 'readings', store: new HubStore(4), tls: selfSignedCert(), key: KEY });
  await hub.start();
  cosmos = await startCosmos();
  await setupCosmos(cosmos.client, {
    endpoint: cosmos.endpoint,
    key: 'x',
    database: ENV_DEFAULTS.COSMOS_DATABASE,
    container: ENV_DEFAULTS.COSMOS_CONTAINER,
    modelsContainer: ENV_DEFAULTS.COSMOS_MODELS_CONTAINER,
  });
  readings = cosmos.client.database(ENV_DEFAULTS.COSMOS_DATABASE).container(ENV_DEFAULTS.COSMOS_CONTAINER);
  proxy = await startThrottlingProxy(cosmos.endpoint, { cors: true });
  harness = await startHarness(['--ignore-certificate-errors']);
  page = await harness.newPage(1280, 1400);
  await page.goto(harness.url);
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await proxy?.stop();
  await cosmos?.stop();
  await hub?.stop();
});

const statusText = (scope = 'connect') => page.locator(`[data-scope="${scope}"] .status`).textContent();
const processed = () => page.evaluate(() => (window as any).isoscope.replay.stats?.processed ?? 0);
/** Readings whose position is saved: the partitions count a batch only after its checkpoint. */
const checkpointed = () =>
  page.evaluate(() =>
    ((window as any).isoscope.link.status?.partitions ?? []).reduce((s: number, p: { received?: number }) => s + (p.received ?? 0), 0),
  );
const docCount = async () => (await readings.items.query<number>('SELECT VALUE COUNT(1) FROM c').fetchAll()).resources[0];
const fill = (label: string, value: string) => page.getByLabel(label, { exact: true }).fill(value);

/** Connects Cosmos DB (Persist on) and the hub, as a user does after opening or reloading the page. */
async function connect(): Promise<void> {
  // Folded until used; a reload keeps it as it was.
  if (!(await page.getByLabel('Cosmos DB endpoint', { exact: true }).isVisible())) await page.getByText('Connect to Azure').click();
  await fill('Cosmos DB endpoint', proxy.endpoint);
  await fill('Cosmos DB key or resource token', KEY);
  await page.getByRole('button', { name: 'Connect Cosmos DB' }).click();
  await expect.poll(statusText, { timeout: 30_000 }).toMatch(/Cosmos DB ready/);
  await page.getByLabel('Persist scored readings to Cosmos DB').check();
  await fill('Event Hubs connection string', hub.browserConnectionString());
  await page.getByLabel('Start position').selectOption('earliest');
  await page.getByRole('button', { name: 'Connect live' }).click();
  await expect.poll(statusText, { timeout: 30_000 }).toMatch(/Live: readings \(4 partitions\)/);
}

describe.skipIf(!hasChromium)('a reload mid-stream in Chromium', () => {
  test('every stored document equals isoscope score after a reload while Connect live and Persist run', async () => {
    const model = await shippedModel();
    const ds = loadFd001('test_FD001.txt');
    // The data the model scores on the page, then the model, as a user would open them.
    await page.evaluate(
      (text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'test_FD001.txt'));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      readFileSync(cmapssPath('test_FD001.txt'), 'utf8'),
    );
    await expect.poll(() => statusText('data'), { timeout: 60_000 }).toMatch(/Loaded test_FD001.txt/);
    await page.locator('#model-input').setInputFiles({
      name: 'fd001-baseline.json',
      mimeType: 'application/json',
      buffer: readFileSync(join(import.meta.dirname, '..', '..', 'models', 'fd001-baseline.json')),
    });
    await expect.poll(() => statusText('train'), { timeout: 30_000 }).toMatch(/Imported model/);
    await connect();

    // The first 6,000 readings (time order: every unit mid-life), then a reload, then the rest.
    // (Published in two bursts rather than at a rate: Persist writes one bulk call a second.)
    const half = 6000;
    const producer = new EventHubProducerClient(hub.connectionString());
    expect(await publishDataset(producer, ds, { rate: 0, limit: half })).toBe(half);
    await expect.poll(processed, { timeout: 60_000, interval: 100 }).toBe(half);
    // Scored readings are counted before their batch's position is saved: a reload in between
    // rightly scores that batch again (at least once), so the reload waits for the positions.
    await expect.poll(checkpointed, { timeout: 60_000, interval: 100 }).toBe(half);
    await page.reload();
    const reloadedAt = performance.now();
    // The saved session brings the data and the model back.
    await expect.poll(() => page.evaluate(() => (window as any).isoscope.model?.id ?? ''), { timeout: 60_000 }).toBe(model.id);
    await connect();
    const resumeSeconds = (performance.now() - reloadedAt) / 1000;
    expect(await publishDataset(producer, ds, { rate: 0, from: half, limit: ds.rows })).toBe(ds.rows - half);
    await producer.close();
    await expect.poll(processed, { timeout: 60_000, interval: 100 }).toBe(ds.rows - half); // nothing scored twice
    await expect.poll(docCount, { timeout: 300_000, interval: 1000 }).toBe(ds.rows);

    const docs = await storedDocuments(readings);
    const expected = expectedDocuments(await getEngine(), model, ds, 'unit_number', 'time_in_cycles');
    const diff = differing(docs, expected);
    console.log(
      `reload mid-stream: live again ${resumeSeconds.toFixed(1)} s after the reload; ${docs.length} stored, ${diff.differ} differ`,
    );
    expect(new Set(docs.map((d) => d.id)).size).toBe(ds.rows);
    expect(diff).toEqual({ differ: 0, unknown: 0 });
  }, 600_000);
});
