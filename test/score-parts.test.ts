// Scoring on every engine worker (issue 15): the page's primary engine worker splits the
// data by whole units, helpers score their parts, and the stitched scores must equal one
// worker's bit for bit, and the CLI's. Run through real worker_threads Workers over
// Comlink, as the page runs workers/engine.worker.ts (needs npm run build:cli).
import { afterAll, describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cmapssPath, loadFd001, shippedModel } from './helpers.js';
import { throughWorker, type Transport } from './engine-transports.js';
import { assignParts, scoreInParts, type ScoreEndpoints } from '../src/services/score-parts.js';
import { DEFAULT_QUALITY } from '../src/features/defaults.js';
import type { Dataset } from '../src/data/dataset.js';
import type { PortableDataset } from '../src/data/compact-columns.js';
import type { ModelJson } from '../src/model/types.js';
import { MessageChannel } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { SliderIndexService } from '../src/services/slider-index-service.js';
import { truthOf } from '../src/data/dataset.js';
import { alarmRule } from '../src/model/alarm-rule.js';
import { baselineMask, parseBaseline } from '../src/data/baseline.js';

const opened: Transport[] = [];
afterAll(() => Promise.all(opened.map((t) => t.close())));

/** A primary and `helpers` helpers, each EngineService in its own worker thread. */
async function engines(helpers: number) {
  const ts = Array.from({ length: 1 + helpers }, () => throughWorker('release'));
  opened.push(...ts);
  return { transports: ts, apis: await Promise.all(ts.map((t) => t.api())) };
}

function endpoints(apis: Awaited<ReturnType<typeof engines>>['apis']): ScoreEndpoints {
  const [primary, ...helpers] = apis;
  return {
    planParts: (n) => primary.planParts(n),
    scoreRows: (rows) => primary.scoreRows(rows),
    helpers: helpers.map((h) => ({ scorePiece: (m: ModelJson, piece: PortableDataset) => h.scorePiece(m, piece) })),
  };
}

const bits = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const recipe = { unitBaseline: 20, window: { size: 5, stats: [...DEFAULT_QUALITY.recipe.window.stats] }, regimes: 'auto' as const };

describe('scoring on every engine worker', () => {
  test('each unit lands whole in one part, the parts about equal, each part contiguous when the file is sorted by unit', () => {
    const unit = Float64Array.from({ length: 1000 }, (_, i) => 1 + Math.floor(i / 10));
    const { of, counts } = assignParts(unit, 1000, 3);
    expect([...counts].reduce((a, b) => a + b)).toBe(1000);
    for (const c of counts) expect(Math.abs(c - 1000 / 3)).toBeLessThanOrEqual(10);
    for (let i = 1; i < 1000; i++) {
      if (unit[i] === unit[i - 1]) expect(of[i]).toBe(of[i - 1]);
      else expect(of[i]).toBeGreaterThanOrEqual(of[i - 1]);
    }
    // One unit bigger than a share leaves no empty part behind.
    const lopsided = Float64Array.from({ length: 100 }, (_, i) => (i < 95 ? 1 : 2));
    expect([...assignParts(lopsided, 100, 4).counts]).toEqual([95, 5]);
  });

  test.each([
    ['train_FD001.txt', 'the shipped model'],
    ['train_FD002.txt', 'a model trained with regimes'],
    ['train_FD002.txt', 'the same, units interleaved'],
  ])('%s with %s: three workers give one worker’s scores bit for bit', { timeout: 240_000 }, async (file, how) => {
    let ds = loadFd001(file);
    if (how.includes('interleaved')) ds = interleave(ds);
    const { apis } = await engines(2);
    const primary = apis[0];
    await primary.setDataset(ds);
    const one =
      how === 'the shipped model'
        ? await primary.importModel(readFileSync(join(import.meta.dirname, '..', 'models', 'fd001-baseline.json'), 'utf8'))
        : await primary.train({ params: { trees: 20, seed: 7 }, recipe });
    const plan = await primary.planParts(3);
    expect(plan.rows.length).toBe(3);
    // Training waits for the readings to be compacted: the helpers' parts then cross as codes.
    if (how !== 'the shipped model') expect(plan.pieces.every((p) => p.columns.some((c) => 'compact' in c))).toBe(true);
    const parted = await scoreInParts(endpoints(apis), one.model, ds.rows);
    expect(parted.unscorable).toBe(one.unscorable);
    expect(bits(parted.scores).equals(bits(one.scores))).toBe(true);
    if (file === 'train_FD001.txt') {
      // The CLI (one thread) writes the same scores.
      const out = join(mkdtempSync(join(tmpdir(), 'isoscope-parts-')), 'scores.csv');
      const modelFile = join(import.meta.dirname, '..', 'models', 'fd001-baseline.json');
      execFileSync('node', ['bin/isoscope.js', 'score', cmapssPath(file), '--model', modelFile, '--threads', '1', '-o', out]);
      const [header, ...lines] = readFileSync(out, 'utf8').trim().split('\n');
      const at = header.split(',').findIndex((h) => h.replace(/"/g, '') === 'score');
      const cli = Float64Array.from(lines, (l) => Number(l.split(',')[at]));
      expect(bits(cli).equals(bits(parted.scores))).toBe(true);
    }
  });

  test('a helper that dies has its part scored by the primary, with the same scores', { timeout: 240_000 }, async () => {
    const ds = loadFd001('train_FD001.txt');
    const { apis, transports } = await engines(2);
    await apis[0].setDataset(ds);
    const one = await apis[0].importModel(JSON.stringify(await shippedModel()));
    await transports[2].kill!();
    const parted = await scoreInParts(endpoints(apis), one.model, ds.rows);
    expect(bits(parted.scores).equals(bits(one.scores))).toBe(true);
  });
});

describe("the slider's index", () => {
  test(
    'is built from the scores and truth the primary sends on a port (no copy through the page): the same index as from the page’s own copies, once',
    { timeout: 240_000 },
    async () => {
      const ds = interleave(loadFd001('train_FD001.txt'));
      const { apis } = await engines(1);
      const [primary] = apis;
      await primary.setDataset(ds);
      const text = JSON.stringify(await shippedModel());
      const { model } = await primary.importModel(text, false);
      const parted = await scoreInParts({ ...endpoints(apis), keep: (p) => void primary.keepScores(p) }, model, ds.rows);
      const baseline = parseBaseline('first:50%');
      const request = {
        rule: alarmRule(model),
        evaluation: { horizon: 30, baseline, baselineMask: baselineMask(ds, baseline), alarm: alarmRule(model) },
      };
      const fromPrimary = async () => {
        const { port1, port2 } = new MessageChannel();
        const [, index] = await Promise.all([
          primary.sendIndexInput(Comlink.transfer(port1, [port1]) as unknown as MessagePort),
          new SliderIndexService().buildFrom(port2 as unknown as MessagePort, request),
        ]);
        return index;
      };
      const index = await fromPrimary();
      expect(index.sweep).toBeDefined();
      expect(index).toEqual(new SliderIndexService().build({ scores: parted.scores, truth: truthOf(ds), ...request }));
      // The scores go with the index: asked again, the build fails and the page keeps its row pass.
      await expect(fromPrimary()).rejects.toThrow(/other scores came meanwhile/);
      // Parts planned before another model came (the same model imported again) are not kept, nor indexed.
      let kept: Promise<void> | undefined;
      await scoreInParts(
        { ...endpoints(apis), keep: (p) => void (kept = primary.importModel(text, false).then(() => primary.keepScores(p))) },
        model,
        ds.rows,
      );
      await kept;
      await expect(fromPrimary()).rejects.toThrow(/other scores came meanwhile/);
    },
  );
});

/** The same readings with the units' rows interleaved (each unit still in time order): parts are gathered, not sliced. */
function interleave(ds: Dataset): Dataset {
  const unit = ds.columns.find((c) => c.role === 'unit')!.values;
  const byUnit = new Map<number, number[]>();
  for (let i = 0; i < ds.rows; i++) {
    const list = byUnit.get(unit[i]) ?? [];
    list.push(i);
    byUnit.set(unit[i], list);
  }
  const order: number[] = [];
  const lists = [...byUnit.values()];
  for (let k = 0; order.length < ds.rows; k++) for (const l of lists) if (k < l.length) order.push(l[k]);
  return { ...ds, columns: ds.columns.map((c) => ({ ...c, values: Float64Array.from(order, (r) => c.values[r]) })) };
}
