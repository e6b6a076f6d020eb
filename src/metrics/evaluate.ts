// Evaluation against ground truth: readings are 'degraded' when RUL <= horizon (or
// labelled 1); ranking metrics over all scored readings, precision/recall/F1 at the
// model's threshold, and, per unit, lead time from the first alarm after the healthy
// baseline to failure, plus false alarms inside the baseline.
import { DataError, column, columnByRole, type Dataset } from '../data/dataset.js';
import { baselineMask, type Baseline } from '../data/baseline.js';
import { alarmTrace } from '../alarms/alarm-trace.js';
import { SINGLE_READING } from '../alarms/k-of-n.js';
import type { DebounceSettings } from '../alarms/k-of-n.js';
import { unitTimeOrder } from '../data/order.js';
import { rankingSummary, type RankingSummary } from './ranking.js';
import { labelEpisodes, type LabelEpisodes } from './label-episodes.js';
import { quantile } from './quantile.js';
import { HEALTHY_RUL } from '../model/calibrate.js';

export interface EvaluateOptions {
  horizon: number;
  labelColumn?: string;
  baseline: Baseline;
  /** The baseline's row mask, when the caller already has it (saves a pass per threshold move). */
  baselineMask?: Uint8Array;
  /** The alarm rule (k of n); default: every flagged reading alarms. */
  alarm?: Required<DebounceSettings>;
}

export interface UnitOutcome {
  unit: number;
  failureTime: number;
  firstAlarm: number | null;
  leadTime: number | null;
  baselineAlarms: number;
  /** The unit's data ends before its RUL reaches the horizon: it has no degraded reading to warn about. */
  cutOff: boolean;
  /** Alarms raised while RUL > HEALTHY_RUL: far from failure, so false (baseline or not). */
  healthyAlarms: number;
  /** RUL at the unit's last reading, and whether it is in alarm there. */
  lastRul: number;
  inAlarmAtEnd: boolean;
}

export interface Evaluation {
  truth: 'rul' | 'label';
  horizon: number | null;
  /** Readings compared: degraded vs the healthy baseline (RUL), or all labelled readings. */
  readings: number;
  positives: number;
  unscored: number;
  rocAuc: number;
  prAuc: number;
  /** Of readings in alarm, the share truly degraded; and of degraded readings, the share in alarm. */
  precision: number;
  recall: number;
  f1: number;
  /** Of healthy (or label 0) readings, the share in alarm; of degraded (label 1) readings, the share not in alarm. */
  falseAlarmRate: number;
  missedAlarmRate: number;
  units?: {
    count: number;
    warned: number;
    neverWarned: number;
    /** Never warned although degraded readings were seen (RUL <= horizon): the real misses. */
    missed: number;
    /** Units whose data ends before RUL <= horizon (a test file's cut-off units), warned or not. */
    cutOff: number;
    /** Cut-off units warned anyway (early warnings). */
    cutOffWarned: number;
    medianLeadTime: number | null;
    p10LeadTime: number | null;
    falseAlarmsPerUnit: number;
    /** Alarms raised at readings with RUL > HEALTHY_RUL, per unit: false alarms on every healthy reading, not only the baseline. */
    healthyAlarmsPerUnit: number;
    /** Units whose last reading has RUL <= horizon, and of those the ones in alarm there. */
    nearFailure: number;
    nearFailureDetected: number;
    perUnit: UnitOutcome[];
  };
  /** With a label column: its stretches of 1s as anomalies caught or missed, and alarms raised at 0s. */
  episodes?: LabelEpisodes;
}

/**
 * Ground truth per reading: 1 degraded, 0 healthy, 255 not compared. With RUL, degraded
 * is RUL <= horizon and healthy is the baseline (each unit's early life), so the
 * ambiguous middle of a unit's life is left out; with a label column, 1/0 as labelled.
 */
export function groundTruth(
  ds: Dataset,
  opts: Pick<EvaluateOptions, 'horizon' | 'labelColumn'>,
  healthy?: Uint8Array,
): { truth: Uint8Array; kind: 'rul' | 'label' } {
  const label = opts.labelColumn ? column(ds, opts.labelColumn) : columnByRole(ds, 'label');
  if (opts.labelColumn && !label) throw new DataError(`no label column "${opts.labelColumn}" in the data`);
  const rul = columnByRole(ds, 'rul');
  const source = label ?? rul;
  if (!source) {
    throw new DataError(
      'no ground truth: give a RUL file (--rul), use run-to-failure C-MAPSS data, or name a 0/1 label column (--label-column)',
    );
  }
  const truth = new Uint8Array(ds.rows);
  if (label) {
    // Text cells (yes/no, true/false, class names) read as missing: they would drop out of every figure unseen.
    if (label.nonNumeric > 0)
      throw new DataError(
        `label column "${label.name}" must hold 0 (normal) or 1 (anomaly); ${label.nonNumeric.toLocaleString('en-US')} of its cells hold text (write yes/true as 1 and no/false as 0)`,
      );
    // A label is 0 or 1: a column of sensor values or of class names would otherwise count as all healthy.
    const odd = label.values.findIndex((v) => !Number.isNaN(v) && v !== 0 && v !== 1);
    if (odd >= 0)
      throw new DataError(
        `label column "${label.name}" must hold 0 (normal) or 1 (anomaly); reading ${odd + 1} holds ${label.values[odd]}`,
      );
  }
  for (let i = 0; i < ds.rows; i++) {
    const v = source.values[i];
    if (Number.isNaN(v)) truth[i] = 255;
    else if (label) truth[i] = v === 1 ? 1 : 0;
    else truth[i] = v <= opts.horizon ? 1 : !healthy || healthy[i] ? 0 : 255;
  }
  return { truth, kind: label ? 'label' : 'rul' };
}

export type Ranking = RankingSummary;

/** The threshold-free part (AUCs and the ROC curve): compute once per model, reuse as the threshold moves. */
export function rankingMetrics(
  ds: Dataset,
  scores: Float64Array,
  opts: Pick<EvaluateOptions, 'horizon' | 'labelColumn'>,
  healthy?: Uint8Array,
): Ranking {
  const { truth } = groundTruth(ds, opts, healthy);
  const anomaly = scores.map((s) => -s); // score_samples is lower-is-worse
  return rankingSummary(anomaly, truth);
}

/** The figures at a threshold from the counts of readings in alarm (shared with the slider's sweep). */
export function thresholdFigures(
  kind: 'rul' | 'label',
  horizon: number,
  rank: Ranking,
  c: { readings: number; positives: number; unscored: number; tp: number; fp: number; fn: number },
): Evaluation {
  const { readings, positives, tp, fp, fn } = c;
  // A ratio over nothing is undefined (NaN, null in JSON), not 0: no alarm has no precision, no positive reading no
  // recall or missed-alarm rate, no healthy reading no false-alarm rate. F1 with positives but no alarm is 0.
  const precision = tp + fp ? tp / (tp + fp) : NaN;
  const recall = tp + fn ? tp / (tp + fn) : NaN;
  return {
    truth: kind,
    horizon: kind === 'rul' ? horizon : null,
    readings,
    positives,
    unscored: c.unscored,
    rocAuc: rank.rocAuc,
    prAuc: rank.prAuc,
    precision,
    recall,
    f1: Number.isNaN(recall) ? NaN : tp ? (2 * precision * recall) / (precision + recall) : 0,
    falseAlarmRate: readings - positives ? fp / (readings - positives) : NaN,
    missedAlarmRate: positives ? fn / positives : NaN,
  };
}

export function evaluateScores(ds: Dataset, scores: Float64Array, flags: Uint8Array, opts: EvaluateOptions, ranking?: Ranking): Evaluation {
  const healthy = opts.baselineMask ?? baselineMask(ds, opts.baseline);
  const { truth, kind } = groundTruth(ds, opts, healthy);
  const rank = ranking ?? rankingMetrics(ds, scores, opts, healthy);
  const { state, raised } = alarmTrace(ds, flags, opts.alarm ?? SINGLE_READING, scores);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let positives = 0;
  let readings = 0;
  let unscored = 0;
  for (let i = 0; i < ds.rows; i++) {
    if (truth[i] === 255) continue;
    if (Number.isNaN(scores[i])) {
      unscored++;
      continue;
    }
    readings++;
    positives += truth[i];
    if (state[i] && truth[i]) tp++;
    else if (state[i]) fp++;
    else if (truth[i]) fn++;
  }
  const result = thresholdFigures(kind, opts.horizon, rank, { readings, positives, unscored, tp, fp, fn });
  const unit = columnByRole(ds, 'unit');
  const time = columnByRole(ds, 'time');
  const rul = columnByRole(ds, 'rul');
  if (kind === 'rul' && unit && time && rul)
    result.units = unitOutcomes(ds, unit.values, time.values, rul.values, state, raised, healthy, opts.horizon);
  // An unscored reading keeps its unit's alarm state, as in alarm-levels.ts: the page's sweep gives the same events.
  if (kind === 'label') result.episodes = labelEpisodes(ds, truth, state, raised);
  return result;
}

/**
 * Per unit, in time order: false alarms are alarms raised inside the healthy baseline;
 * the warning is the first reading after the baseline at which the unit is in alarm;
 * lead time is failure time minus that reading's time. A unit whose data ends before its
 * RUL reaches the horizon is cut off: never warning it is no miss.
 */
function unitOutcomes(
  ds: Dataset,
  unit: Float64Array,
  time: Float64Array,
  rul: Float64Array,
  state: Uint8Array,
  raised: Uint8Array,
  inBaseline: Uint8Array,
  horizon: number,
): Evaluation['units'] {
  const byUnit = new Map<number, UnitOutcome>();
  let lastUnit = NaN;
  let last: UnitOutcome | undefined;
  const order = unitTimeOrder(ds);
  for (let j = 0; j < ds.rows; j++) {
    const i = order ? order[j] : j;
    const u = unit[i];
    if (Number.isNaN(u)) continue;
    let o = u === lastUnit ? last : byUnit.get(u); // a unit's readings come in runs
    if (!o)
      byUnit.set(
        u,
        (o = {
          unit: u,
          failureTime: time[i] + rul[i],
          firstAlarm: null,
          leadTime: null,
          baselineAlarms: 0,
          cutOff: true,
          healthyAlarms: 0,
          lastRul: rul[i],
          inAlarmAtEnd: false,
        }),
      );
    lastUnit = u;
    last = o;
    if (rul[i] <= horizon) o.cutOff = false;
    if (rul[i] > HEALTHY_RUL) o.healthyAlarms += raised[i];
    o.lastRul = rul[i];
    o.inAlarmAtEnd = state[i] === 1;
    if (inBaseline[i]) {
      o.baselineAlarms += raised[i];
    } else if (state[i] && o.firstAlarm === null) {
      o.firstAlarm = time[i];
      o.leadTime = o.failureTime - time[i];
    }
  }
  return unitSummary(
    [...byUnit.values()].sort((a, b) => a.unit - b.unit),
    horizon,
  );
}

/** The fleet's figures from each unit's outcome (units in ascending order). */
export function unitSummary(perUnit: UnitOutcome[], horizon: number): Evaluation['units'] {
  const leads = perUnit
    .filter((o) => o.leadTime !== null)
    .map((o) => o.leadTime!)
    .sort((a, b) => a - b);
  const falseAlarms = perUnit.reduce((s, o) => s + o.baselineAlarms, 0);
  return {
    count: perUnit.length,
    warned: leads.length,
    neverWarned: perUnit.length - leads.length,
    missed: perUnit.filter((o) => !o.cutOff && o.leadTime === null).length,
    cutOff: perUnit.filter((o) => o.cutOff).length,
    cutOffWarned: perUnit.filter((o) => o.cutOff && o.leadTime !== null).length,
    medianLeadTime: quantile(leads, 0.5),
    p10LeadTime: quantile(leads, 0.1),
    falseAlarmsPerUnit: perUnit.length ? falseAlarms / perUnit.length : 0,
    healthyAlarmsPerUnit: perUnit.length ? perUnit.reduce((s, o) => s + o.healthyAlarms, 0) / perUnit.length : 0,
    nearFailure: perUnit.filter((o) => o.lastRul <= horizon).length,
    nearFailureDetected: perUnit.filter((o) => o.lastRul <= horizon && o.inAlarmAtEnd).length,
    perUnit,
  };
}
