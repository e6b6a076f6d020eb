// A focused run of bench:browser's slider figures (issue 15): FD001 (20,631 rows) and a
// generated C-MAPSS file (default 6M readings, about 1 GB; ROWS=… to change), in Chromium
// against a production build. Also the main thread's cost of adopting scores (the row-pass
// budget and the first frame; the index is built in a worker after the scores are drawn),
// how long the index takes to be in use, a frame before it (a row pass) and after it, and
// the slider measured as bench:browser does. SHOT=path.png saves the page after the
// slider's last move on the big file.
// Run: npm run build:cli && node dist/bench/slider-browser.js
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { packageRoot } from '../src/engine/node-engine.js';
import { writeBigCmapss } from './big-file.js';
import { sliderMedian } from './slider-median.js';
import { startBuiltWorkbench } from './built-workbench.js';

const root = packageRoot();
const fd001 = join(root, '..', 'shared', 'data', 'cmapss', 'train_FD001.txt');
const load = () => `[load ${loadavg()[0].toFixed(2)}]`;

/** Slider → redraw as bench:browser measures it. */
async function slider(page: Page): Promise<string> {
  const r = await sliderMedian(page);
  return `${r.total.toFixed(1)} ms (script ${r.sync.toFixed(1)} ms) ${load()}`;
}

/** Of a frame's script: the budget's re-threshold and the evaluation (the rest is the views' re-render). */
async function parts(page: Page): Promise<string> {
  const r = await page.evaluate(() => {
    const th = (window as any).isoscope.threshold;
    const budget: number[] = [];
    const evaluation: number[] = [];
    for (let i = 0; i < 40; i++) {
      const offset = th.budget.offsetFor(0.005 + i * 0.01);
      const t0 = performance.now();
      th.thresholded = th.budget.apply(offset);
      const t1 = performance.now();
      th.evaluate();
      evaluation.push(performance.now() - t1);
      budget.push(t1 - t0);
    }
    const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
    return { budget: med(budget), evaluation: med(evaluation) };
  });
  return `budget ${r.budget.toFixed(1)} ms, evaluation ${r.evaluation.toFixed(1)} ms ${load()}`;
}

/** The main thread's part of adopting scores, as a model import pays it; then how long until the worker's index is in use. */
async function adopt(page: Page): Promise<string> {
  const ms = await page.evaluate(() => {
    const wb = (window as any).isoscope;
    const t0 = performance.now();
    wb.threshold.adopt(wb.model, wb.scores, 'imported');
    return performance.now() - t0;
  });
  const main = `${ms.toFixed(0)} ms on the main thread ${load()}`;
  return `${main}; index in use ${await indexed(page)}`;
}

/** Waits for the slider's index to be in use; says how long after the call. */
async function indexed(page: Page): Promise<string> {
  const t0 = Date.now();
  await page.waitForFunction(() => (window as any).isoscope.threshold.indexed, null, { timeout: 900_000 });
  return `${((Date.now() - t0) / 1000).toFixed(2)} s later ${load()}`;
}

/** One frame's synchronous script right now (before the index: a row pass). */
async function oneFrame(page: Page): Promise<string> {
  const r = await page.evaluate(() => {
    const wb = (window as any).isoscope;
    const t0 = performance.now();
    wb.threshold.set(0.05);
    return { ms: performance.now() - t0, indexed: wb.threshold.indexed as boolean };
  });
  return `${r.ms.toFixed(0)} ms (${r.indexed ? 'indexed' : 'row pass'}) ${load()}`;
}

async function main(): Promise<void> {
  const { url, browser, close } = await startBuiltWorkbench();
  const dir = mkdtempSync(join(tmpdir(), 'isoscope-slider-'));
  try {
    let page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(900_000);
    await page.goto(url);
    await page.waitForFunction(() => (window as any).isoscope);
    await page.evaluate(
      async (content) => {
        const wb = (window as any).isoscope;
        await wb.loadFiles([new File([content], 'train_FD001.txt')]);
        await wb.train();
      },
      readFileSync(fd001, 'utf8'),
    );
    console.log(`FD001 slider index in use ${await indexed(page)}`);
    console.log(`FD001 slider → redraw (median): ${await slider(page)}`);
    console.log(`FD001 adopt: ${await adopt(page)}`);
    console.log(`FD001 of which (median) ${await parts(page)}`);
    const asked = Number(process.env.ROWS ?? 6_000_000);
    if (!asked) return; // ROWS=0: FD001 only
    const big = join(dir, 'train_GIG.txt');
    const rows = await writeBigCmapss(fd001, big, asked); // whole units: about `asked`
    await page.close();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } }); // a fresh tab, as bench:browser's 1 GB section
    page.setDefaultTimeout(900_000);
    await page.goto(url);
    await page.waitForFunction(() => (window as any).isoscope);
    await page.locator('#file-input').setInputFiles(big);
    await page.waitForFunction((n) => (window as any).isoscope.data?.rows === n || (window as any).isoscope.error, rows, {
      timeout: 900_000,
    });
    const model = readFileSync(join(root, 'models', 'fd001-baseline.json'), 'utf8');
    const imported = await page.evaluate(async (m) => {
      const wb = (window as any).isoscope;
      const t0 = performance.now();
      await wb.importModel(m, 'fd001-baseline.json');
      if (!wb.scores) throw new Error(wb.error);
      return performance.now() - t0;
    }, model);
    console.log(`${rows} rows: import model → scores on the page: ${(imported / 1000).toFixed(2)} s ${load()}`);
    console.log(`${rows} rows: a frame right after: ${await oneFrame(page)}`);
    console.log(`${rows} rows: slider index in use ${await indexed(page)}`);
    console.log(`${rows} rows: slider → redraw (median): ${await slider(page)}`);
    console.log(`${rows} rows: of which (median) ${await parts(page)}`);
    console.log(`${rows} rows: adopt: ${await adopt(page)}`);
    if (process.env.SHOT) {
      await page.evaluate(() => (window as any).isoscope.threshold.set(0.08));
      await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
      await page.screenshot({ path: process.env.SHOT, fullPage: true });
      console.log(`${rows} rows: page after the slider moved to 8%: ${process.env.SHOT}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await close();
  }
}

await main();
