// A slider frame answers from alarm levels indexed once per scores (by the page's worker
// service, across a structured clone as between threads); these tests hold it to the
// row-pass implementation the page uses until the index is ready (every reading replayed through the k-of-n rule)
// and to evaluateScores, on FD001, FD002 (six regimes) and random data, rules and offsets.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { cmapssPath, getEngine, lcg, loadFd001, shippedModel } from './helpers.js';
import { RowPassBudget } from '../src/alarms/row-pass-budget.js';
import { AlarmBudget } from '../src/alarms/alarm-budget.js';
import type { BudgetOptions, Thresholded } from '../src/alarms/budget-types.js';
import { flagAnomalies } from '../src/alarms/threshold.js';
import { SINGLE_READING, type DebounceSettings } from '../src/alarms/k-of-n.js';
import { sortDoubles, sortOrder } from '../src/alarms/radix-sort.js';
import { EvaluationSweep } from '../src/metrics/evaluation-sweep.js';
import { SliderIndexService } from '../src/services/slider-index-service.js';
import { evaluateScores, rankingMetrics, type EvaluateOptions, type Evaluation } from '../src/metrics/evaluate.js';
import { baselineMask, parseBaseline } from '../src/data/baseline.js';
import { columnByRole, type Dataset } from '../src/data/dataset.js';
import { unitTimeOrder } from '../src/data/order.js';
import { ingestFiles } from '../src/data/ingest.js';
import { trainModel } from '../src/model/train.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { DEFAULT_QUALITY } from '../src/features/defaults.js';

type Rule = Required<DebounceSettings>;

/** The frame's figures, with what is computed when read (flags, each unit's counts) read so that they are compared too. */
const figures = (t: Thresholded) => ({
  ...t,
  flags: Array.from(t.flags),
  units: { ...t.units, row: undefined, indexOf: t.units.units.map((u) => t.units.indexOf(u)) },
  fleet: t.fleet.map((r) => ({
    unit: r.unit,
    state: r.state,
    since: r.since,
    lastTime: r.lastTime,
    latestScore: r.latestScore,
    readings: r.readings,
    flagged: r.flagged,
    alarms: r.alarms,
    firstAlarmTime: r.firstAlarmTime,
  })),
});
const plain = (e: Evaluation) => (e.units ? { ...e, units: { ...e.units, perUnit: e.units.perUnit.map((o) => ({ ...o })) } } : e);

/** New budget and sweep against the row pass and evaluateScores at each offset; returns how many frames alarmed. */
function expectSameFrames(
  ds: Dataset,
  scores: Float64Array,
  mask: Uint8Array,
  rule: Rule,
  offsets: number[],
  extra: BudgetOptions = {},
): number {
  const opts: BudgetOptions = {
    unit: columnByRole(ds, 'unit')?.values,
    time: columnByRole(ds, 'time')?.values,
    rule,
    order: unitTimeOrder(ds) ?? undefined,
    ...extra,
  };
  const slow = new RowPassBudget(scores, mask, opts);
  const evalOpts: EvaluateOptions = { horizon: 30, baseline: parseBaseline('first:50%'), alarm: rule };
  const truth = columnByRole(ds, 'rul') ?? columnByRole(ds, 'label');
  const healthy = baselineMask(ds, evalOpts.baseline);
  const rank = truth ? rankingMetrics(ds, scores, evalOpts, healthy) : undefined;
  // As the page does: the index built by the worker's service, across a structured clone (plain typed arrays survive it).
  const index = structuredClone(
    new SliderIndexService().build({ scores, truth: ds, rule, evaluation: truth ? { ...evalOpts, baselineMask: healthy } : undefined }),
  );
  const fast = new AlarmBudget(scores, index.budget, slow.sortedTraining, opts.time);
  expect(AlarmBudget.of(scores, mask, opts).sortedTraining).toEqual(slow.sortedTraining);
  expect(index.sweep === undefined).toBe(rank === undefined);
  const sweep = rank && new EvaluationSweep(index.sweep!, ds, index.budget.groups, index.budget.levels, healthy, rank);
  let alarmed = 0;
  for (const offset of offsets) {
    const got = fast.apply(offset);
    expect(figures(got), `offset ${offset}, rule ${JSON.stringify(rule)}`).toEqual(figures(slow.apply(offset)));
    if (got.alarmsPerUnit > 0) alarmed++;
    if (sweep) expect(plain(sweep.at(offset))).toEqual(evaluateScores(ds, scores, flagAnomalies(scores, offset), evalOpts, rank));
  }
  return alarmed;
}

/** Offsets across the scores' range, some exactly at a score (ties with the threshold). */
function offsetsOf(scores: Float64Array, r: () => number, count: number): number[] {
  const finite = scores.filter((s) => Number.isFinite(s)).sort();
  const out = [-0.5, -Infinity, Infinity];
  for (let i = 0; i < count; i++) {
    const s = finite[Math.floor(r() * finite.length)];
    out.push(i % 2 ? s : s + (r() - 0.5) * 0.02);
  }
  return out;
}

const RULES: Rule[] = [SINGLE_READING, { k: 3, n: 5, clear: 0 }, { k: 3, n: 5, clear: 2 }, { k: 4, n: 10, clear: 1 }];

describe('slider frames from alarm levels equal the row pass', () => {
  test('FD001 scored by the shipped model: fleet, states, since, flags and the evaluation, under several rules', async () => {
    const engine = await getEngine();
    const ds = loadFd001();
    const model = await shippedModel();
    const { scores } = new LoadedModel(engine, model).scoreDataset(ds);
    const mask = baselineMask(ds, parseBaseline('first:50%'));
    const offsets = offsetsOf(scores, lcg(1), 40);
    for (const rule of RULES) expect(expectSameFrames(ds, scores, mask, rule, offsets)).toBeGreaterThan(10);
  }, 120_000);

  test('FD002 (six regimes) trained with regimes; its test file rescored against the training reference', async () => {
    const engine = await getEngine();
    const train = loadFd001('train_FD002.txt');
    const baseline = parseBaseline('first:50%');
    const { model } = await trainModel(engine, train, { baseline, recipe: DEFAULT_QUALITY.recipe });
    expect(model.recipe?.regimes?.centers.length).toBeGreaterThan(1);
    const loaded = new LoadedModel(engine, model);
    const { scores } = loaded.scoreDataset(train);
    const mask = baselineMask(train, baseline);
    const rule = { k: 3, n: 5, clear: 1 };
    expect(expectSameFrames(train, scores, mask, rule, offsetsOf(scores, lcg(2), 30))).toBeGreaterThan(10);
    const testDs = ingestFiles(['test_FD002.txt', 'RUL_FD002.txt'].map((name) => ({ name, bytes: readFileSync(cmapssPath(name)) })));
    const rescored = loaded.scoreDataset(testDs).scores;
    const reference = AlarmBudget.of(scores, mask).sortedTraining;
    expectSameFrames(testDs, rescored, new Uint8Array(testDs.rows), rule, offsetsOf(rescored, lcg(3), 30), { reference });
  }, 180_000);

  test('random data, rules, arrival orders, unscored readings, readings without a unit and offsets on ties', () => {
    const r = lcg(7);
    let alarmed = 0;
    for (let round = 0; round < 150; round++) {
      const units = 1 + Math.floor(r() * 6);
      const rows = Math.floor(r() * 200);
      const levels = 2 + Math.floor(r() * 6); // few distinct scores: many ties
      const unit = Float64Array.from({ length: rows }, () => (r() < 0.03 ? NaN : 1 + Math.floor(r() * units)));
      // arrival order (by time within a unit) differs from row order in half the rounds
      const order = r() < 0.5 ? Int32Array.from({ length: rows }, (_, i) => i).sort(() => r() - 0.5) : undefined;
      const time = Float64Array.from({ length: rows }, (_, i) => (order ? 0 : i));
      order?.forEach((row, j) => (time[row] = j));
      const scores = Float64Array.from({ length: rows }, () => (r() < 0.1 ? NaN : -0.3 - Math.floor(r() * levels) / 10));
      const rul = Float64Array.from({ length: rows }, () => Math.floor(r() * 200));
      const n = 1 + Math.floor(r() * 6);
      const k = 1 + Math.floor(r() * n);
      const rule = { k, n, clear: Math.floor(r() * k) };
      // A 0/1 label in stretches instead of RUL in some rounds: its events (label-episodes.ts) too.
      const labelled = round % 3 === 0;
      let on = 0;
      const label = Float64Array.from({ length: rows }, () => (r() < 0.15 ? (on ^= 1) : on));
      const columns = [
        { name: 'unit', role: 'unit', values: unit },
        { name: 'time', role: 'time', values: time },
        labelled ? { name: 'anomaly', role: 'label', values: label } : { name: 'rul', role: 'rul', values: rul },
        { name: 's', role: 'feature', values: scores },
      ];
      const withUnits = r() < 0.85;
      const ds = { name: 'random', rows, columns: withUnits ? columns : columns.slice(1) } as unknown as Dataset;
      const mask = Uint8Array.from({ length: rows }, () => (r() < 0.5 ? 1 : 0));
      const offsets = [...offsetsOf(scores, r, 6), NaN];
      alarmed += expectSameFrames(ds, scores, mask, rule, offsets, { unit: withUnits ? unit : undefined });
    }
    expect(alarmed).toBeGreaterThan(100);
  });

  test('the radix sorts of the index order doubles as Float64Array.prototype.sort does (signs, zeros, infinities, ties)', () => {
    const r = lcg(11);
    for (const n of [5000, 70_000]) {
      const special = [0, -0, Infinity, -Infinity, 1e-310, -1e-310, Number.MAX_VALUE, -Number.MAX_VALUE];
      const a = Float64Array.from({ length: n }, (_, i) =>
        i % 97 === 0 ? special[i % special.length] : (r() - 0.5) * 10 ** Math.floor(r() * 8 - 4),
      );
      a.set(a.subarray(0, 100), n - 100); // ties
      const want = a.slice().sort();
      const got = sortDoubles(a.slice());
      expect(Array.from(got, (v) => (Object.is(v, -0) ? '-0' : v))).toEqual(Array.from(want, (v) => (Object.is(v, -0) ? '-0' : v)));
      // sortOrder: the same order as positions, ties in position order
      for (const keys of [a, a.subarray(0, 3000)]) {
        const order = sortOrder(keys);
        const sorted = Array.from(order, (i) => keys[i]);
        expect(sorted.map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual(
          Array.from(keys.slice().sort(), (v) => (Object.is(v, -0) ? '-0' : v)),
        );
        for (let i = 1; i < order.length; i++)
          if (Object.is(keys[order[i]], keys[order[i - 1]])) expect(order[i]).toBeGreaterThan(order[i - 1]);
      }
    }
  });
});
