// The workbench as a user drives it, in real Chromium.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, startHarness, type Harness } from './harness.js';
import { cmapssPath, getEngine, loadFd001 } from '../helpers.js';
import { trainModel } from '../../src/model/train.js';
import { LoadedModel } from '../../src/model/loaded-model.js';
import { DEFAULT_CONTAMINATION, DEFAULT_QUALITY } from '../../src/features/defaults.js';
import { alarmTrace } from '../../src/alarms/alarm-trace.js';
import { RowPassBudget } from '../../src/alarms/row-pass-budget.js';
import { baselineMask, parseBaseline } from '../../src/data/baseline.js';
import { columnByRole } from '../../src/data/dataset.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'isoscope.js');

if (!hasChromium) console.warn('\n*** SKIPPING browser tests: /usr/bin/chromium not found (apt-get install chromium) ***\n');

let harness: Harness;
let page: Page;

beforeAll(async () => {
  if (!hasChromium) return;
  harness = await startHarness();
  page = await harness.newPage();
  await page.goto(harness.url);
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

/** Dispatches a real drop event carrying files, as a drag from the desktop does. */
async function dropFiles(p: Page, files: { name: string; content: string | number[] }[]): Promise<void> {
  await p.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([typeof f.content === 'string' ? f.content : new Uint8Array(f.content)], f.name));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files);
}

// Each step shows its own messages next to its actions.
const statusText = (scope = 'data') => page.locator(`[data-scope="${scope}"] .status`).textContent();
const errorText = (scope = 'data') => page.locator(`[data-scope="${scope}"] .error`).textContent();
const flagged = () => page.getByTestId('flagged').textContent();

describe.skipIf(!hasChromium)('workbench in Chromium', () => {
  test('Load sample loads FD001 from the bundled zip and shows its profile', async () => {
    await page.getByRole('button', { name: 'Load sample' }).click();
    await expect.poll(statusText, { timeout: 30_000 }).toMatch(/Loaded train_FD001\.txt: 20,631 rows, 100 units/);
    await expect(page.getByRole('checkbox', { name: 'Use T24 (sensor 2) as a feature' }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole('checkbox', { name: 'Use T2 (sensor 1) as a feature' }).isChecked()).resolves.toBe(false);
    await expect(page.locator('table.profile').textContent()).resolves.toContain('constant (always 518.67)');
  });

  test('FD001 dropped as a file loads too, then trains and draws scores', async () => {
    await dropFiles(page, [{ name: 'train_FD001.txt', content: readFileSync(cmapssPath('train_FD001.txt'), 'utf8') }]);
    await expect.poll(statusText, { timeout: 30_000 }).toMatch(/Loaded train_FD001\.txt: 20,631 rows/);
    await page.getByRole('button', { name: 'Train' }).click();
    await expect.poll(() => statusText('train'), { timeout: 30_000 }).toMatch(/Trained on 10,290 rows/);
    // The keyboard focus moves on with the view, to the review, instead of falling to the page.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('review-h');
    await expect.poll(() => page.locator('.unit canvas').count()).toBeGreaterThan(1);
    await expect
      .poll(() =>
        page
          .getByRole('listbox', { name: /^Units/ })
          .getByRole('option')
          .first()
          .getAttribute('aria-setsize'),
      )
      .toBe('100');
    expect(Number(await page.getByTestId('roc-auc').textContent())).toBeGreaterThan(0.95);
    // The model–data check arrives after the scores: its own training data fits the model.
    await expect.poll(() => page.getByTestId('data-check').textContent(), { timeout: 30_000 }).toMatch(/^Data check: ok\./);
    // Training opened the unit view on the board's first unit, the most urgent, not the file's first.
    const unit = await page.evaluate(() => (window as any).isoscope.selectedUnit as number);
    expect(unit).not.toBe(1);
    expect(await page.locator('.fleet-row').first().textContent()).toMatch(new RegExp(`^Unit ${unit}\\D`));
  });

  test('the browser trains the same model, byte for byte, as Node', async () => {
    const inPage = await page.evaluate(() => (window as any).isoscope.model);
    const node = (
      await trainModel(await getEngine(), loadFd001(), {
        baseline: parseBaseline('first:50%'),
        params: { seed: 42, contamination: DEFAULT_CONTAMINATION },
        recipe: DEFAULT_QUALITY.recipe,
        alarm: DEFAULT_QUALITY.alarm,
      })
    ).model;
    expect(inPage.recipe).toEqual(node.recipe);
    expect(JSON.stringify(inPage.forest)).toBe(JSON.stringify(node.forest));
    expect(JSON.stringify(inPage.scaler)).toBe(JSON.stringify(node.scaler));
    const inPageScores = await page.evaluate(() => Array.from((window as any).isoscope.scores as Float64Array));
    const scores = new LoadedModel(await getEngine(), node).scoreDataset(loadFd001()).scores;
    expect(inPageScores).toEqual(Array.from(scores));
    // …scored on more than one engine worker, each unit whole on one.
    expect(await page.evaluate(() => (window as any).isoscope.workers.lastScoreParts)).toBeGreaterThan(1);
    // The Fleet list's alarms are the model's 5-of-8 rule, raised where replay and the consumer raise them.
    const ds = loadFd001();
    const flags = Uint8Array.from(scores, (x) => (x - node.threshold.offset < 0 ? 1 : 0));
    const { raised } = alarmTrace(ds, flags, node.alarm!, scores);
    const unit = ds.columns.find((c) => c.name === 'unit_number')!.values;
    const time = ds.columns.find((c) => c.name === 'time_in_cycles')!.values;
    const expected = new Map<number, { alarms: number; first: number | null }>();
    for (let i = 0; i < ds.rows; i++) {
      const e = expected.get(unit[i]) ?? { alarms: 0, first: null };
      if (raised[i]) expected.set(unit[i], { alarms: e.alarms + 1, first: e.first ?? time[i] });
      else expected.set(unit[i], e);
    }
    // The slider's index, built in its worker after the scores were drawn, comes into use; a frame
    // from it equals Node's row pass at the same offset (states, since, counts, flagged readings).
    await expect.poll(() => page.evaluate(() => (window as any).isoscope.threshold.indexed), { timeout: 30_000 }).toBe(true);
    const frame = await page.evaluate(() => {
      const wb = (window as any).isoscope;
      const t = wb.threshold.budget.apply(wb.model.threshold.offset);
      return {
        offset: t.offset,
        flagged: t.flagged,
        counts: t.units.counts,
        state: Array.from(t.units.state),
        since: Array.from(t.units.since),
      };
    });
    expect(frame.offset).toBe(node.threshold.offset);
    const rowPass = new RowPassBudget(scores, baselineMask(ds, parseBaseline('first:50%')), {
      unit: columnByRole(ds, 'unit')!.values,
      time: columnByRole(ds, 'time')!.values,
      rule: node.alarm!,
    }).apply(node.threshold.offset);
    expect(frame).toEqual({
      offset: rowPass.offset,
      flagged: rowPass.flagged,
      counts: rowPass.units.counts,
      state: Array.from(rowPass.units.state),
      since: Array.from(rowPass.units.since, (t) => (Number.isNaN(t) ? null : t)), // NaN crosses page.evaluate as null
    });
    expect(frame.counts[0]).toBeGreaterThan(0);
    // a row's own counts are computed when read: read them in the page
    const fleet = await page.evaluate(() =>
      ((window as any).isoscope.threshold.thresholded.fleet as { unit: number; alarms: number; firstAlarmTime: number | null }[]).map(
        (r) => ({ unit: r.unit, alarms: r.alarms, firstAlarmTime: r.firstAlarmTime }),
      ),
    );
    expect(fleet.map((r) => [r.unit, r.alarms, r.firstAlarmTime])).toEqual(
      fleet.map((r) => [r.unit, expected.get(r.unit)!.alarms, expected.get(r.unit)!.first]),
    );
    expect(fleet.filter((r) => r.alarms > 0).length).toBeGreaterThan(90);
  });

  test('moving the Contamination slider changes the counts without retraining', async () => {
    const modelId = await page.evaluate(() => (window as any).isoscope.model.id);
    const own = await page.evaluate(() => (window as any).isoscope.model.threshold);
    expect(own.calibration.method).toBe('cross-fit');
    const slider = page.getByRole('slider', { name: 'Contamination' });
    const initial = await flagged();
    // A frame updates the figures' text in place: the budget's and the evaluation's rows stay the same elements.
    const figures = '[data-testid="flagged"], [data-testid="units-alarmed"], .metrics dd';
    await page.evaluate((sel) => ((window as any).__figures = [...document.querySelectorAll(sel)]), figures);
    await slider.fill('10'); // 1%
    await expect.poll(flagged).not.toBe(initial);
    const low = await flagged();
    const kept = await page.evaluate((sel) => {
      const before: Element[] = (window as any).__figures;
      const now = [...document.querySelectorAll(sel)];
      return { count: now.length, same: now.length === before.length && now.every((el, i) => el === before[i] && el.isConnected) };
    }, figures);
    expect(kept.count).toBeGreaterThan(10);
    expect(kept.same).toBe(true);
    await slider.fill('200'); // 20%
    await expect.poll(flagged).not.toBe(low);
    const high = await flagged();
    const count = (s: string | null) => Number(s!.split(' ')[0].replace(/,/g, ''));
    expect(count(high)).toBeGreaterThan(count(low));
    expect(await page.evaluate(() => (window as any).isoscope.model.id)).toBe(modelId);
    expect(await page.evaluate(() => (window as any).isoscope.model.threshold.contamination)).toBe(0.2);
    // The contamination is a percentile of the training readings; the calibration's margin flags fewer of them, and the budget says how many.
    const shown = await page.getByTestId('baseline-flagged').textContent();
    const share = await page.evaluate(() => {
      const wb = (window as any).isoscope;
      const sorted: Float64Array = wb.threshold.budget.sortedTraining;
      const offset: number = wb.threshold.thresholded.offset;
      return sorted.filter((v) => v - offset < 0).length / sorted.length;
    });
    expect(Math.abs(parseFloat(shown!) / 100 - share)).toBeLessThan(0.001);
    expect(share).toBeLessThan(0.2);
    expect(share).toBeGreaterThan(0);
    // Back at the trained contamination, the threshold calibrated out of sample returns, not the in-sample quantile.
    await slider.fill(String(DEFAULT_CONTAMINATION * 1000));
    await expect.poll(flagged).toBe(initial);
    expect(await page.evaluate(() => (window as any).isoscope.model.threshold)).toEqual(own);
    // Through the calibrated threshold the slider moves smoothly: a step below it flags no more, a step above no fewer
    // (the bare in-sample quantile below it used to flag more).
    await slider.fill(String(DEFAULT_CONTAMINATION * 1000 - 1));
    await expect.poll(async () => count(await flagged())).toBeLessThan(count(initial));
    await slider.fill(String(DEFAULT_CONTAMINATION * 1000 + 1));
    await expect.poll(async () => count(await flagged())).toBeGreaterThan(count(initial));
    expect(await page.locator('#contamination-note').textContent()).toMatch(
      /then (lowered|raised) by \d\.\d{3} in anomaly score, as the out-of-sample calibration moved it at 0\.20%/,
    );
    await slider.fill('200');
    await expect.poll(flagged).toBe(high);
    expect(await page.locator('#contamination-note').textContent()).toContain(
      'calibrated out of sample returns when the slider is back at 0.20%',
    );
    // Keyboard works too.
    await slider.focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.evaluate(() => (window as any).isoscope.contamination)).toBe(0.199);
    // A typed percentage lands exactly where a slider step is hard to hit; out of range is refused, saying why, and changes nothing.
    const entry = page.getByRole('spinbutton', { name: 'Contamination in percent' });
    expect(await entry.inputValue()).toBe('19.9');
    await entry.fill(String(DEFAULT_CONTAMINATION * 100));
    await entry.press('Tab');
    await expect.poll(flagged).toBe(initial);
    expect(await page.evaluate(() => (window as any).isoscope.model.threshold)).toEqual(own);
    for (const bad of ['60', '0', '-1', '5e-1', '1,000.5', 'half']) {
      await entry.fill(bad);
      await entry.press('Tab');
      await expect
        .poll(() => page.getByTestId('contamination-entry-error').textContent())
        .toBe('Contamination must be a percentage from 0.1 to 50; the threshold is unchanged.');
      expect(await page.evaluate(() => (window as any).isoscope.contamination)).toBe(DEFAULT_CONTAMINATION);
    }
    // A decimal comma is a point (a number box dropped it: "0,5" became 5%); the arrows step a tenth.
    await entry.fill('0,5');
    await entry.press('Tab');
    await expect.poll(() => page.evaluate(() => (window as any).isoscope.contamination)).toBe(0.005);
    expect(await page.getByTestId('contamination-entry-error').textContent()).toBe('');
    await entry.press('ArrowUp');
    await expect.poll(() => page.evaluate(() => (window as any).isoscope.contamination)).toBe(0.006);
    expect(await entry.getAttribute('aria-valuenow')).toBe('0.6');
    // Finer than a slider step, as typed.
    await entry.fill('0.25');
    await entry.press('Tab');
    await expect.poll(() => page.evaluate(() => (window as any).isoscope.contamination)).toBe(0.0025);
    await slider.fill('199'); // where the tests after this one expect it
    await expect.poll(() => entry.inputValue()).toBe('19.9');
    expect(await page.getByTestId('contamination-entry-error').textContent()).toBe('');
  });

  test('clicking a reading opens its explanation', async () => {
    const unit = await page.evaluate(() => (window as any).isoscope.selectedUnit as number);
    const chart = page.getByTestId('score-chart').locator('.u-over');
    const box = await chart.boundingBox();
    if (!box) throw new Error('the score chart is not on screen');
    // The first click focuses the chart as well: it must explain the reading under the pointer, not the
    // keyboard cursor's start (the last reading), so it is made far from the end.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
    const cycleLegend = page.getByTestId('score-chart').locator('.u-legend .u-series').first().locator('.u-value');
    await expect.poll(() => cycleLegend.textContent()).toMatch(/^\d+$/);
    const hovered = await cycleLegend.textContent();
    await page.mouse.click(box.x + box.width * 0.4, box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('explain-summary').textContent()).toContain(`unit ${unit} · cycle ${hovered} ·`);
    await page.mouse.move(box.x + box.width * 0.97, box.y + box.height / 2);
    await page.mouse.click(box.x + box.width * 0.97, box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('explain-summary').textContent()).toMatch(new RegExp(`unit ${unit} · cycle \\d+`));
    // A typical reading's depth comes from the training scores, not c(ψ), the depth that scores 0.5.
    const ex = page.getByTestId('explain-summary').locator('xpath=following-sibling::p[1]');
    expect(await ex.textContent()).toMatch(/against about 1[1-9]\.\d\d for a typical training reading/);
    await expect(page.getByRole('list', { name: 'Feature attribution' }).locator('li').count()).resolves.toBe(14);
    // The summary's sensors carry their bars' sum, largest first: the figure says why one may lead the longest bar.
    const { named, bars } = await page.evaluate(() => {
      const drivers = document.querySelector('.explain-body p.drivers')!;
      const named = [...drivers.querySelectorAll('strong')].map(
        (b) => [b.textContent, Number(/\(\+([\d.]+)\)/.exec(b.nextSibling!.textContent!)![1])] as const,
      );
      const bars = [...document.querySelectorAll('ol.attribution li')].map(
        (li) => [li.querySelector('.name strong')!.textContent, Number(li.querySelector('.num')!.textContent)] as const,
      );
      return { named, bars };
    });
    expect(named.length).toBe(3);
    for (const [label, sum] of named) {
      const own = bars.filter(([l]) => l === label).reduce((a, [, v]) => a + v, 0);
      expect(Math.abs(own - sum), `${label}`).toBeLessThan(0.01);
    }
    expect(named.map(([, v]) => v)).toEqual(named.map(([, v]) => v).sort((a, b) => b - a));
    // The pointer gone, the legend reads the chosen reading, not "--".
    await page.mouse.move(0, 0);
    const legend = page.getByTestId('score-chart').locator('.u-legend .u-series');
    await expect.poll(() => legend.first().locator('.u-value').textContent()).toMatch(/^\d+$/);
    await expect.poll(() => legend.nth(1).locator('.u-value').textContent()).toMatch(/^-?\d+\.\d+$/);
  });

  test('export the model, import it back: same scores', async () => {
    const before = await page.evaluate(() => Array.from((window as any).isoscope.scores as Float64Array));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export model' }).click()]);
    const text = readFileSync(await download.path(), 'utf8');
    const model = JSON.parse(text);
    expect(model.format).toBe('isoscope-model');
    expect(model.threshold.contamination).toBe(0.199);
    await page.locator('#model-input').setInputFiles({ name: 'exported.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await expect.poll(() => statusText('train')).toMatch(/Imported model .* from exported\.json/);
    const after = await page.evaluate(() => Array.from((window as any).isoscope.scores as Float64Array));
    expect(after).toEqual(before);

    // Export scores writes the CLI's file: same columns, signs and alarm column, named after the data and the model.
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export scores' }).click()]);
    expect(csvDownload.suggestedFilename()).toBe(`train_FD001-${model.id}-threshold-${(-model.threshold.offset).toFixed(4)}-scores.csv`);
    const dir = mkdtempSync(join(tmpdir(), 'isoscope-export-'));
    writeFileSync(join(dir, 'model.json'), text);
    execFileSync('node', [BIN, 'score', cmapssPath('train_FD001.txt'), '--model', join(dir, 'model.json'), '-o', join(dir, 'cli.csv')]);
    const pageCsv = readFileSync(await csvDownload.path(), 'utf8');
    expect(pageCsv.split('\n')[0]).toBe('row,unit_number,time_in_cycles,score,decision,is_anomaly,alarm,anomaly_score');
    expect(pageCsv).toBe(readFileSync(join(dir, 'cli.csv'), 'utf8'));
  });

  test('replay streams the data through the worker, raises debounced alarms, pauses and resumes', async () => {
    await page.getByText('Replay as a stream').click(); // folded until used
    await page.getByRole('combobox', { name: 'Replay rate' }).selectOption('10000');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => page.getByTestId('live-state').textContent()).toBe('playing');
    await expect
      .poll(() => page.getByRole('list', { name: 'Alert feed' }).locator('li.raised').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    const rate = Number((await page.getByTestId('live-rate').textContent())!.replace(/,/g, ''));
    expect(rate).toBeGreaterThan(5000);
    expect(rate).toBeLessThan(15000);
    expect(await statusText('stream')).toMatch(/^Replaying train_FD001\.txt at 10,000 readings\/s /);
    // The line under the controls follows the rate control and the state, not only the start.
    await page.getByRole('combobox', { name: 'Replay rate' }).selectOption('100');
    await expect.poll(() => statusText('stream')).toMatch(/^Replaying train_FD001\.txt at 100 readings\/s /);
    await page.getByRole('combobox', { name: 'Replay rate' }).selectOption('10000');
    await expect.poll(() => statusText('stream')).toMatch(/^Replaying train_FD001\.txt at 10,000 readings\/s /);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.getByTestId('live-state').textContent()).toBe('paused');
    expect(await statusText('stream')).toMatch(/^Replay paused\./);
    // An update the worker sent just before pausing may still land: wait until the count holds.
    const count = () => page.getByTestId('live-processed').textContent();
    let paused = await count();
    await expect
      .poll(async () => {
        const last = paused;
        paused = await count();
        return paused === last;
      })
      .toBe(true);
    await page.waitForTimeout(400);
    expect(await page.getByTestId('live-processed').textContent()).toBe(paused);
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => page.getByTestId('live-state').textContent(), { timeout: 10_000 }).toBe('finished');
    expect(await page.getByTestId('live-processed').textContent()).toBe('20,631 of 20,631');
    // A fleet's readings arrive interleaved: dots for all, a line only through the open unit's (one line joined units).
    const open = await page.evaluate(() => (window as any).isoscope.units.name((window as any).isoscope.selectedUnit));
    expect(await page.getByTestId('live-key').textContent()).toBe(
      `Dots: every unit’s readings as they arrive, red over the threshold. Line: unit ${open}, the unit open in step 4.`,
    );
    const line = await page.evaluate(() => {
      const wb = (window as any).isoscope;
      const [, all, , own] = wb.replay.window.series(wb.selectedUnit);
      return { all: all.filter((v: number | null) => v !== null).length, own: own.filter((v: number | null) => v !== null).length };
    });
    expect(line.own).toBeGreaterThan(0);
    expect(line.own).toBeLessThan(line.all / 10);
    // Every alarm the feed shows obeys the model's rule, 5 of 8: the unit had >= 5 flagged readings among its last 8.
    const check = await page.evaluate(() => {
      const wb = (window as any).isoscope;
      const unit = wb.data.truth.columns.find((c: any) => c.role === 'unit').values;
      const time = wb.data.truth.columns.find((c: any) => c.role === 'time').values;
      const flags = wb.threshold.thresholded.flags;
      return wb.replay.alerts
        .filter((a: any) => a.kind === 'raised')
        .slice(0, 20)
        .map((a: any) => {
          let count = 0;
          for (let i = 0; i < unit.length; i++) if (unit[i] === a.unit && time[i] <= a.time && time[i] > a.time - 8) count += flags[i];
          return count;
        });
    });
    expect(check.length).toBeGreaterThan(0);
    for (const c of check) expect(c).toBeGreaterThanOrEqual(5);
    // Alarms also clear by the model's rule (at 1 of 8 or fewer), as `isoscope score`'s alarm column does.
    expect(await statusText('stream')).toMatch(/Replay finished: .* alarm changes\./);
    const edges = await page.evaluate(() => {
      const wb = (window as any).isoscope;
      const unit = wb.data.truth.columns.find((c: any) => c.role === 'unit').values;
      const flags = wb.threshold.thresholded.flags;
      const count = (clear: number) => {
        let changes = 0;
        for (let i = 0; i < unit.length;) {
          let j = i;
          const ring: number[] = [];
          let on = false;
          for (; j < unit.length && unit[j] === unit[i]; j++) {
            ring.push(flags[j]);
            if (ring.length > 8) ring.shift();
            const k = ring.reduce((a, b) => a + b, 0);
            if (on ? k <= clear : k >= 5) {
              on = !on;
              changes++;
            }
          }
          i = j;
        }
        return changes;
      };
      return { replayed: wb.replay.alertCount, clearAt1: count(1), clearAt0: count(0) };
    });
    expect(edges.replayed).toBe(edges.clearAt1);
    await page.locator('.live').screenshot({ path: 'test-results/replay.png' });
  });

  test('a garbage file gives a specific error and the loaded data stays', async () => {
    const before = await page.evaluate(() => (window as any).isoscope.scores.length);
    await dropFiles(page, [{ name: 'garbage.bin', content: Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256) }]);
    await expect.poll(() => errorText()).toMatch(/Could not load garbage\.bin: .*binary file/);
    expect(await page.evaluate(() => (window as any).isoscope.data.name)).toBe('train_FD001.txt');
    expect(await page.evaluate(() => (window as any).isoscope.scores.length)).toBe(before);
    await dropFiles(page, [{ name: 'bad-model.json', content: '{"format":"isoscope-model","version":7}' }]);
    await expect.poll(() => errorText('train')).toMatch(/Could not import bad-model\.json: model version 7 is not supported/);
    expect(await page.evaluate(() => (window as any).isoscope.scores.length)).toBe(before);
  });

  test('a large file streams with progress and can be cancelled, keeping the loaded data', async () => {
    const before = await page.evaluate(() => (window as any).isoscope.data.rows);
    const text = readFileSync(cmapssPath('train_FD001.txt'), 'utf8');
    await page.evaluate((t) => {
      // ~140 MB of C-MAPSS text built from one string, so the test does not ship it.
      const big = new File(
        Array.from({ length: 40 }, () => t),
        'train_BIG.txt',
      );
      void (window as any).isoscope.loadFiles([big]);
    }, text);
    await expect
      .poll(() => page.getByRole('progressbar', { name: 'Loading progress' }).evaluate((el) => (el as HTMLProgressElement).value), {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Cancel' }).click();
    // The user's own cancel is news, not an error.
    await expect.poll(() => statusText(), { timeout: 10_000 }).toMatch(/Cancelled loading train_BIG\.txt\. Still showing train_FD001\.txt/);
    expect(await errorText()).toBe('');
    expect(await page.evaluate(() => (window as any).isoscope.data.rows)).toBe(before);
    expect(await page.evaluate(() => (window as any).isoscope.busy)).toBe('');
  });

  test('a reload restores the session: data, features, model and threshold; Clear saved session forgets it', async () => {
    await page.getByText('Columns and features').click(); // folded after training
    await page.getByRole('checkbox', { name: 'Use Nc (sensor 9) as a feature' }).uncheck();
    const slider = page.getByRole('slider', { name: 'Contamination' });
    await slider.fill('42');
    await page.getByRole('button', { name: 'Train' }).click();
    await expect.poll(() => statusText('train'), { timeout: 30_000 }).toMatch(/Trained on/);
    const before = await page.evaluate(() => {
      const wb = (window as any).isoscope;
      return { id: wb.model.id, offset: wb.model.threshold.offset, flagged: wb.threshold.thresholded.flagged, features: wb.model.features };
    });
    expect(before.features).not.toContain('sensor_9');
    // The state is saved (400 ms after the last change) once drawing is done: wait until IndexedDB has this model.
    // A unit other than the most urgent one, chosen by the user, comes back after the reload.
    const chosen = await page.evaluate(() => {
      const wb = (window as any).isoscope;
      const unit = wb.threshold.thresholded.units.units.find((u: number) => u !== wb.selectedUnit);
      wb.selectUnit(unit);
      return unit as number;
    });
    const saved = () =>
      page.evaluate(
        () =>
          new Promise<string>((ok) => {
            const open = indexedDB.open('isoscope');
            open.onsuccess = () => {
              const get = open.result.transaction('session').objectStore('session').get('state');
              get.onsuccess = () => {
                ok(`${get.result?.model?.id ?? ''} ${get.result?.selectedUnit}`);
                open.result.close();
              };
            };
          }),
      );
    await expect.poll(saved, { timeout: 30_000 }).toBe(`${before.id} ${chosen}`);
    await page.reload();
    await expect.poll(statusText, { timeout: 30_000 }).toMatch(/Restored your last session/);
    const after = await page.evaluate(() => {
      const wb = (window as any).isoscope;
      return { id: wb.model.id, offset: wb.model.threshold.offset, flagged: wb.threshold.thresholded.flagged, features: wb.model.features };
    });
    expect(after).toEqual(before);
    expect(await page.evaluate(() => (window as any).isoscope.selectedUnit)).toBe(chosen);
    expect(await page.getByRole('checkbox', { name: 'Use Nc (sensor 9) as a feature' }).isChecked()).toBe(false);
    expect(await slider.inputValue()).toBe('42');
    // A file chosen while the session is being restored waits for it: the model is adopted first,
    // and kept for the new file (it landed between the saved data and its model, which was lost).
    const cdp = await page.context().newCDPSession(page);
    await page.reload();
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 10 });
    await expect
      .poll(() => page.evaluate(() => !!(window as any).isoscope?.session?.restoring), { timeout: 30_000, interval: 10 })
      .toBe(true);
    await page.locator('#file-input').setInputFiles(cmapssPath('test_FD001.txt'));
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await expect.poll(() => page.evaluate(() => (window as any).isoscope.data?.name), { timeout: 60_000 }).toBe('test_FD001.txt');
    await expect.poll(() => page.evaluate(() => (window as any).isoscope.model?.id), { timeout: 30_000 }).toBe(before.id);
    await expect.poll(saved, { timeout: 30_000 }).toMatch(new RegExp(`^${before.id} `));
    await cdp.detach();
    await page.getByRole('button', { name: 'Clear saved session' }).click();
    await expect.poll(() => statusText('session')).toMatch(/Cleared the saved session/);
    expect(await statusText('data')).not.toMatch(/Restored your last session/);
    await page.reload();
    await page.waitForTimeout(1000);
    expect(await page.evaluate(() => (window as any).isoscope.data)).toBeUndefined();
    // A model file chosen before any data is checked at once, and scores the first data loaded.
    await page
      .locator('#model-input')
      .setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format"') });
    await expect.poll(() => errorText('train')).toMatch(/^Could not import broken\.json: model file is not valid JSON/);
    const shipped = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'models', 'fd001-baseline.json'), 'utf8'));
    await page.locator('#model-input').setInputFiles(join(import.meta.dirname, '..', '..', 'models', 'fd001-baseline.json'));
    await expect
      .poll(() => statusText('train'))
      .toBe(`Model ${shipped.id} (trained on train_FD001.txt) from fd001-baseline.json will score the data you load next (step 1).`);
    // The model line under the message agrees with it ("No model yet." said the opposite).
    expect(await page.locator('#train .model-line').textContent()).toBe(
      `Model ${shipped.id} from fd001-baseline.json is waiting for data.`,
    );
    // Back to a loaded, trained state for the screenshots.
    await page.getByRole('button', { name: 'Load sample' }).click();
    await expect.poll(statusText, { timeout: 30_000 }).toMatch(/Loaded/);
    await expect.poll(() => statusText('train'), { timeout: 30_000 }).toBe(`Imported model ${shipped.id} from fd001-baseline.json.`);
    expect(await page.evaluate(() => (window as any).isoscope.model.id)).toBe(shipped.id);
    await page.getByRole('button', { name: 'Train' }).click();
    await expect.poll(() => statusText('train'), { timeout: 30_000 }).toMatch(/Trained on/);
  });

  test('screenshots of the main views at 1280×800 and on a large screen', async () => {
    await page.screenshot({ path: 'test-results/workbench-1280.png' });
    // Nothing overflows the viewport horizontally at either size (charts follow their container on a later frame).
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    await page.setViewportSize({ width: 2200, height: 1300 });
    await expect.poll(fits, { timeout: 5000 }).toBe(true);
    await page.screenshot({ path: 'test-results/workbench-2200.png' });
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(fits, { timeout: 5000 }).toBe(true);
  });

  test('the step marked is the one in view: Data at the top of a trained page, each step as its link is followed', async () => {
    const marked = () => page.evaluate(() => document.querySelector('.steps a[aria-current]')?.textContent?.replace(/^\d/, ''));
    await page.evaluate(() => window.scrollTo(0, 0));
    // Was "Stream and Connect", the first step not done, with the Data step in view.
    await expect.poll(marked).toBe('Data');
    for (const step of ['Quality', 'Train', 'Review', 'Stream and Connect', 'Data']) {
      await page.locator('.steps a', { hasText: step }).click();
      await expect.poll(marked).toBe(step);
      // The bar stays on screen and the section comes to rest below it, not under it.
      const [barBottom, top] = await page.evaluate(
        (id) => {
          const bar = document.querySelector('.topbar')!.getBoundingClientRect();
          return [bar.bottom, document.querySelector(id)!.getBoundingClientRect().top];
        },
        `#${step === 'Stream and Connect' ? 'stream' : step.toLowerCase()}`,
      );
      expect(barBottom).toBeGreaterThan(0);
      if (step !== 'Stream and Connect') expect(top).toBeGreaterThanOrEqual(barBottom);
    }
    // Scrolled by the reader: a step showing only its last lines is read; the one filling the view is marked.
    await page.waitForTimeout(400);
    await page.evaluate(() => {
      const bar = document.querySelector('.topbar')!.getBoundingClientRect().bottom;
      window.scrollBy(0, document.getElementById('review')!.getBoundingClientRect().top - bar - 120);
    });
    await expect.poll(marked).toBe('Review');
  });

  test('on a phone the fleet board shows each unit’s drivers whole, on a second line', async () => {
    // The unit the keys are on, far down the list, stays in view as the rows change height.
    await page.locator('.fleet-list').focus();
    await page.keyboard.press('End');
    const activeInView = () =>
      page.evaluate(() => {
        const list = document.querySelector('.fleet-list')!.getBoundingClientRect();
        const row = document.querySelector('.fleet-row.active:not([hidden])')?.getBoundingClientRect();
        return !!row && row.top >= list.top - 1 && row.bottom <= list.bottom + 1;
      });
    expect(await activeInView()).toBe(true);
    const firstRowHeight = () =>
      page
        .locator('.fleet-row:not([hidden])')
        .first()
        .evaluate((r) => r.getBoundingClientRect().height);
    await page.setViewportSize({ width: 390, height: 844 });
    const cut = () =>
      page.evaluate(
        () =>
          [...document.querySelectorAll<HTMLElement>('.fleet-row:not([hidden]) .c-drivers')].filter((c) => c.scrollWidth > c.clientWidth)
            .length,
      );
    await expect.poll(firstRowHeight).toBe(48);
    expect(await page.locator('.fleet-row:not([hidden]) .c-drivers').first().textContent()).toMatch(/\w/);
    expect(await cut()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await expect.poll(activeInView).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(firstRowHeight).toBe(30);
    await expect.poll(activeInView).toBe(true);
  });
});
