// Out-of-sample thresholds: folds keep units whole, the offset drops until the alarm
// rule's false alarms on healthy calibration readings meet the target, and the stated
// rates carry a Wilson interval.
import { raisedWords } from '../src/model/calibration-words.js';
import { describe, expect, test } from 'vitest';
import {
  HELD_OUT_SHARE,
  assignFolds,
  calibrate,
  outOfFoldScores,
  regimeRates,
  timeSplitScores,
  unitFolds,
  unitsAmong,
  wilson,
} from '../src/model/calibrate.js';
import { getEngine, lcg, loadFd001 } from './helpers.js';
import { selectRows } from '../src/data/compact-columns.js';
import { trainModel } from '../src/model/train.js';

describe('threshold calibration', () => {
  test('Wilson interval: known values, and never outside [0, 1]', () => {
    const r = wilson(10, 100);
    expect(r.estimate).toBe(0.1);
    expect(r.low).toBeCloseTo(0.0552, 3);
    expect(r.high).toBeCloseTo(0.1744, 3);
    expect(wilson(0, 50)).toMatchObject({ estimate: 0, low: 0 });
    expect(wilson(0, 50).high).toBeCloseTo(0.0714, 3);
    expect(wilson(0, 0)).toEqual({ estimate: 0, low: 0, high: 1 });
  });

  test('Wilson interval: no readings in alarm gives a lower end of exactly 0, all of them an upper end of exactly 1 (reports printed 5.4e-18%)', () => {
    const off: number[] = [];
    for (let n = 1; n <= 5000; n++) if (wilson(0, n).low !== 0 || wilson(n, n).high !== 1) off.push(n);
    expect(off).toEqual([]);
  });

  test('one series: the earlier 70% grow the forest, the later 30% are scored, in time order', () => {
    expect(HELD_OUT_SHARE).toBe(0.3);
    let seen: { fit: number[]; held: number[] } | undefined;
    const scores = timeSplitScores(100, (fit, held) => {
      seen = { fit: Array.from(fit), held: Array.from(held) };
      return Float64Array.from(held, (i) => -i);
    });
    expect(seen!.fit).toEqual(Array.from({ length: 70 }, (_, i) => i));
    expect(seen!.held).toEqual(Array.from({ length: 30 }, (_, i) => 70 + i));
    // The scores handed back are the held-out readings', in their order.
    expect(Array.from(scores)).toEqual(Array.from({ length: 30 }, (_, i) => -(70 + i)));
    expect(timeSplitScores(3, (_, held) => Float64Array.from(held)).length).toBe(1);
  });

  test('folds hold whole units; one series is cut into consecutive blocks', () => {
    const units = Float64Array.from({ length: 60 }, (_, i) => Math.floor(i / 6)); // 10 units of 6
    const rows = Int32Array.from({ length: 60 }, (_, i) => i);
    const fold = assignFolds(units, rows, 5);
    for (let i = 1; i < 60; i++) if (units[i] === units[i - 1]) expect(fold[i]).toBe(fold[i - 1]);
    expect(new Set(fold).size).toBe(5);
    const single = assignFolds(undefined, rows, 5);
    expect(Array.from(single.slice(0, 12))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(single[59]).toBe(4);
    for (let i = 1; i < 60; i++) expect(single[i]).toBeGreaterThanOrEqual(single[i - 1]);
  });

  test('a fleet of 3 is cross-fitted one unit a fold, not thresholded in sample', async () => {
    // Measured on test_FD001 (docs/evaluation.md): trained on 2 to 4 units, the in-sample quantile raised 4 times the false alarms.
    const all = loadFd001('train_FD001.txt');
    const unit = all.columns.find((c) => c.role === 'unit')!.values;
    const rows = Int32Array.from({ length: all.rows }, (_, i) => i).filter((i) => unit[i] <= 3);
    const ds = selectRows(all, all.columns, rows);
    const engine = await getEngine();
    const { model } = await trainModel(engine, ds, { params: { trees: 50, contamination: 0.002 } });
    expect(model.threshold.calibration).toMatchObject({ method: 'cross-fit', folds: 3, units: 3 });
    const inSample = (await trainModel(engine, ds, { params: { trees: 50, contamination: 0.002 }, threshold: 'in-sample' })).model;
    expect(inSample.threshold.calibration).toBeUndefined();
    // Readings the trees never saw score as more abnormal: the threshold moves down (fewer flags on new units).
    expect(model.threshold.offset).toBeLessThan(inSample.threshold.offset);
  });

  test('units are counted among the training rows; a fold whose forest would grow on too few readings is refused with the count', () => {
    const units = Float64Array.from([...Array(100).fill(1), ...Array(100).fill(2), NaN, NaN, ...Array(100).fill(3)]);
    const all = Int32Array.from(units.keys());
    expect(unitsAmong(units, all)).toBe(4); // rows without a unit are one more series
    expect(
      unitsAmong(
        units,
        all.filter((r) => units[r] === 1),
      ),
    ).toBe(1); // a unit with no training rows holds nothing out
    expect(unitsAmong(undefined, all)).toBe(1);
    const three = all.filter((r) => units[r] === units[r]);
    const plan = unitFolds(units, three, 3);
    expect('fold' in plan && plan.folds).toBe(3);
    if ('fold' in plan)
      for (let i = 1; i < three.length; i++) expect(plan.fold[i] === plan.fold[i - 1]).toBe(units[three[i]] === units[three[i - 1]]);
    // Unit 1 against a unit of 3 readings: the forest that judges unit 1 would grow on 3.
    const thin = all.filter((r) => units[r] === 1 || (units[r] === 2 && r < 103));
    expect(unitFolds(units, thin, 2)).toEqual({ why: 'holding out a unit leaves 3 healthy readings to grow a forest on (60 are needed)' });
  });

  test('every row is scored by the fold that held it out', () => {
    const fold = Uint8Array.from([0, 1, 2, 0, 1, 2]);
    const seen: number[][] = [];
    const oof = outOfFoldScores(fold, 3, (fit, held) => {
      seen.push([...fit]);
      expect([...fit].some((i) => held.includes(i))).toBe(false);
      return Float64Array.from(held, (i) => -i);
    });
    expect(Array.from(oof)).toEqual([-0, -1, -2, -3, -4, -5]);
    expect(seen).toEqual([
      [1, 2, 4, 5],
      [0, 2, 3, 5],
      [0, 1, 3, 4],
    ]);
  });

  test('a unit with a long healthy excursion pulls the threshold below it, down to the target', () => {
    const next = lcg(5);
    const units: number[] = [];
    const scores: number[] = [];
    for (let u = 0; u < 40; u++) {
      for (let t = 0; t < 100; t++) {
        units.push(u);
        // Three units dip for 10 readings: in-sample quantiles would alarm on each.
        scores.push(u < 3 && t >= 50 && t < 60 ? -0.6 - 0.01 * u : -0.4 - 0.05 * next());
      }
    }
    const rule = { k: 5, n: 8, clear: 1 };
    const plain = calibrate(Float64Array.from(scores), Float64Array.from(units), 0.01, rule, { folds: 5, target: 1 });
    expect(plain.calibration.falseAlarmsPerUnit).toBeCloseTo(3 / 40, 10);
    const strict = calibrate(Float64Array.from(scores), Float64Array.from(units), 0.01, rule, { folds: 5, target: 0.03 });
    // One dip may still alarm (1/40 <= 0.03), the two shallower may not.
    expect(strict.calibration.falseAlarmsPerUnit).toBeCloseTo(1 / 40, 10);
    expect(strict.offset).toBeLessThanOrEqual(-0.61);
    expect(strict.offset).toBeGreaterThan(-0.62);
    // The record says the contamination's quantile was passed, from where and why; the plain one was not moved.
    expect(strict.calibration.raised).toEqual({ quantileOffset: plain.offset, falseAlarmsPerUnit: 3 / 40, target: 0.03 });
    expect(plain.calibration.raised).toBeUndefined();
    expect(raisedWords(strict.calibration.raised!, 0.01)).toBe(
      'at the 1% quantile the held-out healthy readings raised 0.075 false alarms per unit, so the threshold was moved past it until they raise at most 0.03: a larger contamination changes nothing, a smaller one moves it',
    );
    const c = strict.calibration.unitsWithFalseAlarm;
    expect(c.estimate).toBe(1 / 40);
    expect(c.low).toBeLessThan(c.estimate);
    expect(c.high).toBeGreaterThan(c.estimate);
    // Too few units to judge episodes: the quantile alone.
    const few = calibrate(Float64Array.from(scores.slice(0, 500)), Float64Array.from(units.slice(0, 500)), 0.1, rule, {
      folds: 5,
      target: 0,
    });
    expect(few.calibration.falseAlarmsPerUnit).toBeGreaterThan(0);
  });

  test('rates by regime: flags counted where they fall, alarms follow each unit across regimes, unknown regimes left out', () => {
    // Two units interleaved; offset -0.5: a score below it is flagged. Rule 2 of 2, clear at 0.
    //            unit  1     2     1     2     1     2     1
    const units = Float64Array.of(1, 2, 1, 2, 1, 2, 1);
    const scores = Float64Array.of(-0.6, -0.4, -0.7, -0.6, -0.4, -0.4, -0.4);
    const regime = Int8Array.of(0, 0, 1, 1, 0, -1, 1);
    const rates = regimeRates(scores, units, regime, 3, -0.5, { k: 2, n: 2, clear: 0 });
    expect(rates.map((g) => g.readings)).toEqual([3, 3, 0]);
    // Flagged: regime 0 has reading 0 (unit 1); regime 1 has readings 2 (unit 1) and 3 (unit 2).
    expect(rates.map((g) => g.flagged.estimate)).toEqual([1 / 3, 2 / 3, 0]);
    // Unit 1 alarms at reading 2 (two flags in a row, the first in regime 0) and stays in alarm at reading 4 (one
    // flag left in its window, above clear 0), then clears; unit 2 never has two in a row.
    expect(rates.map((g) => g.readingsInAlarm.estimate)).toEqual([1 / 3, 1 / 3, 0]);
    expect(rates[2].flagged).toEqual({ estimate: 0, low: 0, high: 1 });
    expect(rates[1].flagged).toEqual(wilson(2, 3));
  });
});
