// Live-connect as a user drives it in real Chromium: the browser Event Hubs SDK over WSS
// to the local hub (self-signed certificate, accepted by this test's Chromium only),
// Cosmos DB through a CORS proxy, the model registry, a unit's stored history, a hub
// crash with resume per partition, and secrets that stay out of storage and logs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
import { cmapssPath } from '../helpers.js';
import { setupCosmos } from '../../src/connectors/cosmos-setup.js';
import { ENV_DEFAULTS } from '../../src/connectors/settings.js';

const KEY = 'bG9jYWwtaHViLWtleQ=='; // the hub key the page is given; it must never be stored or logged
let harness: Harness;
let page: Page;
let hub: EventHubServer;
let cosmos: LocalCosmos;
let proxy: ThrottlingProxy;
let readings: Container;
const logs: string[] = [];
const PYTHON = '/usr/bin/python3';
const hasSklearn = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import sklearn, joblib']);
    return true;
  } catch {
    return false;
  }
})();
/** A scikit-learn forest on raw sensors: converted models carry no alarm rule. */
const SKLEARN_FIT = `
import sys, json, numpy as np, joblib
from sklearn.ensemble import IsolationForest
out, data = sys.argv[1], sys.argv[2]
cols = ['unit_number','time_in_cycles','op_setting_1','op_setting_2','op_setting_3'] + ['sensor_%d' % i for i in range(1, 22)]
feats = ['sensor_2','sensor_3','sensor_4','sensor_7','sensor_11']
X = np.loadtxt(data)[:, [cols.index(f) for f in feats]]
forest = IsolationForest(n_estimators=20, max_samples=128, random_state=3).fit(X[:3000])
joblib.dump(forest, out + '/forest.pkl'); json.dump(feats, open(out + '/features.json', 'w'))
`;

/** Units 1–4 of FD001 (825 readings): enough to train on, quick to persist. */
const SMALL = readFileSync(cmapssPath('train_FD001.txt'), 'utf8')
  .split('\n')
  .filter((l) => /^[1-4] /.test(l))
  .join('\n');
const SMALL_ROWS = SMALL.split('\n').length;

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
  page.on('console', (m) => logs.push(m.text()));
  page.on('request', (r) => logs.push(r.url()));
  await page.goto(harness.url);
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await proxy?.stop();
  await cosmos?.stop();
  await hub?.stop();
});

// Each step shows its own messages next to its actions; most here are Connect's.
const statusText = (scope = 'connect') => page.locator(`[data-scope="${scope}"] .status`).textContent();
const errorText = (scope = 'connect') => page.locator(`[data-scope="${scope}"] .error`).textContent();
const processed = () => page.evaluate(() => (window as any).isoscope.replay.stats?.processed ?? 0);
/** Readings whose position is saved: the partitions count a batch only after its checkpoint. */
const checkpointed = () =>
  page.evaluate(() =>
    ((window as any).isoscope.link.status?.partitions ?? []).reduce((s: number, p: { received?: number }) => s + (p.received ?? 0), 0),
  );
const docCount = async () => (await readings.items.query<number>('SELECT VALUE COUNT(1) FROM c').fetchAll()).resources[0];
const hubString = () => hub.browserConnectionString();

async function fill(label: string, value: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).fill(value);
}

describe.skipIf(!hasChromium)('live-connect in Chromium', () => {
  test('bad settings get one clear line and no secret', async () => {
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'fd001-units-1-4.txt'));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, SMALL);
    await expect
      .poll(() => statusText('data'), { timeout: 30_000 })
      .toMatch(new RegExp(`Loaded fd001-units-1-4.txt: ${SMALL_ROWS} rows, 4 units`));
    await page.getByRole('button', { name: 'Train' }).click();
    await expect.poll(() => statusText('train'), { timeout: 30_000 }).toMatch(/Trained on/);
    await page.getByText('Connect to Azure').click(); // folded until used

    await fill('Event Hubs connection string', `HostName=nope;SharedAccessKey=${KEY}`);
    await page.getByRole('button', { name: 'Connect live' }).click();
    await expect
      .poll(errorText, { timeout: 10_000 })
      .toMatch(/Could not connect to Event Hubs: Event Hubs connection string needs Endpoint=sb:\/\//);
    // A key-based string is allowed, with a visible warning.
    await expect(page.getByText('This connection string carries an account key').isVisible()).resolves.toBe(true);
    // The hub checks SAS signatures: a wrong key is refused, and the message says so.
    const wrong = 'd3Jvbmcta2V5LXZhbHVl';
    await fill('Event Hubs connection string', hub.browserConnectionString().replace(KEY, wrong));
    await page.getByRole('button', { name: 'Connect live' }).click();
    await expect
      .poll(errorText, { timeout: 30_000 })
      .toMatch(/Could not connect to Event Hubs: event hub readings rejected the credentials/);
    expect(await errorText()).not.toContain(wrong);

    await fill('Cosmos DB endpoint', 'http://127.0.0.1:9/');
    await fill('Cosmos DB key or resource token', KEY);
    await page.getByRole('button', { name: 'Connect Cosmos DB' }).click();
    await expect
      .poll(errorText, { timeout: 60_000 })
      .toMatch(/Could not connect to Cosmos DB: cannot reach Cosmos DB container iot-sensor-db\/anomalies/);
    expect(await errorText()).not.toContain(KEY);

    proxy.reject = true;
    await fill('Cosmos DB endpoint', proxy.endpoint);
    await page.getByRole('button', { name: 'Connect Cosmos DB' }).click();
    await expect
      .poll(errorText, { timeout: 30_000 })
      .toMatch(/Could not connect to Cosmos DB: Cosmos DB container iot-sensor-db\/anomalies rejected the key or token/);
    expect(await errorText()).not.toContain(KEY);
    proxy.reject = false;
  }, 120_000);

  test('publish a model, replay into the hub, score live and persist every reading', async () => {
    await fill('Cosmos DB endpoint', proxy.endpoint);
    await page.getByRole('button', { name: 'Connect Cosmos DB' }).click();
    await expect.poll(statusText, { timeout: 30_000 }).toMatch(/Cosmos DB ready: iot-sensor-db\/anomalies/);
    await fill('Model note', 'trained in the browser');
    await page.getByRole('button', { name: 'Publish model' }).click();
    await expect.poll(statusText, { timeout: 30_000 }).toMatch(/Published model .* as v1/);
    await expect
      .poll(() => page.getByLabel('Published models').textContent(), { timeout: 10_000 })
      .toMatch(/v1 · .* · trained in the browser/);
    await page.getByLabel('Persist scored readings to Cosmos DB').check();

    await fill('Event Hubs connection string', hubString());
    await page.getByLabel('Start position').selectOption('earliest');
    await page.getByRole('button', { name: 'Connect live' }).click();
    await expect.poll(statusText, { timeout: 30_000 }).toMatch(/Live: readings \(4 partitions\)/);
    await expect.poll(() => page.locator('table.partitions tbody tr').count(), { timeout: 10_000 }).toBe(4);

    await page.getByLabel('Publish rate').selectOption('0');
    await page.getByRole('button', { name: 'Publish replay' }).click();
    await expect.poll(statusText, { timeout: 60_000 }).toMatch(new RegExp(`Published ${SMALL_ROWS} readings to readings`));
    expect(hub.store.total).toBe(SMALL_ROWS);
    await expect.poll(processed, { timeout: 30_000 }).toBe(SMALL_ROWS);
    await expect.poll(docCount, { timeout: 60_000, interval: 500 }).toBe(SMALL_ROWS);
    await expect
      .poll(() => page.getByTestId('outbox').textContent(), { timeout: 15_000 })
      .toMatch(new RegExp(`${SMALL_ROWS} written, 0 queued`));
    // Every partition reports its last sequence number and no lag once caught up.
    const rows = await page.locator('table.partitions tbody tr').allTextContents();
    expect(rows.every((r) => /connected/.test(r))).toBe(true);
    const { resources } = await readings.items
      .query<{ model_version: string; anomaly_score: number; unit_number: number }>(
        'SELECT c.model_version, c.anomaly_score, c.unit_number FROM c',
      )
      .fetchAll();
    expect(new Set(resources.map((r) => r.model_version))).toEqual(new Set(['v1']));
    expect(resources.every((r) => typeof r.anomaly_score === 'number')).toBe(true);
    // The live chart and metrics are the replay's.
    await expect.poll(() => page.getByTestId('live-state').textContent(), { timeout: 10_000 }).toBe('live (Event Hubs)');
    // Nothing arrives any more: the rates say so instead of keeping their last value.
    await expect.poll(() => page.getByTestId('live-rate').textContent(), { timeout: 15_000 }).toBe('0');
    await expect.poll(() => page.getByTestId('outbox').textContent(), { timeout: 15_000 }).toMatch(/, 0 written\/s$/);
  }, 180_000);

  test('a hub crash shows a banner; each partition resumes after its last scored event', async () => {
    const ports = { port: hub.port, wssPort: hub.wssPort };
    await hub.stop();
    await expect.poll(() => page.getByTestId('link-banner').textContent(), { timeout: 30_000 }).toMatch(/Connection lost — reconnecting/);
    expect(await page.getByTestId('link-banner').textContent()).not.toMatch(/\[object /);
    expect(await page.getByTestId('live-rate').textContent()).toBe('0');
    hub = new EventHubServer({ hub: 'readings', store: hub.store, tls: selfSignedCert(), key: KEY, ...ports });
    await hub.start();
    const producer = new EventHubProducerClient(hub.connectionString());
    const batch = await producer.createBatch({ partitionKey: '1' });
    for (let t = 1000; t < 1020; t++) batch.tryAdd({ body: { ...JSON.parse(JSON.stringify(readingOfUnit1())), time_in_cycles: t } });
    await producer.sendBatch(batch);
    await producer.close();
    await expect.poll(processed, { timeout: 60_000 }).toBe(SMALL_ROWS + 20);
    await expect.poll(docCount, { timeout: 30_000, interval: 500 }).toBe(SMALL_ROWS + 20);
    await expect.poll(() => page.getByTestId('link-banner').isHidden(), { timeout: 10_000 }).toBe(true);
    await page.screenshot({ path: '/tmp/isoscope-connect.png', fullPage: true });
  }, 120_000);

  test("a unit's stored history loads into the unit chart; a published model reopens", async () => {
    await page.getByRole('combobox', { name: 'Unit', exact: true }).selectOption('2');
    await page.getByRole('button', { name: 'Load stored history' }).click();
    const unit2 = SMALL.split('\n').filter((l) => l.startsWith('2 ')).length;
    await expect
      .poll(() => statusText('review'), { timeout: 30_000 })
      .toMatch(new RegExp(`Loaded ${unit2} stored readings of unit 2 \\(model v1\\)`));
    const stored = await page.evaluate(() => (window as any).isoscope.link.history.score.length);
    expect(stored).toBe(unit2);

    await page.getByRole('button', { name: 'Open published model' }).click();
    await expect.poll(statusText, { timeout: 30_000 }).toMatch(/Opened published model v1/);
  }, 60_000);

  test('readings scored while Cosmos DB refuses wait in the outbox, survive a reload, and are written after', async () => {
    const before = await docCount();
    proxy.throttle = true;
    const producer = new EventHubProducerClient(hub.connectionString());
    const batch = await producer.createBatch({ partitionKey: '77' });
    for (let t = 1; t <= 30; t++)
      batch.tryAdd({
        body: { ...readingOfUnit1(), unit_number: 77, time_in_cycles: t, ...(t === 30 ? { sensor_2: 'n/a', site: 'north' } : {}) },
      });
    await producer.sendBatch(batch);
    await producer.close();
    await expect.poll(processed, { timeout: 30_000 }).toBe(SMALL_ROWS + 50);
    await expect.poll(() => page.getByTestId('outbox').textContent(), { timeout: 10_000 }).toMatch(/30 queued/);
    // A reading with a non-numeric feature is counted and stored unscored, never scored as 0.
    await expect
      .poll(() => page.getByTestId('link-missing').textContent(), { timeout: 10_000 })
      .toBe('Not scored — missing or non-numeric values: sensor_2 ×1');
    // Delivered again (a publisher's retry) and without a unit: neither is scored or stored, and both are said.
    const again = new EventHubProducerClient(hub.connectionString());
    const more = await again.createBatch({ partitionKey: '77' });
    more.tryAdd({ body: { ...readingOfUnit1(), unit_number: 77, time_in_cycles: 29 } });
    more.tryAdd({ body: { ...readingOfUnit1(), unit_number: undefined, time_in_cycles: 31 } });
    await again.sendBatch(more);
    await again.close();
    await expect
      .poll(() => page.getByTestId('link-missing').textContent(), { timeout: 10_000 })
      .toBe(
        'Not scored — missing or non-numeric values: sensor_2 ×1\nNot scored — 1 reading(s) could not be keyed (first: no unit field "unit_number")\nNot scored again — 1 reading(s) delivered twice (their unit was already scored at that time)',
      );
    expect(await processed()).toBe(SMALL_ROWS + 50);
    await page.getByTestId('link-missing').screenshot({ path: '/tmp/isoscope-link-unscored.png' });
    await expect.poll(() => proxy.throttled, { timeout: 10_000 }).toBeGreaterThan(0);
    // Reloaded only once the batch's position is saved (counted after its checkpoint), or it would be read again.
    await expect.poll(checkpointed, { timeout: 30_000 }).toBe(SMALL_ROWS + 52);

    await page.reload();
    await expect
      .poll(() => page.getByTestId('outbox').textContent(), { timeout: 30_000 })
      .toMatch(/30 scored readings waiting for Cosmos DB/);
    proxy.throttle = false;
    // Names come back from the last session; the key was never stored, so the user types it again.
    expect(await page.getByLabel('Cosmos DB endpoint', { exact: true }).inputValue()).toBe(proxy.endpoint);
    expect(await page.getByLabel('Cosmos DB key or resource token', { exact: true }).inputValue()).toBe('');
    await fill('Cosmos DB key or resource token', KEY);
    await page.getByRole('button', { name: 'Connect Cosmos DB' }).click();
    await expect
      .poll(statusText, { timeout: 30_000 })
      .toMatch(/Cosmos DB ready: iot-sensor-db\/anomalies; writing 30 readings left from before/);
    await expect.poll(docCount, { timeout: 30_000, interval: 500 }).toBe(before + 30);
    const { resource } = await readings.item('77-30', 77).read();
    expect(resource).toMatchObject({
      anomaly_score: null,
      is_anomaly: null,
      missing_features: ['sensor_2'],
      sensor_2: 'n/a',
      site: 'north',
    });
  }, 120_000);

  test('secrets stay in memory unless remembered, and never reach logs or URLs', async () => {
    const stored = async () =>
      page.evaluate(async () => {
        // Every database and store this origin has: a secret may hide in none of them.
        const all: unknown[] = [];
        for (const info of await indexedDB.databases()) {
          const db = await new Promise<IDBDatabase>((ok) => {
            const r = indexedDB.open(info.name!);
            r.onsuccess = () => ok(r.result);
          });
          for (const name of [...db.objectStoreNames]) {
            all.push(
              await new Promise<unknown[]>((ok) => {
                const r = db.transaction(name).objectStore(name).getAll();
                r.onsuccess = () => ok(r.result as unknown[]);
              }),
            );
          }
          db.close();
        }
        return JSON.stringify(all) + JSON.stringify({ ...localStorage });
      });
    expect(await stored()).not.toContain(KEY);
    expect(logs.join('\n')).not.toContain(KEY);
    expect(page.url()).not.toContain(KEY);

    await page.getByLabel('Remember on this device').check();
    await expect.poll(stored, { timeout: 10_000 }).toContain(KEY);
    await page.reload();
    await expect
      .poll(() => page.getByLabel('Cosmos DB key or resource token', { exact: true }).inputValue(), { timeout: 10_000 })
      .toBe(KEY);
    await page.getByLabel('Remember on this device').uncheck();
    await expect.poll(stored, { timeout: 10_000 }).not.toContain(KEY);
    await page.reload();
    await expect.poll(() => page.getByLabel('Event hub name', { exact: true }).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByLabel('Cosmos DB key or resource token', { exact: true }).inputValue()).toBe('');
    expect(logs.join('\n')).not.toContain(KEY);
  }, 60_000);

  test.skipIf(!hasSklearn)(
    'a model converted from scikit-learn (no alarm rule) connects live and alarms per reading',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'isoscope-sk-live-'));
      writeFileSync(join(dir, 'fit.py'), SKLEARN_FIT);
      execFileSync(PYTHON, [join(dir, 'fit.py'), dir, cmapssPath('train_FD001.txt')]);
      execFileSync(PYTHON, [
        join(import.meta.dirname, '..', '..', 'tools', 'sklearn_to_isoscope.py'),
        join(dir, 'forest.pkl'),
        '--features',
        join(dir, 'features.json'),
        '-o',
        join(dir, 'model.json'),
      ]);
      const json = readFileSync(join(dir, 'model.json'), 'utf8');
      expect((JSON.parse(json) as { alarm?: unknown }).alarm).toBeUndefined();
      const disconnect = page.getByRole('button', { name: 'Disconnect' });
      if (await disconnect.isEnabled()) await disconnect.click();
      await expect.poll(() => page.evaluate(() => !!(window as any).isoscope.data), { timeout: 30_000 }).toBe(true);
      await page.evaluate((text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'sklearn-model.json', { type: 'application/json' }));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, json);
      await expect.poll(() => statusText('train'), { timeout: 30_000 }).toMatch(/Imported model .* from sklearn-model.json/);
      const before = await processed();
      await fill('Event Hubs connection string', hubString());
      await page.getByLabel('Start position').selectOption('latest');
      await page.getByRole('button', { name: 'Connect live' }).click();
      await expect.poll(statusText, { timeout: 30_000 }).toMatch(/Live: readings \(4 partitions\)/);
      expect(await errorText()).toBe('');
      await expect.poll(() => page.locator('table.partitions tbody tr').count(), { timeout: 10_000 }).toBe(4);
      await expect.poll(() => page.evaluate(() => (window as any).isoscope.link.status?.state), { timeout: 30_000 }).toBe('live');
      const producer = new EventHubProducerClient(hub.connectionString());
      const batch = await producer.createBatch({ partitionKey: '88' });
      for (let t = 1; t <= 10; t++) batch.tryAdd({ body: { ...readingOfUnit1(), unit_number: 88, time_in_cycles: t } });
      await producer.sendBatch(batch);
      await producer.close();
      await expect.poll(processed, { timeout: 30_000 }).toBeGreaterThanOrEqual(before + 10);
    },
    120_000,
  );

  test('saved positions resume on connect and are forgotten for an endpoint with a port', async () => {
    expect(hubString()).toMatch(/^Endpoint=sb:\/\/127\.0\.0\.1:\d+\//);
    const disconnect = page.getByRole('button', { name: 'Disconnect' });
    const connect = async () => {
      await fill('Event Hubs connection string', hubString());
      await page.getByLabel('Start position').selectOption('earliest');
      await page.getByRole('button', { name: 'Connect live' }).click();
      await expect.poll(statusText, { timeout: 30_000 }).toMatch(/Live: readings \(4 partitions\)/);
      return (await statusText()) ?? '';
    };
    if (await disconnect.isEnabled()) await disconnect.click();
    const resumed = /resuming (\d+) partitions? from saved positions/.exec(await connect());
    expect(resumed).not.toBeNull();
    await disconnect.click();
    await page.getByRole('button', { name: 'Forget saved positions' }).click();
    await expect
      .poll(statusText, { timeout: 10_000 })
      .toMatch(new RegExp(`Forgot the saved positions of ${resumed![1]} partitions?: the next connect starts at "earliest"`));
    expect(await connect()).not.toMatch(/resuming/);
    await disconnect.click();
  }, 120_000);

  test('the live panel names a data-quality alert when it is raised and when it clears', async () => {
    const disconnect = page.getByRole('button', { name: 'Disconnect' });
    // The test before disconnects last, possibly while its connect is still finishing: whichever won, end disconnected.
    if (await disconnect.isEnabled()) await disconnect.click({ timeout: 5000 }).catch(() => undefined);
    await expect.poll(() => disconnect.isDisabled(), { timeout: 30_000 }).toBe(true);
    // The shipped model records its training envelope (the sklearn import before it does not).
    await page.evaluate(
      (text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'fd001-baseline.json', { type: 'application/json' }));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      readFileSync(join(import.meta.dirname, '..', '..', 'models', 'fd001-baseline.json'), 'utf8'),
    );
    await expect.poll(() => statusText('train'), { timeout: 30_000 }).toMatch(/Imported model .* from fd001-baseline.json/);
    await fill('Event Hubs connection string', hubString());
    // Saved positions would replay the earlier tests' readings (unit 1 repeated, rightly "stuck"): start at the end.
    await page.getByRole('button', { name: 'Forget saved positions' }).click();
    await expect.poll(statusText, { timeout: 10_000 }).toMatch(/Forgot the saved positions|No saved positions/);
    await page.getByLabel('Start position').selectOption('latest');
    await page.getByRole('button', { name: 'Connect live' }).click();
    await expect.poll(() => page.evaluate(() => (window as any).isoscope.link.status?.state), { timeout: 30_000 }).toBe('live');
    expect(await statusText()).not.toMatch(/resuming/);
    // "Latest" is resolved when a partition's receiver attaches, a moment after the link says live.
    await expect.poll(() => hub.receivers, { timeout: 30_000 }).toBe(4);
    // FD001 units 5 and 6 as units 55 and 56, one after the other; unit 55's readings 40–99 carry sensor_7 (P30) in kPa.
    const rows = readFileSync(cmapssPath('train_FD001.txt'), 'utf8')
      .split('\n')
      .filter((l) => /^[56] /.test(l));
    const alerts = () => page.getByTestId('data-alerts').textContent();
    const producer = new EventHubProducerClient(hub.connectionString());
    const send = async (from: number, to: number) => {
      const batch = await producer.createBatch({ partitionKey: '55' });
      for (let i = from; i < to; i++) {
        const r = readingOf(rows[i]);
        r.unit_number += 50;
        if (i >= 40 && i < 100) r.sensor_7 = Math.round(r.sensor_7 * 689.4757) / 100;
        expect(batch.tryAdd({ body: r })).toBe(true);
      }
      await producer.sendBatch(batch);
    };
    await send(0, 100);
    // One unit's fault is that unit's alert, named in the list (the fleet's share never counts it twice).
    await expect.poll(alerts, { timeout: 30_000 }).toMatch(/In force sensor_7 above the training range on unit 55/);
    expect(await alerts()).toMatch(
      /Raised sensor_7 above the training range on unit 55 · by reading [\d,]+ · 1\d\.\d% of the unit's last readings/,
    );
    expect(await alerts()).not.toMatch(/Cleared sensor_7|Raised sensor_7 above the training range ·/);
    await send(100, rows.length);
    await expect.poll(alerts, { timeout: 30_000 }).toMatch(/Cleared sensor_7 above the training range on unit 55/);
    expect(await alerts()).not.toMatch(/In force sensor_7 above/);
    expect(await alerts()).not.toMatch(/unit 1\b/);
    await producer.close();
    await page.locator('details.live').screenshot({ path: '/tmp/isoscope-data-alerts.png' });
    await disconnect.click();
  }, 120_000);
});

function readingOfUnit1(): Record<string, number> {
  return readingOf(SMALL.split('\n')[0]);
}

/** A C-MAPSS line as the reading the hub carries. */
function readingOf(line: string): Record<string, number> {
  const names = [
    'unit_number',
    'time_in_cycles',
    'op_setting_1',
    'op_setting_2',
    'op_setting_3',
    ...Array.from({ length: 21 }, (_, i) => `sensor_${i + 1}`),
  ];
  const values = line.trim().split(/\s+/).map(Number);
  return Object.fromEntries(names.map((n, i) => [n, values[i]]));
}
