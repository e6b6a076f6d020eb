// Evaluation against ground truth: readings are 'degraded' when RUL <= horizon (or
// labelled 1); ranking metrics over all scored readings, precision/recall/F1 at the
// model's threshold, and, per unit, lead time from the first alarm after the healthy
// baseline to failure, plus false alarms inside the baseline.
import { DataError, column, columnByRole, type Dataset } from '../data/dataset.js';
import { baselineMask, type Baseline } from '../data/baseline.js';
import { rankingSummary, type RankingSummary } from './ranking.js';

export interface EvaluateOptions {
  horizon: number;
  labelColumn?: string;
  baseline: Baseline;
  /** The baseline's row mask, when the caller already has it (saves a pass per threshold move). */
  baselineMask?: Uint8Array;
}

export interface UnitOutcome {
  unit: number;
  failureTime: number;
  firstAlarm: number | null;
  leadTime: number | null;
  baselineAlarms: number;
}

export interface Evaluation {
  truth: 'rul' | 'label';
  horizon: number | null;
  readings: number;
  positives: number;
  unscored: number;
  rocAuc: number;
  prAuc: number;
  precision: number;
  recall: number;
  f1: number;
  units?: {
    count: number;
    warned: number;
    neverWarned: number;
    medianLeadTime: number | null;
    p10LeadTime: number | null;
    falseAlarmsPerUnit: number;
    perUnit: UnitOutcome[];
  };
}

function quantile(sorted: number[], q: number): number | null {
  if (!sorted.length) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function groundTruth(ds: Dataset, opts: Pick<EvaluateOptions, 'horizon' | 'labelColumn'>): { truth: Uint8Array; kind: 'rul' | 'label' } {
  const label = opts.labelColumn ? column(ds, opts.labelColumn) : columnByRole(ds, 'label');
  if (opts.labelColumn && !label) throw new DataError(`no label column "${opts.labelColumn}" in the data`);
  const rul = columnByRole(ds, 'rul');
  const source = label ?? rul;
  if (!source) {
    throw new DataError('no ground truth: give a RUL file (--rul), use run-to-failure C-MAPSS data, or name a 0/1 label column (--label-column)');
  }
  const truth = new Uint8Array(ds.rows);
  for (let i = 0; i < ds.rows; i++) {
    const v = source.values[i];
    truth[i] = Number.isNaN(v) ? 255 : label ? (v === 1 ? 1 : 0) : v <= opts.horizon ? 1 : 0;
  }
  return { truth, kind: label ? 'label' : 'rul' };
}

export type Ranking = RankingSummary;

/** The threshold-free part (AUCs and the ROC curve): compute once per model, reuse as the threshold moves. */
export function rankingMetrics(ds: Dataset, scores: Float64Array, opts: Pick<EvaluateOptions, 'horizon' | 'labelColumn'>): Ranking {
  const { truth } = groundTruth(ds, opts);
  const anomaly = scores.map((s) => -s); // score_samples is lower-is-worse
  return rankingSummary(anomaly, truth);
}

export function evaluateScores(ds: Dataset, scores: Float64Array, flags: Uint8Array, opts: EvaluateOptions, ranking?: Ranking): Evaluation {
  const { truth, kind } = groundTruth(ds, opts);
  const rank = ranking ?? rankingMetrics(ds, scores, opts);
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
    if (flags[i] && truth[i]) tp++;
    else if (flags[i]) fp++;
    else if (truth[i]) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const result: Evaluation = {
    truth: kind,
    horizon: kind === 'rul' ? opts.horizon : null,
    readings,
    positives,
    unscored,
    rocAuc: rank.rocAuc,
    prAuc: rank.prAuc,
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
  };
  const unit = columnByRole(ds, 'unit');
  const time = columnByRole(ds, 'time');
  const rul = columnByRole(ds, 'rul');
  if (kind === 'rul' && unit && time && rul) result.units = unitOutcomes(unit.values, time.values, rul.values, flags, opts.baselineMask ?? baselineMask(ds, opts.baseline));
  return result;
}

function unitOutcomes(unit: Float64Array, time: Float64Array, rul: Float64Array, flags: Uint8Array, inBaseline: Uint8Array): Evaluation['units'] {
  const byUnit = new Map<number, UnitOutcome>();
  let lastUnit = NaN;
  let last: UnitOutcome | undefined;
  for (let i = 0; i < unit.length; i++) {
    const u = unit[i];
    if (Number.isNaN(u)) continue;
    let o = u === lastUnit ? last : byUnit.get(u); // a unit's readings come in runs
    if (!o) byUnit.set(u, (o = { unit: u, failureTime: time[i] + rul[i], firstAlarm: null, leadTime: null, baselineAlarms: 0 }));
    lastUnit = u;
    last = o;
    if (!flags[i]) continue;
    if (inBaseline[i]) o.baselineAlarms++;
    else if (o.firstAlarm === null) {
      o.firstAlarm = time[i];
      o.leadTime = o.failureTime - time[i];
    }
  }
  const perUnit = [...byUnit.values()];
  const leads = perUnit.filter((o) => o.leadTime !== null).map((o) => o.leadTime!).sort((a, b) => a - b);
  const falseAlarms = perUnit.reduce((s, o) => s + o.baselineAlarms, 0);
  return {
    count: perUnit.length,
    warned: leads.length,
    neverWarned: perUnit.length - leads.length,
    medianLeadTime: quantile(leads, 0.5),
    p10LeadTime: quantile(leads, 0.1),
    falseAlarmsPerUnit: perUnit.length ? falseAlarms / perUnit.length : 0,
    perUnit,
  };
}
