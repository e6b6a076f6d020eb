// Thresholds that hold out of sample. A forest scores its own training readings as more
// normal than readings it never saw, so a quantile of those in-sample scores is a
// threshold too low for new data: false alarms multiply on unseen units. Cross-fitting
// fixes that: the baseline's units are split into folds, a forest trained without each
// fold scores it, and the threshold is the quantile of these out-of-fold scores. The
// same out-of-fold scores, run through the alarm rule, give the expected false-alarm
// rate with a 95% interval. When the training data is run to failure, readings after
// the baseline that are still far from failure (RUL > HEALTHY_RUL) are healthy readings
// the forest never saw: they join the calibration, since early wear shows there first.
import { KofN } from '../alarms/k-of-n.js';
import { flagAnomalies, isFlagged, percentile } from '../alarms/threshold.js';

export const CROSS_FIT_FOLDS = 5;
/** Readings this far from failure count as healthy (the usual C-MAPSS cap on RUL). */
export const HEALTHY_RUL = 125;
/** Alarm episodes per unit on healthy calibration readings the threshold allows. */
export const TARGET_FALSE_ALARMS_PER_UNIT = 0.005;

export interface Rate {
  estimate: number;
  /** Wilson score interval, 95%. */
  low: number;
  high: number;
}

export interface Calibration {
  /** cross-fit: units held out in folds; time-split: one series, its later healthy readings held out. */
  method: 'cross-fit' | 'time-split';
  folds: number;
  /** Healthy baseline readings scored out of fold, and the units they came from. */
  readings: number;
  units: number;
  /** Share of healthy readings in alarm under the model's alarm rule. */
  readingsInAlarm: Rate;
  /** Share of units whose healthy baseline raised at least one alarm. */
  unitsWithFalseAlarm: Rate;
  /** Alarms raised per unit over its baseline (point estimate). */
  falseAlarmsPerUnit: number;
  /**
   * With operating regimes, the same held-out readings by regime: one threshold serves them
   * all, so this says whether it holds in each (a regime the forest knows less well flags more).
   */
  regimes?: RegimeRate[];
  /**
   * Present when the contamination's quantile raised more false alarms per unit than `target`:
   * the threshold was moved past it until it raised at most that many, so the contamination no
   * longer sets it (a smaller one would, a larger one changes nothing).
   */
  raised?: { quantileOffset: number; falseAlarmsPerUnit: number; target: number };
}

export interface RegimeRate {
  /** Index into the recipe's regime centres. */
  regime: number;
  readings: number;
  /** Share of the regime's held-out readings over the threshold. */
  flagged: Rate;
  /** Share in alarm under the alarm rule (the rule runs over each unit's readings in time order, all regimes). */
  readingsInAlarm: Rate;
}

/** Wilson score interval (95%) for x successes out of n. */
export function wilson(x: number, n: number): Rate {
  if (n === 0) return { estimate: 0, low: 0, high: 1 };
  const z = 1.959964;
  const p = x / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  // With x = 0 (or n) the bound is 0 (or 1) exactly; floating point leaves 5e-18 there, which a report then prints.
  return { estimate: p, low: x === 0 ? 0 : Math.max(0, centre - half), high: x === n ? 1 : Math.min(1, centre + half) };
}

/**
 * Fold per training row: whole units go to a fold (unit slot mod folds), so a fold's
 * units are unseen by the forest that scores them; one series is cut into consecutive
 * blocks instead.
 */
export function assignFolds(units: Float64Array | undefined, rows: Int32Array, folds: number): Uint8Array {
  const fold = new Uint8Array(rows.length);
  const slots = new Map<number, number>();
  if (units) for (const r of rows) if (!slots.has(units[r])) slots.set(units[r], slots.size);
  if (slots.size >= folds) {
    for (let i = 0; i < rows.length; i++) fold[i] = slots.get(units![rows[i]])! % folds;
  } else {
    for (let i = 0; i < rows.length; i++) fold[i] = Math.min(folds - 1, Math.floor((i * folds) / rows.length));
  }
  return fold;
}

/** Distinct units among the training rows (rows without a unit, NaN, are one more series, as the folds take them). */
export function unitsAmong(units: Float64Array | undefined, rows: Int32Array): number {
  if (!units) return 1;
  const seen = new Set<number>();
  let last = NaN;
  for (let i = 0; i < rows.length; i++) {
    const u = units[rows[i]];
    if (u !== last) seen.add((last = u)); // a unit's readings come in runs: one Set call a run
  }
  return seen.size;
}

/**
 * Whole units a fold: 5 folds, or one unit a fold for a fleet of 2 to 4. Each fold's forest must
 * grow on at least MIN_SPLIT_ROWS readings, or the calibration says nothing: a unit held out
 * against a unit of three readings would be judged by a forest of three. `why` then says so.
 */
export function unitFolds(units: Float64Array, rows: Int32Array, unitCount: number): { fold: Uint8Array; folds: number } | { why: string } {
  const folds = Math.min(CROSS_FIT_FOLDS, unitCount);
  const fold = assignFolds(units, rows, folds);
  const held = new Int32Array(folds);
  for (let i = 0; i < fold.length; i++) held[fold[i]]++;
  const thinnest = rows.length - Math.max(...held);
  if (thinnest < MIN_SPLIT_ROWS)
    return {
      why: `holding out ${folds === unitCount ? 'a unit' : 'a fold of units'} leaves ${thinnest} healthy reading${thinnest === 1 ? '' : 's'} to grow a forest on (${MIN_SPLIT_ROWS} are needed)`,
    };
  return { fold, folds };
}

/** Share of a single series' healthy readings held out, at its end, to calibrate the threshold. */
export const HELD_OUT_SHARE = 0.3;
/** Fewer healthy readings than this: a single series keeps the quantile of its training scores. */
export const MIN_SPLIT_ROWS = 60;

/**
 * One series, no units to hold out: a forest grown on the earlier healthy readings scores
 * the later HELD_OUT_SHARE, in time order, the way the model meets the readings after its
 * baseline. Later, not random, readings: slow drift within the healthy part counts too.
 */
export function timeSplitScores(
  rows: number,
  scoreHeld: (fit: Int32Array, held: Int32Array) => Float64Array,
  byTime?: Int32Array | null,
): Float64Array {
  const cut = rows - Math.max(1, Math.round(rows * HELD_OUT_SHARE));
  const at = (i: number) => (byTime ? byTime[i] : i);
  const fit = Int32Array.from({ length: cut }, (_, i) => at(i));
  const held = Int32Array.from({ length: rows - cut }, (_, i) => at(cut + i));
  return scoreHeld(fit, held);
}

/** Scores each training row with a forest that did not see its fold. `scoreFold` trains on `fit` and scores `held`. */
export function outOfFoldScores(
  fold: Uint8Array,
  folds: number,
  scoreFold: (fit: Int32Array, held: Int32Array) => Float64Array,
): Float64Array {
  const out = new Float64Array(fold.length);
  for (let f = 0; f < folds; f++) {
    const held: number[] = [];
    const fit: number[] = [];
    for (let i = 0; i < fold.length; i++) (fold[i] === f ? held : fit).push(i);
    if (!held.length || !fit.length) continue;
    const scores = scoreFold(Int32Array.from(fit), Int32Array.from(held));
    held.forEach((i, j) => (out[i] = scores[j]));
  }
  return out;
}

/** Alarms the rule raises, per unit, and readings in alarm, over scores in each unit's time order. */
function falseAlarms(scores: Float64Array, units: Float64Array, offset: number, rule: { k: number; n: number; clear: number }) {
  const flags = flagAnomalies(scores, offset);
  const alarm = new KofN(rule);
  const raisedBy = new Map<number, number>();
  let inAlarm = 0;
  for (let i = 0; i < scores.length; i++) {
    const u = units[i];
    const raised = alarm.push(u, flags[i]) === 1 ? 1 : 0;
    raisedBy.set(u, (raisedBy.get(u) ?? 0) + raised);
    if (alarm.inAlarm(u)) inAlarm++;
  }
  const counts = [...raisedBy.values()];
  const raised = counts.reduce((a, b) => a + b, 0);
  return { counts, raised, inAlarm, perUnit: counts.length ? raised / counts.length : 0 };
}

/**
 * The calibration readings' rates by regime at `offset`. `regime[i]` is reading i's regime
 * (-1 when its settings are missing: counted in no regime); `scores` and `units` as for
 * `calibrate`.
 */
export function regimeRates(
  scores: Float64Array,
  units: Float64Array,
  regime: Int8Array,
  regimes: number,
  offset: number,
  rule: { k: number; n: number; clear: number },
): RegimeRate[] {
  const readings = new Float64Array(regimes);
  const flagged = new Float64Array(regimes);
  const inAlarm = new Float64Array(regimes);
  const alarm = new KofN(rule);
  for (let i = 0; i < scores.length; i++) {
    const flag = isFlagged(scores[i], offset);
    alarm.push(units[i], flag);
    const r = regime[i];
    if (r < 0 || r >= regimes) continue;
    readings[r]++;
    flagged[r] += flag;
    if (alarm.inAlarm(units[i])) inAlarm[r]++;
  }
  return Array.from({ length: regimes }, (_, r) => ({
    regime: r,
    readings: readings[r],
    flagged: wilson(flagged[r], readings[r]),
    readingsInAlarm: wilson(inAlarm[r], readings[r]),
  }));
}

/** Units a calibration needs before it judges false alarms per unit (fewer: the lowering does not run, and the page calls its intervals rough). */
export const MIN_UNITS_FOR_RATE = 20;

/**
 * The offset: the contamination quantile of the healthy calibration scores, lowered
 * further (fewer alarms) until the alarm rule raises at most `target` alarms per unit on
 * them, when there are enough units to judge that. `scores` and `units` hold the
 * calibration readings in each unit's time order.
 */
export function calibrate(
  scores: Float64Array,
  units: Float64Array,
  contamination: number,
  rule: { k: number; n: number; clear: number },
  opts: { folds: number; target: number; minUnits?: number },
): { offset: number; calibration: Calibration } {
  let offset = percentile(scores, contamination);
  let fa = falseAlarms(scores, units, offset, rule);
  let raised: Calibration['raised'];
  if (fa.counts.length >= (opts.minUnits ?? MIN_UNITS_FOR_RATE) && fa.perUnit > opts.target) {
    raised = { quantileOffset: offset, falseAlarmsPerUnit: fa.perUnit, target: opts.target };
    // Episodes fall as the offset falls: bisect over the sorted scores below the quantile.
    const sorted = Float64Array.from(scores).sort();
    let lo = 0;
    let hi = Math.max(
      0,
      sorted.findLastIndex((v) => v <= offset),
    );
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (falseAlarms(scores, units, sorted[mid], rule).perUnit <= opts.target) lo = mid;
      else hi = mid - 1;
    }
    offset = sorted[lo];
    fa = falseAlarms(scores, units, offset, rule);
  }
  const n = fa.counts.length;
  return {
    offset,
    calibration: {
      method: 'cross-fit',
      folds: opts.folds,
      readings: scores.length,
      units: n,
      readingsInAlarm: wilson(fa.inAlarm, scores.length),
      unitsWithFalseAlarm: wilson(fa.counts.filter((c) => c > 0).length, n),
      falseAlarmsPerUnit: fa.perUnit,
      ...(raised ? { raised } : {}),
    },
  };
}
