// Scores of millions of readings are on the page before their ranking against the ground
// truth (a sort of every score) is computed: the evaluation follows a frame later, with the
// figures an evaluation at once gives.
import { describe, expect, test } from 'vitest';
import { RANK_AFTER_PAINT_ROWS, ThresholdController, type ThresholdHost } from '../src/app/threshold-controller.js';
import { Bus } from '../src/app/bus.js';
import type { Dataset } from '../src/data/dataset.js';
import type { ModelJson } from '../src/model/types.js';
import { lcg } from './helpers.js';

const UNITS = 1000;
const rows = Math.ceil(RANK_AFTER_PAINT_ROWS / UNITS) * UNITS;
const life = rows / UNITS;
const truth: Dataset = {
  name: 'big.txt',
  format: 'cmapss',
  rows,
  notes: [],
  columns: [
    {
      name: 'unit',
      role: 'unit',
      values: Float64Array.from({ length: rows }, (_, i) => 1 + Math.floor(i / life)),
      missing: 0,
      nonNumeric: 0,
    },
    { name: 'cycle', role: 'time', values: Float64Array.from({ length: rows }, (_, i) => 1 + (i % life)), missing: 0, nonNumeric: 0 },
    { name: 'RUL', role: 'rul', values: Float64Array.from({ length: rows }, (_, i) => life - 1 - (i % life)), missing: 0, nonNumeric: 0 },
  ],
};
const random = lcg(3);
// Wear: scores fall (more anomalous) towards the end of each unit's life.
const scoresOf = () => Float64Array.from({ length: rows }, (_, i) => -0.4 - 0.3 * ((i % life) / life) ** 4 - 0.05 * random());
const model = {
  id: 'iso-test',
  training: { baseline: 'first:50%', source: 'big.txt' },
  threshold: { contamination: 0.01, offset: -0.6 },
  alarm: { k: 1, n: 1, clear: 0 },
} as unknown as ModelJson;

function host(painted?: () => Promise<void>): ThresholdHost & { emitted: number; scores?: Float64Array } {
  const bus = new Bus();
  const h = {
    bus,
    data: { name: 'big.txt', format: 'cmapss' as const, rows, columns: [], notes: [], truth },
    model,
    scores: undefined as Float64Array | undefined,
    emitted: 0,
    followOffset: () => {},
    saveSoon: () => {},
    painted,
  };
  bus.on('threshold', () => h.emitted++);
  return h;
}

describe('the evaluation of millions of readings after their scores are painted', () => {
  test('is absent while the frame paints, then the same as computed at once, and said once more', async () => {
    const scores = scoresOf();
    const atOnce = host();
    atOnce.scores = scores;
    const want = new ThresholdController(atOnce);
    want.adopt(model, scores, 'imported');
    expect(want.evaluation?.rocAuc).toBeGreaterThan(0.9);

    let paint!: () => void;
    const later = host(() => new Promise<void>((ok) => (paint = ok)));
    later.scores = scores;
    const t = new ThresholdController(later);
    t.adopt(model, scores, 'imported');
    expect(t.evaluation).toBeUndefined();
    expect(t.evaluating).toBe(true);
    expect(t.thresholded?.flagged).toBe(want.thresholded?.flagged); // the scores' own figures are there at once
    const before = later.emitted;
    paint();
    await expect.poll(() => t.evaluating).toBe(false);
    expect(t.evaluation).toEqual(want.evaluation);
    expect(t.rocCurve).toEqual(want.rocCurve);
    expect(later.emitted).toBe(before + 1);
  });

  test('scores replaced before the paint: the old ranking is never computed, the new one is', async () => {
    const paints: (() => void)[] = [];
    const h = host(() => new Promise<void>((ok) => paints.push(ok)));
    const t = new ThresholdController(h);
    const first = scoresOf();
    h.scores = first;
    t.adopt(model, first, 'imported');
    const second = scoresOf();
    h.scores = second;
    t.adopt(model, second, 'imported');
    expect(paints).toHaveLength(2);
    paints[0]();
    await new Promise((r) => setTimeout(r, 10));
    expect(t.evaluating).toBe(true);
    expect(t.evaluation).toBeUndefined();
    paints[1]();
    await expect.poll(() => t.evaluating).toBe(false);
    const want = host();
    want.scores = second;
    const w = new ThresholdController(want);
    w.adopt(model, second, 'imported');
    expect(t.evaluation).toEqual(w.evaluation);
  });
});
