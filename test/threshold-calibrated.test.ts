// A threshold calibrated out of sample at training, then moved by the slider: the model the page
// exports or saves keeps the calibrated threshold beside the moved one, so after an import (or a
// reload) the slider gives the thresholds it gave before, and returns to the calibrated one.
import { describe, expect, test } from 'vitest';
import { ThresholdController, type ThresholdHost } from '../src/app/threshold-controller.js';
import { Bus } from '../src/app/bus.js';
import type { Dataset } from '../src/data/dataset.js';
import type { ModelJson } from '../src/model/types.js';
import type { Calibration } from '../src/model/calibrate.js';
import { validateModel } from '../src/model/validate.js';
import { filledColumn, lcg, shippedModel } from './helpers.js';

const UNITS = 20;
const LIFE = 100;
const rows = UNITS * LIFE;
const column = (name: string, role: 'unit' | 'time', at: (i: number) => number) => filledColumn(name, role, rows, at);
const truth: Dataset = {
  name: 'fleet.csv',
  format: 'csv',
  rows,
  notes: [],
  columns: [column('unit', 'unit', (i) => 1 + Math.floor(i / LIFE)), column('cycle', 'time', (i) => 1 + (i % LIFE))],
};
const random = lcg(7);
const scores = Float64Array.from({ length: rows }, () => -0.4 - 0.2 * random());
const rate = { estimate: 0.01, low: 0.005, high: 0.02 };
const calibration: Calibration = {
  method: 'cross-fit',
  folds: 4,
  readings: 1000,
  units: UNITS,
  readingsInAlarm: rate,
  unitsWithFalseAlarm: rate,
  falseAlarmsPerUnit: 0.05,
};
// The held-out scores put the 1% threshold a little above this data's in-sample 1% quantile.
const trained = {
  id: 'iso-test',
  training: { baseline: 'first:50%', source: 'fleet.csv' },
  threshold: { contamination: 0.01, offset: -0.585, calibration },
  alarm: { k: 1, n: 1, clear: 0 },
} as unknown as ModelJson;

function page(model: ModelJson): { host: ThresholdHost; controller: ThresholdController } {
  const host: ThresholdHost = {
    bus: new Bus(),
    data: { name: 'fleet.csv', format: 'csv', rows, columns: [], notes: [], truth },
    model,
    scores,
    followOffset: () => {},
    saveSoon: () => {},
  };
  const controller = new ThresholdController(host);
  controller.adopt(model, scores, 'imported');
  return { host, controller };
}

describe('a calibrated threshold moved by the slider', () => {
  test('is exported with the calibrated one beside it: after an import the slider gives what it gave before', () => {
    const first = page(trained);
    const gap = first.controller.calibrationGap(0.03);
    expect(Math.abs(gap)).toBeGreaterThan(1e-4);
    const offsets = (c: ThresholdController) =>
      [0.005, 0.03, 0.2].map((x) => {
        c.set(x);
        return c.thresholded!.offset;
      });
    const want = offsets(first.controller);
    first.controller.set(0.03);
    const exported = JSON.parse(JSON.stringify(first.host.model)) as ModelJson;
    expect(exported.threshold.calibration).toBeUndefined(); // the moved threshold is not the calibrated one
    expect(exported.threshold.calibratedAt).toEqual({ contamination: 0.01, offset: -0.585, calibration });

    const second = page(exported);
    expect(second.controller.thresholded!.offset).toBe(first.controller.thresholded!.offset);
    expect(second.controller.calibrationGap(0.2)).toBe(gap);
    expect(offsets(second.controller)).toEqual(want);
    // Back at the calibrated contamination, the calibrated threshold returns, with its figures.
    second.controller.set(0.01);
    expect(second.host.model!.threshold).toEqual(trained.threshold);
  });

  test('the model file schema takes the calibrated threshold beside a moved one', async () => {
    const model = await shippedModel();
    const moved = {
      ...model,
      threshold: { contamination: 0.03, offset: -0.55, calibratedAt: { contamination: 0.01, offset: -0.585, calibration } },
    };
    expect(() => validateModel(moved)).not.toThrow();
    const wrong = { ...moved, threshold: { ...moved.threshold, calibratedAt: { contamination: 0.01, offset: -0.585 } } };
    expect(() => validateModel(wrong)).toThrow(/calibratedAt/);
  });
});
