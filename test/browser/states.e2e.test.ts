// The workbench's main states, each checked two ways in real Chromium: axe-core finds no
// serious or critical accessibility violation, and a full-page screenshot matches the
// committed reference (UPDATE_REFERENCES=1 refreshes them). Fixed viewport, the bundled
// sample, a seeded model, no animation, the mouse parked, timings masked.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { hasChromium, useWorkbench } from './harness.js';
import { seriousViolations } from './axe.js';
import { compareWithReference } from './visual.js';

const w = useWorkbench();
const { statusText } = w;
let page: Page;
beforeAll(() => {
  page = w.page;
});

/** What differs from run to run: training time, stream latency and the live chart's thinned points. */
const volatile = (): Locator[] => [
  page.locator('[data-scope="train"] .status'),
  page.locator('.model-line'),
  page.getByTestId('live-latency'),
  page.locator('.live[open] .chart'),
];

async function check(name: string): Promise<void> {
  expect(await seriousViolations(page), `axe: ${name}`).toEqual([]);
  const r = await compareWithReference(page, name, volatile());
  if (r.updated) console.log(`reference ${name}.png written`);
  else
    expect(
      r.diff,
      `${name}: ${r.diff < 0 ? 'page size differs from the reference' : `${r.diff} pixels differ (allowed ${r.allowed})`}; see test-results/visual/`,
    ).toBeGreaterThanOrEqual(0);
  if (!r.updated) expect(r.diff).toBeLessThanOrEqual(r.allowed);
}

describe.skipIf(!hasChromium)('main states: accessible and as designed', () => {
  test('empty', async () => {
    await check('empty');
    // Hidden file inputs take no Tab stop.
    expect(await page.locator('input[type=file]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).tabIndex))).toEqual([-1, -1]);
  });

  test('loaded', async () => {
    await page.getByRole('button', { name: 'Load sample' }).click();
    await expect.poll(() => statusText('data'), { timeout: 30_000 }).toMatch(/Loaded train_FD001\.txt/);
    await check('loaded');
  });

  test('trained', async () => {
    await page.getByRole('button', { name: 'Train' }).click();
    await expect.poll(() => statusText('train'), { timeout: 30_000 }).toMatch(/Trained on/);
    await expect.poll(() => page.evaluate(() => !!(window as any).isoscope.models.drivers), { timeout: 30_000 }).toBe(true);
    // The data check comes after the drivers from the same worker; the screenshot needs both.
    await expect.poll(() => page.getByTestId('data-check').textContent(), { timeout: 30_000 }).toMatch(/^Data check: ok/);
    await check('trained');
  });

  test('a unit chosen and a reading explained, by keyboard only', async () => {
    const list = page.getByRole('listbox', { name: /^Units/ });
    await list.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const unit = await page.evaluate(() => (window as any).isoscope.selectedUnit as number);
    // The unit's chart is drawn after a worker call: keys pressed before it would act on the last unit's chart.
    await expect.poll(() => page.locator('#unit-score-desc').textContent(), { timeout: 10_000 }).toContain(`of unit ${unit},`);
    const active = await list.getAttribute('aria-activedescendant');
    expect(active).toBeTruthy();
    expect(await page.locator(`#${active}`).getAttribute('aria-selected')).toBe('true');
    // The whole list is one Tab stop: Tab leaves it.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).not.toBe('option');
    await list.focus();
    await page.keyboard.press('Enter'); // to the unit's score chart
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('unit-score-chart');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    expect(await page.locator('#unit-score-chart').getAttribute('aria-valuetext')).toMatch(/^cycle \d+: anomaly score 0\.\d{3}/);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('explain-summary').textContent()).toMatch(new RegExp(`unit ${unit} · cycle \\d+`));
    await check('explained');
  });

  test('replay running, then finished', async () => {
    await page.getByText('Replay as a stream').click();
    await page.getByRole('combobox', { name: 'Replay rate' }).selectOption('1000');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => page.getByTestId('live-state').textContent()).toBe('playing');
    expect(await seriousViolations(page), 'axe: replay running').toEqual([]);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.getByTestId('live-rate').textContent()).toBe('0'); // nothing flows while paused
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('combobox', { name: 'Replay rate' }).selectOption('0');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => page.getByTestId('live-state').textContent(), { timeout: 30_000 }).toBe('finished');
    expect(await page.getByTestId('live-processed').textContent()).toBe('20,631 of 20,631');
    await check('replay');
  });

  test('connect open', async () => {
    await page.getByText('Connect to Azure').click();
    await expect.poll(() => page.getByLabel('Event hub name', { exact: true }).isVisible()).toBe(true);
    await check('connect');
  });

  test('a reading chosen by a click: the arrow keys move on from it', async () => {
    const over = page.locator('#unit-score-chart .u-over');
    const box = (await over.boundingBox())!;
    const cycleExplained = async () =>
      Number(/cycle (\d+)/.exec((await page.getByTestId('explain-summary').textContent()) ?? '')?.[1] ?? 0);
    // The test before left a reading explained: wait for the clicked one, not that one.
    const before = await cycleExplained();
    await over.click({ position: { x: box.width * 0.6, y: box.height / 2 } });
    let clicked = 0;
    await expect
      .poll(async () => {
        clicked = await cycleExplained();
        return clicked > 2 && clicked !== before;
      })
      .toBe(true);
    // The explained reading redraws the unit's charts (its drivers' sensors): keys act on the new chart.
    await expect.poll(() => page.locator('#unit-score-chart').getAttribute('aria-valuetext')).toBe('no reading chosen');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await page.locator('#unit-score-chart').getAttribute('aria-valuetext')).toMatch(new RegExp(`^cycle ${clicked - 2}: `));
  });
});
