// The Models panel in real Chromium against the registry the CLI writes: two models trained
// and published with `isoscope` (a champion and a candidate) into the local Cosmos DB, shadow
// figures recorded as a consumer records them, the page connected through a CORS proxy.
// The panel's comparison is checked against `isoscope evaluate` and `isoscope score` of the
// same models on the same file; Promote is read back with the SDK and `isoscope models`.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { Container } from '@azure/cosmos';
import { hasChromium, startHarness, type Harness } from './harness.js';
import { seriousViolations } from './axe.js';
import { startCosmos, type LocalCosmos } from '../servers/cosmos-server.js';
import { startThrottlingProxy, type ThrottlingProxy } from '../servers/throttling-proxy.js';
import { cmapssPath } from '../helpers.js';
import { setupCosmos } from '../../src/connectors/cosmos-setup.js';
import { recordShadow, type PublishedModel } from '../../src/connectors/model-registry.js';
import { ENV_DEFAULTS } from '../../src/connectors/settings.js';

const BIN = new URL('../../bin/isoscope.js', import.meta.url).pathname;
const SHOTS = new URL('../../test-results/models-panel/', import.meta.url).pathname;
const KEY = 'bG9jYWwtdGVzdC1rZXk=';
let harness: Harness;
let page: Page;
let cosmos: LocalCosmos;
let proxy: ThrottlingProxy;
let models: Container;
let dir: string;
let env: Record<string, string>;
/** What the CLI says of each model on test_FD001 with its RUL. */
const cli: Record<'champion' | 'candidate', { rocAuc: number; medianLeadTime: number; warned: number; flags: number[]; alarms: number[] }> =
  {} as never;

const isoscope = async (...args: string[]) =>
  (await promisify(execFile)('node', [BIN, ...args], { env: { PATH: process.env.PATH!, ...env }, cwd: dir })).stdout;

/** is_anomaly and alarm per row of `isoscope score`'s CSV. */
function scoreColumns(csv: string): { flags: number[]; alarms: number[] } {
  const [head, ...rows] = csv.trim().split('\n');
  const cols = head.split(',');
  const [f, a] = [cols.indexOf('is_anomaly'), cols.indexOf('alarm')];
  const cells = rows.map((r) => r.split(','));
  return { flags: cells.map((c) => Number(c[f])), alarms: cells.map((c) => Number(c[a])) };
}
const pct = (v: number) => `${(v * 100).toFixed(v < 0.01 ? 2 : 1)}%`;

beforeAll(async () => {
  if (!hasChromium) return;
  dir = mkdtempSync(join(tmpdir(), 'isoscope-models-'));
  mkdirSync(SHOTS, { recursive: true });
  cosmos = await startCosmos();
  const settings = {
    endpoint: cosmos.endpoint,
    key: KEY,
    database: ENV_DEFAULTS.COSMOS_DATABASE,
    container: ENV_DEFAULTS.COSMOS_CONTAINER,
    modelsContainer: ENV_DEFAULTS.COSMOS_MODELS_CONTAINER,
  };
  await setupCosmos(cosmos.client, settings);
  models = cosmos.client.database(settings.database).container(settings.modelsContainer);
  env = { COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: KEY };
  // Two different models of FD001: the default recipe, and raw sensors (weaker, warns later).
  const train = cmapssPath('train_FD001.txt');
  const [test, rul] = [cmapssPath('test_FD001.txt'), cmapssPath('RUL_FD001.txt')];
  await isoscope('train', train, '--trees', '50', '--seed', '1', '-o', 'champion.json');
  await isoscope('train', train, '--trees', '50', '--seed', '7', '--recipe', 'raw', '-o', 'candidate.json');
  await isoscope('publish-model', 'champion.json', '--note', 'default recipe');
  await isoscope('publish-model', 'candidate.json', '--candidate', '--note', 'raw sensors, retrained');
  for (const who of ['champion', 'candidate'] as const) {
    const ev = JSON.parse(await isoscope('evaluate', test, '--model', `${who}.json`, '--rul', rul, '--json'));
    await isoscope('score', test, '--model', `${who}.json`, '-o', `${who}.csv`);
    cli[who] = {
      rocAuc: ev.rocAuc,
      medianLeadTime: ev.units.medianLeadTime,
      warned: ev.units.warned,
      ...scoreColumns(readFileSync(join(dir, `${who}.csv`), 'utf8')),
    };
  }
  // What a consumer scoring v2 in shadow writes on its document.
  await recordShadow(models, 'v2', {
    champion_version: 'v1',
    readings: 4200,
    flag_rate: 0.031,
    champion_flag_rate: 0.027,
    alarm_rate: 0.012,
    champion_alarm_rate: 0.01,
    agreement: 0.962,
    service: 'consume',
    updated: new Date().toISOString(),
  });
  proxy = await startThrottlingProxy(cosmos.endpoint, { cors: true });
  harness = await startHarness();
  page = await harness.newPage(1280, 1400);
  await page.goto(harness.url);
}, 180_000);

afterAll(async () => {
  await harness?.close();
  await proxy?.stop();
  await cosmos?.stop();
});

const statusText = (scope: string) => page.locator(`[data-scope="${scope}"] .status`).textContent();
const errorText = (scope: string) => page.locator(`[data-scope="${scope}"] .error`).textContent();
const panel = () => page.getByTestId('models-panel');
const row = (v: string) => panel().locator(`tr[data-version="${v}"]`);
const shot = async (name: string) => {
  await panel().scrollIntoViewIfNeeded();
  await panel().screenshot({ path: join(SHOTS, name) });
};
const statusOf = async (id: string) => (await models.item(id, id).read<PublishedModel>()).resource?.status;

describe.skipIf(!hasChromium)('the Models panel against the registry the CLI writes', () => {
  test('connected to Cosmos DB, it lists each version with its status, note and shadow figures', async () => {
    await page.getByRole('combobox', { name: 'Sample data' }).selectOption('test_FD001.txt');
    await page.getByRole('button', { name: 'Load sample' }).click();
    await expect.poll(() => statusText('data'), { timeout: 60_000 }).toMatch(/Loaded test_FD001\.txt: 13,096 rows, 100 units/);
    expect(await panel().isHidden()).toBe(true); // nothing to show before Cosmos DB is connected

    await page.getByText('Connect to Azure').click();
    await page.getByLabel('Cosmos DB endpoint', { exact: true }).fill(proxy.endpoint);
    await page.getByLabel('Cosmos DB key or resource token', { exact: true }).fill(KEY);
    await page.getByRole('button', { name: 'Connect Cosmos DB' }).click();
    await expect.poll(() => statusText('connect'), { timeout: 30_000 }).toMatch(/Cosmos DB ready/);
    await expect.poll(() => panel().locator('tbody tr[data-version]').count(), { timeout: 10_000 }).toBe(2);

    expect(await row('v1').getAttribute('data-status')).toBe('champion');
    expect(await row('v2').getAttribute('data-status')).toBe('candidate');
    const cells = async (v: string) => (await row(v).locator('th, td').allTextContents()).map((t) => t.trim());
    const champion = JSON.parse(readFileSync(join(dir, 'champion.json'), 'utf8')).id;
    const v1 = await cells('v1');
    expect(v1.slice(0, 2)).toEqual(['v1', 'champion']);
    expect(v1).toContain(champion);
    expect(v1).toContain('default recipe');
    const v2 = await cells('v2');
    expect(v2.slice(0, 2)).toEqual(['v2', 'candidate']);
    expect(v2).toContain('raw sensors, retrained');
    expect(v2).toEqual(expect.arrayContaining(['4,200 readings', '3.1% vs 2.7%', '1.2% vs 1.0%', '96.2%']));
    // The champion has no Promote button; the candidate's is named for its version.
    expect(await row('v1').getByRole('button').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Promote v2 to champion' }).isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
  });

  test('champion against candidate on the loaded data: the figures `isoscope evaluate` and `score` give', async () => {
    expect(await page.getByLabel('Version to compare with the champion').inputValue()).toBe('v2');
    await page.getByRole('button', { name: 'Compare on loaded data' }).click();
    await expect.poll(() => statusText('models'), { timeout: 60_000 }).toMatch(/Compared v1 \(champion\) with v2 on test_FD001\.txt/);
    const cell = (id: string, who: string) => page.getByTestId(`cmp-${id}-${who}`).textContent();
    for (const who of ['champion', 'candidate'] as const) {
      const c = cli[who];
      expect(await cell('roc-auc', who)).toMatch(new RegExp(`^${c.rocAuc.toFixed(3)}`));
      expect(await cell('lead-median', who)).toMatch(new RegExp(`^${Math.round(c.medianLeadTime)} cycles`));
      expect(await cell('warned', who)).toBe(`${c.warned} of 100`);
      // Alarms raised: the rows where a unit's alarm turns on, in the CLI's scores (rows in unit, time order).
      const raised = c.alarms.filter((a, i) => a === 1 && (i === 0 || c.alarms[i - 1] === 0)).length;
      expect(await cell('alarms', who)).toBe(raised.toLocaleString('en-US'));
    }
    // The two models really differ here, so the comparison says something.
    expect(cli.champion.medianLeadTime).not.toBe(cli.candidate.medianLeadTime);
    expect(await page.getByTestId('cmp-lead-median-champion').getAttribute('class')).toMatch(/better/);
    const { champion, candidate } = cli;
    const flagsAlike = champion.flags.filter((f, i) => f === candidate.flags[i]).length / champion.flags.length;
    const alarmsAlike = champion.alarms.filter((a, i) => a === candidate.alarms[i]).length / champion.alarms.length;
    expect(await page.getByTestId('cmp-agreement').textContent()).toBe(
      `Agreement: flagged alike on ${pct(flagsAlike)} of 13,096 readings both scored; alarm state alike on ${pct(alarmsAlike)}.`,
    );
    expect(await page.getByTestId('cmp-scope').textContent()).toMatch(/^On test_FD001\.txt \(13,096 readings; out-of-sample for both\)/);
    // Scored in the engine worker: the page itself holds no model.
    expect(await page.evaluate(() => (window as any).isoscope.model)).toBeUndefined();
    await shot('models-panel-1280.png');
  });

  test('at 800 px the panel fits the page: versions as labelled cards, Promote in view and followed by Compare in tab order', async () => {
    await page.setViewportSize({ width: 800, height: 1200 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
    const box = await panel().boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(800);
    // No table scrolls sideways: each version is a card, the Promote button in view.
    const sideways = await panel()
      .locator('.table-wrap')
      .evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).length);
    expect(sideways).toBe(0);
    const button = await page.getByRole('button', { name: 'Promote v2 to champion' }).boundingBox();
    expect(button!.x + button!.width).toBeLessThanOrEqual(box!.x + box!.width);
    // From the last Promote button, Tab goes on to the comparison (no hidden stop in between).
    await page.getByRole('button', { name: 'Promote v2 to champion' }).focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Version to compare with the champion');
    await shot('models-panel-800.png');
    await page.setViewportSize({ width: 1280, height: 1400 });
  });

  test('Promote asks first, then makes the candidate champion and retires the old one, as `isoscope promote` does', async () => {
    const promote = page.getByRole('button', { name: 'Promote v2 to champion' });
    await promote.click();
    const confirm = page.getByRole('group', { name: /Make v2 .* the champion\? v1 will be retired/ });
    expect(await confirm.isVisible()).toBe(true);
    // The question takes the focus; Escape leaves everything as it was and gives the focus back.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Promote v2');
    await shot('models-panel-confirm.png');
    await page.keyboard.press('Escape');
    expect(await confirm.isHidden()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Promote v2 to champion');
    expect(await statusOf('v2')).toBe('candidate');

    // A refused write says so in one line and changes nothing.
    proxy.reject = true;
    await promote.click();
    await page.getByRole('button', { name: 'Promote v2', exact: true }).click();
    await expect.poll(() => errorText('models'), { timeout: 30_000 }).toMatch(/^Could not promote v2: .*rejected the key or token/);
    proxy.reject = false;
    expect(await statusOf('v2')).toBe('candidate');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => row('v2').getAttribute('data-status'), { timeout: 10_000 }).toBe('candidate');

    await promote.click();
    await page.getByRole('button', { name: 'Promote v2', exact: true }).click();
    await expect.poll(() => statusText('models'), { timeout: 30_000 }).toMatch(/^v2 is the champion; retired v1\./);
    expect(await statusOf('v2')).toBe('champion');
    expect(await statusOf('v1')).toBe('retired');
    // The list refreshed, and the CLI reads the same registry.
    await expect.poll(() => row('v2').getAttribute('data-status'), { timeout: 10_000 }).toBe('champion');
    expect(await row('v1').getAttribute('data-status')).toBe('retired');
    const listed = JSON.parse(await isoscope('models', '--json')) as { version: string; status: string }[];
    expect(listed.map((m) => [m.version, m.status])).toEqual([
      ['v2', 'champion'],
      ['v1', 'retired'],
    ]);
    // The comparison's labels no longer hold: it is gone until asked again.
    expect(await page.getByTestId('cmp-agreement').isHidden()).toBe(true);
    await shot('models-panel-promoted.png');
  });
});
