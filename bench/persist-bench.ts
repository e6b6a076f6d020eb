// Part of npm run bench:browser: Persist keeping up (issue 16). The page is connected live
// to the local hub over WSS and to Cosmos DB through a CORS proxy with Persist on; the
// 13,096 readings of test_FD001 are published at full speed from Node. Floor: every
// document in Cosmos DB within 30 s of the last publish.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { EventHubProducerClient } from '@azure/event-hubs';
import { EventHubServer, HubStore } from '../test/servers/event-hub-server.js';
import { startCosmos } from '../test/servers/cosmos-server.js';
import { startThrottlingProxy } from '../test/servers/throttling-proxy.js';
import { selfSignedCert } from '../test/servers/tls-cert.js';
import { ingestFiles } from '../src/data/ingest.js';
import { publishDataset } from '../src/connectors/publisher.js';
import { setupCosmos } from '../src/connectors/cosmos-setup.js';
import { ENV_DEFAULTS } from '../src/connectors/settings.js';

const FLOOR_S = 30;

export async function persistFloor(url: string, root: string, record: (name: string, value: string, ok: boolean) => void): Promise<void> {
  const testFile = join(root, '..', 'shared', 'data', 'cmapss', 'test_FD001.txt');
  const hub = new EventHubServer({ hub: 'readings', store: new HubStore(4), tls: selfSignedCert() });
  await hub.start();
  const cosmos = await startCosmos();
  const settings = {
    endpoint: cosmos.endpoint,
    key: 'x',
    database: ENV_DEFAULTS.COSMOS_DATABASE,
    container: ENV_DEFAULTS.COSMOS_CONTAINER,
    modelsContainer: ENV_DEFAULTS.COSMOS_MODELS_CONTAINER,
  };
  await setupCosmos(cosmos.client, settings);
  const readings = cosmos.client.database(settings.database).container(settings.container);
  const proxy = await startThrottlingProxy(cosmos.endpoint, { cors: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    // The local hub's certificate is self-signed: accepted by this browser only.
    args: ['--no-sandbox', '--disable-gpu', '--ignore-certificate-errors', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    await page.goto(url);
    await page.waitForFunction(() => (window as any).isoscope);
    const text = readFileSync(testFile, 'utf8');
    const model = readFileSync(join(root, 'models', 'fd001-baseline.json'), 'utf8');
    await page.evaluate(
      async ([content, m]) => {
        const wb = (window as any).isoscope;
        await wb.loadFiles([new File([content], 'test_FD001.txt')]);
        await wb.importModel(m, 'fd001-baseline.json');
      },
      [text, model],
    );
    const status = () => page.locator('[data-scope="connect"] .status').textContent();
    const until = async (check: () => Promise<boolean>, ms: number, what: string) => {
      const end = Date.now() + ms;
      while (!(await check())) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((ok) => setTimeout(ok, 200));
      }
    };
    await page.getByText('Connect to Azure').click();
    await page.getByLabel('Cosmos DB endpoint', { exact: true }).fill(proxy.endpoint);
    await page.getByLabel('Cosmos DB key or resource token', { exact: true }).fill('bG9jYWw=');
    await page.getByRole('button', { name: 'Connect Cosmos DB' }).click();
    await until(async () => /Cosmos DB ready/.test((await status()) ?? ''), 30_000, 'Cosmos DB');
    await page.getByLabel('Persist scored readings to Cosmos DB').check();
    await page.getByLabel('Event Hubs connection string', { exact: true }).fill(hub.browserConnectionString());
    await page.getByLabel('Start position').selectOption('earliest');
    await page.getByRole('button', { name: 'Connect live' }).click();
    await until(async () => /Live: readings \(4 partitions\)/.test((await status()) ?? ''), 30_000, 'the live link');

    const ds = ingestFiles([{ name: 'test_FD001.txt', bytes: new TextEncoder().encode(text) }]);
    const producer = new EventHubProducerClient(hub.connectionString());
    const started = Date.now();
    const sent = await publishDataset(producer, ds, { rate: 0 });
    const published = Date.now();
    await producer.close();
    const count = async () => (await readings.items.query<number>('SELECT VALUE COUNT(1) FROM c').fetchAll()).resources[0];
    let stored = 0;
    let scoredAt = 0;
    const deadline = published + 120_000;
    while ((stored = await count()) < sent && Date.now() < deadline) {
      if (!scoredAt && (await page.evaluate(() => (window as any).isoscope.replay.stats?.processed ?? 0)) >= sent) scoredAt = Date.now();
      await new Promise((ok) => setTimeout(ok, 250));
    }
    const after = (Date.now() - published) / 1000;
    // Where the time goes: reading and scoring on the page, or writing to Cosmos DB after it.
    const scored = scoredAt ? `scored ${((scoredAt - published) / 1000).toFixed(1)} s after the last publish, ` : '';
    const panel = await page.getByTestId('outbox').textContent();
    record(
      `Persist: ${sent.toLocaleString('en-US')} readings published at full speed, all in Cosmos DB`,
      `${scored}${stored.toLocaleString('en-US')} stored ${after.toFixed(1)} s after the last publish (published in ${((published - started) / 1000).toFixed(1)} s; ${Math.round(stored / ((Date.now() - started) / 1000))} documents/s end to end; panel: "${panel}")`,
      stored === sent && after < FLOOR_S,
    );
  } finally {
    await browser.close();
    await proxy.stop();
    await cosmos.stop();
    await hub.stop();
  }
}
