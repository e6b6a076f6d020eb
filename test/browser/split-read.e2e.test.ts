// A big C-MAPSS file is read by two ingest workers (each half parsed and profiled apart,
// then joined). Here the split is lowered to a few MB so FD files take that path: the
// data, profile and trained model must be those of a one-worker read, and an error in
// the far half must name the same line.
import { beforeAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { cmapssPath } from '../helpers.js';
import { hasChromium, useWorkbench } from './harness.js';

const w = useWorkbench();
const { statusText, errorText, wb } = w;
let page: Page;
beforeAll(() => {
  page = w.page;
});

async function load(name: string, text: Buffer): Promise<void> {
  await page.locator('#file-input').setInputFiles({ name, mimeType: 'text/plain', buffer: text });
}

/** What the page holds after a load: the profile, the rows, the truth columns' sums, and the model trained on it. */
async function readBack(): Promise<unknown> {
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => statusText('train'), { timeout: 60_000 }).toMatch(/^Trained on/);
  return wb(`({
    profile: wb.profile,
    rows: wb.data.rows,
    truth: wb.data.truth.columns.map((c) => [c.name, c.values.reduce((s, v) => s + v, 0)]),
    model: wb.model.id,
    scores: Array.from(wb.scores.slice(0, 50)).concat(Array.from(wb.scores.slice(-50))),
  })`);
}

describe.skipIf(!hasChromium)('a big file read by two ingest workers', () => {
  test('FD002 split in two gives the one-worker read: profile, rows, ground truth, trained model and scores', async () => {
    const text = readFileSync(cmapssPath('train_FD002.txt'));
    await wb('wb.workers.ingest.api.setSplitAbove(1e12)');
    await load('train_FD002.txt', text);
    await expect.poll(statusText, { timeout: 60_000 }).toMatch(/^Loaded train_FD002\.txt: 53,759 rows, 260 units/);
    expect(await wb('wb.workers.lastIngestParts')).toBe(1);
    const whole = (await readBack()) as { profile: { columns: { mean: number; std: number }[] } };

    await wb('wb.workers.ingest.api.setSplitAbove(1e6)');
    await load('train_FD002.txt', text);
    await expect.poll(() => wb('wb.workers.lastIngestParts'), { timeout: 60_000 }).toBe(2);
    await expect.poll(statusText, { timeout: 60_000 }).toMatch(/^Loaded train_FD002\.txt: 53,759 rows, 260 units/);
    const split = (await readBack()) as typeof whole;
    // Means and standard deviations joined from two parts agree to rounding; everything else exactly.
    split.profile.columns.forEach((c, k) => {
      expect(c.mean).toBeCloseTo(whole.profile.columns[k].mean, 9);
      expect(c.std).toBeCloseTo(whole.profile.columns[k].std, 9);
    });
    const exact = (r: typeof whole) => ({
      ...r,
      profile: { ...r.profile, columns: r.profile.columns.map((c) => ({ ...c, mean: 0, std: 0 })) },
    });
    expect(exact(split)).toEqual(exact(whole));
  });

  test('a broken line in the far half is named by its line in the file, as a one-worker read names it', async () => {
    const lines = readFileSync(cmapssPath('train_FD001.txt'), 'utf8').split('\n');
    lines[18_000] = lines[18_000].split(' ').slice(0, 20).join(' ');
    const failed = async (splitAbove: number) => {
      await wb(`wb.workers.ingest.api.setSplitAbove(${splitAbove})`);
      await page.evaluate(() => document.querySelectorAll('[data-scope="data"] .error').forEach((e) => (e.textContent = '')));
      await load('broken.txt', Buffer.from(lines.join('\n')));
      await expect.poll(() => errorText(), { timeout: 30_000 }).toMatch(/line 18001: expected 26 values in a C-MAPSS row, found 20/);
      return errorText();
    };
    expect(await failed(1e6)).toBe(await failed(1e12));
    // The data loaded before stays.
    expect(await wb('wb.data.name')).toBe('train_FD002.txt');
  });
});
