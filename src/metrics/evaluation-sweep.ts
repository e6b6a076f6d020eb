// The evaluation as the slider moves: the same figures as evaluateScores at any offset, from
// the alarm levels of the scores (alarms/alarm-levels.ts) indexed once. A frame costs a few
// binary searches for the totals and the units' first alarms after the baseline (lead-index.ts),
// whatever the fleet's size; each unit's outcome (perUnit) is computed when read. The index
// (SweepIndex: typed arrays only) is built by indexSweep, in a worker on the page.
import { columnByRole, type Dataset } from '../data/dataset.js';
import { baselineMask } from '../data/baseline.js';
import { firstAlarmIn, lowerBound, risesIn, type GroupsIndex, type LevelsIndex } from '../alarms/alarm-levels.js';
import { SortedValues, type RisesData } from '../alarms/level-index.js';
import { HEALTHY_RUL } from '../model/calibrate.js';
import { groundTruth, thresholdFigures, type EvaluateOptions, type Evaluation, type Ranking, type UnitOutcome } from './evaluate.js';
import { indexLeads, LeadIndex, type LeadIndexData } from './lead-index.js';
import { labelEpisodesAt, type LabelEpisodes } from './label-episodes.js';

/** Per unit, what the evaluation's unit figures search (typed arrays: moved between threads by transfer). */
interface UnitIndexData {
  /** Groups in ascending unit order, as the evaluation lists them. */
  order: Int32Array;
  failureTime: Float64Array;
  lastRul: Float64Array;
  cutOff: Uint8Array;
  cutOffs: number;
  nearFailure: number;
  /** Alarms raised while RUL > HEALTHY_RUL, and inside the baseline, over every unit. */
  healthyRises: RisesData;
  baselineRises: RisesData;
  /** Each unit's first reading after the baseline in alarm, at any offset: how many units, and their lead times. */
  warning: LeadIndexData;
  /** The alarm level of the last reading of each unit that reached the horizon, sorted. */
  nearFailureEnd: Float64Array;
}

interface UnitIndex extends Omit<UnitIndexData, 'warning'> {
  warning: LeadIndex;
  rul: Float64Array;
  inBaseline: Uint8Array;
}

/** The sweep's index of one set of scores: built once (in a worker on the page), plain data. */
export interface SweepIndex {
  kind: 'rul' | 'label';
  horizon: number;
  counts: { readings: number; positives: number; unscored: number };
  /** Alarm levels of the scored degraded and healthy readings, sorted. */
  degraded: Float64Array;
  healthy: Float64Array;
  perUnit?: UnitIndexData;
}

/** `levels` must come from the scores with the rule of `opts.alarm`, in the data's unit-time order. */
export function indexSweep(ds: Dataset, scores: Float64Array, groups: GroupsIndex, levels: LevelsIndex, opts: EvaluateOptions): SweepIndex {
  const inBaseline = opts.baselineMask ?? baselineMask(ds, opts.baseline);
  const { truth, kind } = groundTruth(ds, opts, inBaseline);
  let readings = 0;
  let positives = 0;
  let unscored = 0;
  for (let i = 0; i < ds.rows; i++) {
    if (truth[i] === 255) continue;
    if (Number.isNaN(scores[i])) unscored++;
    else {
      readings++;
      positives += truth[i];
    }
  }
  const { start, row, level } = levels;
  // one sorted array each: a frame's totals in O(log rows)
  const degraded = new Uint8Array(ds.rows);
  const healthy = new Uint8Array(ds.rows);
  for (let p = 0; p < ds.rows; p++) {
    const i = row[p];
    if (scores[i] !== scores[i]) continue;
    if (truth[i] === 1) degraded[p] = 1;
    else if (truth[i] === 0) healthy[p] = 1;
  }
  const index: SweepIndex = {
    kind,
    horizon: opts.horizon,
    counts: { readings, positives, unscored },
    degraded: SortedValues.of(level, degraded).data,
    healthy: SortedValues.of(level, healthy).data,
  };
  const unit = columnByRole(ds, 'unit');
  const time = columnByRole(ds, 'time')?.values;
  const rul = columnByRole(ds, 'rul')?.values;
  if (kind !== 'rul' || !unit || !time || !rul) return index;
  const k = groups.units.length;
  const failureTime = new Float64Array(k);
  const lastRul = new Float64Array(k);
  const cutOff = new Uint8Array(k).fill(1);
  for (let g = 0; g < k; g++) {
    failureTime[g] = time[row[start[g]]] + rul[row[start[g]]];
    lastRul[g] = rul[row[start[g + 1] - 1]];
    for (let p = start[g]; p < start[g + 1]; p++) if (rul[row[p]] <= opts.horizon) cutOff[g] = 0;
  }
  const inHealthyLife = new Uint8Array(start[k]);
  const before = new Uint8Array(start[k]);
  const after = new Uint8Array(start[k]);
  for (let p = 0; p < start[k]; p++) {
    const i = row[p];
    inHealthyLife[p] = rul[i] > HEALTHY_RUL ? 1 : 0;
    before[p] = inBaseline[i] ? 1 : 0;
    after[p] = inBaseline[i] ? 0 : 1;
  }
  const perStart = start.subarray(0, k + 1); // the rows without a unit are no unit of the evaluation
  index.perUnit = {
    order: Int32Array.from(groups.units.keys()).sort((a, b) => groups.units[a] - groups.units[b]),
    failureTime,
    lastRul,
    cutOff,
    cutOffs: cutOff.reduce((a, b) => a + b, 0),
    nearFailure: lastRul.reduce((n, r) => n + (r <= opts.horizon ? 1 : 0), 0),
    healthyRises: SortedValues.rises(perStart, level, inHealthyLife),
    baselineRises: SortedValues.rises(perStart, level, before),
    warning: indexLeads(perStart, level, after, (p) => time[row[p]], failureTime, cutOff),
    nearFailureEnd: SortedValues.of(
      Float64Array.from({ length: k }, (_, g) => level[start[g + 1] - 1]),
      Uint8Array.from(lastRul, (r) => (r <= opts.horizon ? 1 : 0)),
    ).data,
  };
  return index;
}

export class EvaluationSweep {
  private readonly kind: 'rul' | 'label';
  private readonly horizon: number;
  private readonly rank: Ranking;
  private readonly counts: { readings: number; positives: number; unscored: number };
  private readonly degraded: SortedValues;
  private readonly healthy: SortedValues;
  private readonly levels: LevelsIndex;
  private readonly units: number[];
  private readonly time?: Float64Array;
  private readonly perUnit?: UnitIndex;
  /** A label's events need the data and its ground truth: kept for the pass that counts them, when asked. */
  private readonly ds: Dataset;
  private readonly inBaseline: Uint8Array;
  private labelTruth?: Uint8Array;

  /**
   * A sweep over an index of these scores (indexSweep on the same data, groups and levels);
   * `inBaseline` is the baseline mask the index was built with.
   */
  constructor(index: SweepIndex, ds: Dataset, groups: GroupsIndex, levels: LevelsIndex, inBaseline: Uint8Array, rank: Ranking) {
    this.kind = index.kind;
    this.horizon = index.horizon;
    this.rank = rank;
    this.levels = levels;
    this.units = groups.units;
    this.counts = index.counts;
    this.degraded = SortedValues.from(index.degraded);
    this.healthy = SortedValues.from(index.healthy);
    this.time = columnByRole(ds, 'time')?.values;
    this.ds = ds;
    this.inBaseline = inBaseline;
    const rul = columnByRole(ds, 'rul')?.values;
    if (index.perUnit && rul) this.perUnit = { ...index.perUnit, warning: new LeadIndex(index.perUnit.warning), rul, inBaseline };
  }

  /** Indexes here and now (Node, tests; the page builds the index in a worker). */
  static of(
    ds: Dataset,
    scores: Float64Array,
    groups: GroupsIndex,
    levels: LevelsIndex,
    opts: EvaluateOptions,
    rank: Ranking,
  ): EvaluationSweep {
    const inBaseline = opts.baselineMask ?? baselineMask(ds, opts.baseline);
    return new EvaluationSweep(
      indexSweep(ds, scores, groups, levels, { ...opts, baselineMask: inBaseline }),
      ds,
      groups,
      levels,
      inBaseline,
      rank,
    );
  }

  /** evaluateScores at this offset. */
  at(offset: number): Evaluation {
    const tp = this.degraded.below(offset);
    const fp = this.healthy.below(offset);
    const c = { ...this.counts, tp, fp, fn: this.counts.positives - tp };
    const result = thresholdFigures(this.kind, this.horizon, this.rank, c);
    if (this.perUnit) result.units = this.summary(this.perUnit, offset);
    if (this.kind === 'label') {
      // A pass over every reading: counted when read (the panel), not for every figure a frame asks.
      let episodes: LabelEpisodes | undefined;
      Object.defineProperty(result, 'episodes', { enumerable: true, get: () => (episodes ??= this.episodesAt(offset)) });
    }
    return result;
  }

  /** unitSummary's figures, from each unit's first alarm after the baseline and the totals. */
  private summary(u: UnitIndex, offset: number): Evaluation['units'] {
    const count = u.order.length;
    // The whole fleet in binary searches (lead-index.ts): a frame visits no unit.
    const { warned, cutOffWarned, quantiles } = u.warning.at(offset, [0.5, 0.1]);
    const [median, p10] = quantiles;
    const missed = count - u.cutOffs - (warned - cutOffWarned);
    const nearFailureDetected = lowerBound(u.nearFailureEnd, 0, u.nearFailureEnd.length, offset);
    const rises = (r: RisesData) => SortedValues.risenBelow(r, offset);
    const perUnit = () => this.outcomes(u, offset);
    let outcomes: UnitOutcome[] | undefined;
    return {
      count,
      warned,
      neverWarned: count - warned,
      missed,
      cutOff: u.cutOffs,
      cutOffWarned,
      medianLeadTime: median,
      p10LeadTime: p10,
      falseAlarmsPerUnit: count ? rises(u.baselineRises) / count : 0,
      healthyAlarmsPerUnit: count ? rises(u.healthyRises) / count : 0,
      nearFailure: u.nearFailure,
      nearFailureDetected,
      get perUnit() {
        return (outcomes ??= perUnit());
      },
    };
  }

  private episodesAt(offset: number): LabelEpisodes {
    this.labelTruth ??= groundTruth(this.ds, { horizon: this.horizon }, this.inBaseline).truth;
    return labelEpisodesAt(this.levels, this.labelTruth, this.time, offset);
  }

  /** Each unit's outcome: a pass over every reading, so only when asked for. */
  private outcomes(u: UnitIndex, offset: number): UnitOutcome[] {
    const { start, row, level } = this.levels;
    const { rul, inBaseline } = u;
    return Array.from(u.order, (g): UnitOutcome => {
      const [from, to] = [start[g], start[g + 1]];
      const warned = firstAlarmIn(level, from, to, offset, (p) => !inBaseline[row[p]]);
      const firstAlarm = warned < 0 ? null : this.time![row[warned]];
      return {
        unit: this.units[g],
        failureTime: u.failureTime[g],
        firstAlarm,
        leadTime: firstAlarm === null ? null : u.failureTime[g] - firstAlarm,
        baselineAlarms: risesIn(level, from, to, offset, (p) => inBaseline[row[p]] !== 0),
        cutOff: u.cutOff[g] === 1,
        healthyAlarms: risesIn(level, from, to, offset, (p) => rul[row[p]] > HEALTHY_RUL),
        lastRul: u.lastRul[g],
        inAlarmAtEnd: level[to - 1] < offset,
      };
    });
  }
}
