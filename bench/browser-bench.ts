// npm run bench:browser: the workbench's floors (issue 3), measured in headless
// Chromium against a production build on loopback:
//  - FD001: drop -> profile -> train -> scores drawn < 1.5 s; slider -> redraw < 16 ms median
//  - a 1,000,000-row C-MAPSS file: parse + profile < 8 s, score < 2 s, tab memory < 1.5 GB
//  - replay: >= 200,000 readings/s scored in the worker with the page animating;
//    frame time p95 < 20 ms at 10,000 readings/s rendered
//  - Persist: 13,096 readings published at full speed, all in Cosmos DB within 30 s (persist-bench.ts)
//  - a 1 GB C-MAPSS file (about 6M readings), in a fresh tab: parse + profile <= 10 s, train,
//    score <= 3 s on all engine workers, renderer memory (peak) <= 3 GB, slider <= 16 ms
// Sliders are measured once the slider's index (built in a worker after the scores are
// drawn) is in use; the time it takes is printed, and memory is read after it.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { packageRoot } from '../src/engine/node-engine.js';
import { warmFile, writeBigCmapss } from './big-file.js';
import { sliderMedian } from './slider-median.js';
import { startBuiltWorkbench } from './built-workbench.js';
import { persistFloor } from './persist-bench.js';

const root = packageRoot();
const fd001 = join(root, '..', 'shared', 'data', 'cmapss', 'train_FD001.txt');
const results: { name: string; value: string; ok: boolean }[] = [];
// The machine may be shared: each figure says how busy it was (1-minute load average).
const record = (name: string, figure: string, ok: boolean) => {
  const value = `${figure} [load ${loadavg()[0].toFixed(2)}]`;
  results.push({ name, value, ok });
  console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${name}: ${value}`);
};

/**
 * Resident memory of this bench's Chromium renderer processes (the tab and its workers), in
 * MB: only processes descended from this one, as other Chromiums may run on the machine.
 * Read from /proc, not by running ps: sampled four times a second during the timed loads, a
 * ps run (about 21 ms each, against 8 ms here) took a share of the two cores the figures are about.
 */
function rendererRssMb(): number {
  const parent = new Map<string, string>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = readProc(pid, 'stat');
    // "pid (name) state ppid …": the name may hold spaces and parentheses.
    if (stat) parent.set(pid, stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  const ours = new Set([String(process.pid)]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parent) if (ours.has(ppid) && !ours.has(pid)) grew = !!ours.add(pid);
  }
  let kb = 0;
  for (const pid of ours) {
    if (!readProc(pid, 'cmdline')?.includes('--type=renderer')) continue;
    kb += Number(/VmRSS:\s+(\d+) kB/.exec(readProc(pid, 'status') ?? '')?.[1] ?? 0);
  }
  return kb / 1024;
}

/** A /proc file's text, or undefined once the process has gone. */
function readProc(pid: string, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'latin1');
  } catch {
    return undefined;
  }
}

/** Starts sampling frame intervals in the page; the returned function stops and gives p95. */
async function frameProbe(page: Page): Promise<() => Promise<{ p95: number; frames: number }>> {
  await page.evaluate(() => {
    const w = window as any;
    w.__frames = [];
    w.__framesOn = true;
    let last = performance.now();
    const loop = (t: number) => {
      w.__frames.push(t - last);
      last = t;
      if (w.__framesOn) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
  return async () =>
    page.evaluate(() => {
      const w = window as any;
      w.__framesOn = false;
      const f = (w.__frames as number[]).slice(1).sort((a, b) => a - b);
      return { p95: f[Math.floor(f.length * 0.95)] ?? NaN, frames: f.length };
    });
}

/**
 * Waits until the slider's index (built in its worker after the scores are drawn) is in use;
 * gives the ms from the end of `t0`'s import to then. Until it is, slider frames are row passes.
 */
async function indexReady(page: Page): Promise<number> {
  await page.waitForFunction(() => (window as any).isoscope.threshold.indexed, null, { timeout: 600_000 });
  return page.evaluate(() => (window as any).__indexedAt - (window as any).__importedAt);
}

/** Marks when the next import finishes and when the slider index after it is in use. */
async function watchIndex(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as any;
    w.__indexedAt = NaN;
    w.isoscope.on('slider-index', () => (w.__indexedAt = performance.now()));
  });
}

/** Samples the renderers' resident memory until stopped; gives the peak in MB. */
function memoryPeak(): () => number {
  let peak = rendererRssMb();
  const timer = setInterval(() => (peak = Math.max(peak, rendererRssMb())), 250);
  return () => {
    clearInterval(timer);
    return Math.max(peak, rendererRssMb());
  };
}

/** The 1 GB section: a fresh tab loads, profiles, trains and scores about 6M readings. */
async function gigabyteFile(browser: Browser, url: string, dir: string): Promise<void> {
  console.log('\n1 GB file (about 6M readings) in a fresh tab');
  const big = join(dir, 'train_GIG.txt');
  const rows = await writeBigCmapss(fd001, big, 6_000_000);
  const warm = warmFile(big);
  console.log(
    `  (generated ${rows.toLocaleString('en-US')} rows, ${(statSync(big).size / 1e6).toFixed(0)} MB; read once before timing, ${warm.toFixed(1)} s)`,
  );
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(600_000);
  await page.goto(url);
  await page.waitForFunction(() => (window as any).isoscope);
  const peak = memoryPeak();
  const peakLoading = memoryPeak();
  await page.evaluate(() => {
    const wb = (window as any).isoscope;
    wb.on('data', () => ((window as any).__loadedAt = performance.now()));
    (window as any).__loadStart = performance.now();
  });
  await page.locator('#file-input').setInputFiles(big);
  await page.waitForFunction((n) => (window as any).isoscope.data?.rows === n || (window as any).isoscope.error, rows, {
    timeout: 600_000,
  });
  const failed = await page.evaluate(() => ((window as any).isoscope.data ? '' : String((window as any).isoscope.error)));
  if (failed) {
    record('1 GB: parse + profile', `failed: ${failed}`, false);
    return void (await page.close());
  }
  const parse = await page.evaluate(() => (window as any).__loadedAt - (window as any).__loadStart);
  const loadPeak = peakLoading();
  record('1 GB: parse + profile', `${(parse / 1000).toFixed(2)} s`, parse <= 10_000);
  record('1 GB: renderer memory while loading (peak; no floor)', `${loadPeak.toFixed(0)} MB`, true);
  // The data is shown while the files are still being saved for a reload (the page stays busy
  // loading): Train before then is refused, as it is for a user.
  await page.waitForFunction(() => !(window as any).isoscope.busy, null, { timeout: 600_000 });
  const saved = await page.evaluate(() => performance.now() - (window as any).__loadedAt);
  record('1 GB: files saved for a reload, after the data is shown (no floor)', `${(saved / 1000).toFixed(2)} s`, true);
  const peakTraining = memoryPeak();
  const train = await page.evaluate(async () => {
    const wb = (window as any).isoscope;
    const t0 = performance.now();
    await wb.train();
    if (!wb.scores) throw new Error(wb.error);
    return performance.now() - t0;
  });
  record('1 GB: train → scores on the page (no floor)', `${(train / 1000).toFixed(2)} s`, true);
  record('1 GB: renderer memory while training (peak; no floor)', `${peakTraining().toFixed(0)} MB`, true);
  const peakScoring = memoryPeak();
  const model = readFileSync(join(root, 'models', 'fd001-baseline.json'), 'utf8');
  // The trained model's drivers and data check run on the primary engine after its scores are
  // drawn; an import queued behind them would time them too. Timed apart, no floor.
  const background = await page.evaluate(async () => {
    const wb = (window as any).isoscope;
    const t0 = performance.now();
    while (!(wb.models.drivers && wb.dataCheck) && performance.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 50));
    return performance.now() - t0;
  });
  record("1 GB: trained model's drivers and data check done, after its scores (no floor)", `${(background / 1000).toFixed(2)} s`, true);
  await watchIndex(page);
  const score = await page.evaluate(async (m) => {
    const wb = (window as any).isoscope;
    const t0 = performance.now();
    await wb.importModel(m, 'fd001-baseline.json');
    if (!wb.scores) throw new Error(wb.error);
    (window as any).__importedAt = performance.now();
    return { ms: performance.now() - t0, parts: wb.workers.lastScoreParts as number, phases: wb.models.lastImportMs };
  }, model);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  record(
    '1 GB: score (import model → scores on the page)',
    `${s(score.ms)} on ${score.parts} engine workers (load ${s(score.phases.load)}, score ${s(score.phases.score)}, threshold and evaluation ${s(score.phases.adopt)})`,
    score.ms <= 3000,
  );
  record('1 GB: renderer memory while importing and scoring (peak; no floor)', `${peakScoring().toFixed(0)} MB`, true);
  // The ranking against the ground truth (a sort of every score) runs once the scores are painted.
  const evaluated = await page.evaluate(async () => {
    const wb = (window as any).isoscope;
    while (!wb.threshold.evaluation) await new Promise((r) => setTimeout(r, 20));
    return performance.now() - (window as any).__importedAt;
  });
  record('1 GB: evaluation shown, after the scores (no floor)', `${(evaluated / 1000).toFixed(2)} s`, true);
  const ready = await indexReady(page);
  record('1 GB: slider index in use, after the scores (built in a worker; no floor)', `${(ready / 1000).toFixed(2)} s`, true);
  const mem = peak();
  record('1 GB: renderer memory (peak RSS, tab and workers)', `${mem.toFixed(0)} MB`, mem <= 3072);
  const slider = await sliderMedian(page);
  record('1 GB: slider → redraw (median)', `${slider.total.toFixed(1)} ms`, slider.total <= 16);
  await page.close();
}

async function main(): Promise<void> {
  console.log('building the workbench…');
  const { url, browser, close } = await startBuiltWorkbench();
  const dir = mkdtempSync(join(tmpdir(), 'isoscope-bench-'));
  try {
    // `-- --gigabyte`: only the 1 GB section (it alone takes minutes).
    if (process.argv.includes('--gigabyte')) return await gigabyteFile(browser, url, dir);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await page.waitForFunction(() => (window as any).isoscope);

    console.log('\nFD001 (20,631 rows) in Chromium');
    const text = readFileSync(fd001, 'utf8');
    const times: number[] = [];
    for (let r = 0; r < 5; r++) {
      times.push(
        await page.evaluate(async (content) => {
          const wb = (window as any).isoscope;
          const t0 = performance.now();
          await wb.loadFiles([new File([content], 'train_FD001.txt')]);
          await wb.train();
          await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
          if (!wb.threshold.thresholded) throw new Error(wb.error);
          return performance.now() - t0;
        }, text),
      );
    }
    times.sort((a, b) => a - b);
    record('drop → profile → train → scores drawn (median of 5)', `${times[2].toFixed(0)} ms`, times[2] < 1500);

    // A slider move costs its synchronous re-threshold and re-render plus the style,
    // layout and paint of the frame that shows it (from that frame's rAF callback to a
    // task queued inside it, which runs once the frame is painted). Waiting for the next
    // rAF would measure the display's frame period instead.
    await page.waitForFunction(() => (window as any).isoscope.threshold.indexed);
    const slider = await sliderMedian(page);
    record(
      'slider → redraw (median: re-threshold, re-render, style, layout, paint)',
      `${slider.total.toFixed(1)} ms (of which script ${slider.sync.toFixed(1)} ms)`,
      slider.total < 16,
    );

    console.log('\n1,000,000-row C-MAPSS file in Chromium');
    const big = join(dir, 'train_BIG.txt');
    const rows = await writeBigCmapss(fd001, big, 1_000_000);
    console.log(`  (generated ${rows.toLocaleString('en-US')} rows, ${(statSync(big).size / 1e6).toFixed(0)} MB)`);
    await page.evaluate(() => {
      const wb = (window as any).isoscope;
      wb.on('data', () => ((window as any).__loadedAt = performance.now()));
    });
    const stopFrames = await frameProbe(page);
    await page.evaluate(() => ((window as any).__loadStart = performance.now()));
    await page.locator('#file-input').setInputFiles(big);
    await page.waitForFunction(() => (window as any).isoscope.data?.rows > 1_000_000 - 1 && !(window as any).isoscope.busy, null, {
      timeout: 120_000,
    });
    const parse = await page.evaluate(() => (window as any).__loadedAt - (window as any).__loadStart);
    const loadFrames = await stopFrames();
    record('parse + profile', `${(parse / 1000).toFixed(2)} s`, parse < 8000);
    record(
      'page stays responsive while parsing (frame p95)',
      `${loadFrames.p95.toFixed(1)} ms over ${loadFrames.frames} frames`,
      loadFrames.p95 < 50,
    );
    const model = readFileSync(join(root, 'models', 'fd001-baseline.json'), 'utf8');
    await watchIndex(page);
    const score = await page.evaluate(async (m) => {
      const wb = (window as any).isoscope;
      const t0 = performance.now();
      await wb.importModel(m, 'fd001-baseline.json');
      if (!wb.scores) throw new Error(wb.error);
      (window as any).__importedAt = performance.now();
      return performance.now() - t0;
    }, model);
    record('score 1M rows (import model → scores on the page)', `${(score / 1000).toFixed(2)} s`, score < 2000);
    const ready = await indexReady(page);
    record('slider index in use, after the scores (built in a worker; no floor)', `${(ready / 1000).toFixed(2)} s`, true);
    const slider1m = await sliderMedian(page);
    record(
      '1M rows: slider → redraw (median; no floor)',
      `${slider1m.total.toFixed(1)} ms (of which script ${slider1m.sync.toFixed(1)} ms)`,
      true,
    );
    const mem = rendererRssMb();
    record('tab memory (renderer RSS incl. workers)', `${mem.toFixed(0)} MB`, mem < 1536);

    console.log('\nReplay');
    const stopMax = await frameProbe(page);
    await page.evaluate(() => (window as any).isoscope.replay.start(0, 3, 5));
    await page.waitForFunction(() => ['finished'].includes((window as any).isoscope.replay.state), null, { timeout: 120_000 });
    const maxFrames = await stopMax();
    const maxStats = await page.evaluate(() => (window as any).isoscope.replay.stats);
    const replayed = await page.evaluate(() => (window as any).isoscope.replay.total);
    record(
      'replay at maximum rate, scored in the worker',
      `${Math.round(maxStats.eventsPerSec).toLocaleString('en-US')} readings/s (${replayed.toLocaleString('en-US')} readings; frame p95 ${maxFrames.p95.toFixed(1)} ms)`,
      maxStats.eventsPerSec >= 200_000,
    );
    const stop10k = await frameProbe(page);
    await page.evaluate(() => (window as any).isoscope.replay.start(10_000, 3, 5));
    await page.waitForTimeout(5000);
    const f10k = await stop10k();
    const s10k = await page.evaluate(() => (window as any).isoscope.replay.stats);
    await page.evaluate(() => (window as any).isoscope.replay.control('pause'));
    record(
      'frame time p95 at 10,000 readings/s rendered',
      `${f10k.p95.toFixed(1)} ms (${Math.round(s10k.eventsPerSec).toLocaleString('en-US')} readings/s, latency p99 ${s10k.latencyP99.toFixed(2)} ms)`,
      f10k.p95 < 20,
    );

    console.log('\nLive-connect with Persist (local hub over WSS, Cosmos DB behind a CORS proxy)');
    await persistFloor(url, root, record);

    await page.close();
    await gigabyteFile(browser, url, dir);
  } finally {
    // 1.2 GB of generated files.
    rmSync(dir, { recursive: true, force: true });
    await close();
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`\n${results.length - failed} floors met, ${failed} missed`);
}

await main();
