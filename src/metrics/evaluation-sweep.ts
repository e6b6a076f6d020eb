// The evaluation as the slider moves: the same figures as evaluateScores at any offset, from
// the alarm levels of the scores (alarms/alarm-levels.ts) indexed once, so a frame costs a
// few binary searches per unit instead of a replay of every reading.
import { columnByRole, type Dataset } from '../data/dataset.js';
import { baselineMask } from '../data/baseline.js';
import type { AlarmLevels, UnitGroups } from '../alarms/alarm-levels.js';
import { Records, SortedGroups } from '../alarms/level-index.js';
import { HEALTHY_RUL } from '../model/calibrate.js';
import {
  groundTruth,
  thresholdFigures,
  unitSummary,
  type EvaluateOptions,
  type Evaluation,
  type Ranking,
  type UnitOutcome,
} from './evaluate.js';

interface UnitIndex {
  /** Groups in ascending unit order, as the evaluation lists them. */
  order: number[];
  failureTime: Float64Array;
  lastRul: Float64Array;
  cutOff: Uint8Array;
  healthyRises: { low: SortedGroups; high: SortedGroups };
  baselineRises: { low: SortedGroups; high: SortedGroups };
  /** The first reading after the baseline in alarm. */
  warning: Records;
}

export class EvaluationSweep {
  private readonly kind: 'rul' | 'label';
  private readonly horizon: number;
  private readonly rank: Ranking;
  private readonly counts: { readings: number; positives: number; unscored: number };
  private readonly degraded: SortedGroups;
  private readonly healthy: SortedGroups;
  private readonly levels: AlarmLevels;
  private readonly units: number[];
  private readonly time?: Float64Array;
  private readonly perUnit?: UnitIndex;

  /** `levels` must come from the scores with the rule of `opts.alarm`, in the data's unit-time order. */
  constructor(ds: Dataset, scores: Float64Array, groups: UnitGroups, levels: AlarmLevels, opts: EvaluateOptions, rank: Ranking) {
    const inBaseline = opts.baselineMask ?? baselineMask(ds, opts.baseline);
    const { truth, kind } = groundTruth(ds, opts, inBaseline);
    this.kind = kind;
    this.horizon = opts.horizon;
    this.rank = rank;
    this.levels = levels;
    this.units = groups.units;
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
    this.counts = { readings, positives, unscored };
    const { start, row, level } = levels;
    const compared = (p: number, t: number) => truth[row[p]] === t && scores[row[p]] === scores[row[p]];
    // one sorted array each (a single group): a frame's totals in O(log rows)
    const all = Int32Array.of(0, ds.rows);
    this.degraded = SortedGroups.of(
      all,
      (p) => level[p],
      (p) => compared(p, 1),
    );
    this.healthy = SortedGroups.of(
      all,
      (p) => level[p],
      (p) => compared(p, 0),
    );
    const unit = columnByRole(ds, 'unit');
    const time = columnByRole(ds, 'time')?.values;
    const rul = columnByRole(ds, 'rul')?.values;
    this.time = time;
    if (kind !== 'rul' || !unit || !time || !rul) return;
    const k = groups.units.length;
    const failureTime = new Float64Array(k);
    const lastRul = new Float64Array(k);
    const cutOff = new Uint8Array(k).fill(1);
    for (let g = 0; g < k; g++) {
      failureTime[g] = time[row[start[g]]] + rul[row[start[g]]];
      lastRul[g] = rul[row[start[g + 1] - 1]];
      for (let p = start[g]; p < start[g + 1]; p++) if (rul[row[p]] <= opts.horizon) cutOff[g] = 0;
    }
    const perStart = start.subarray(0, k + 1); // the rows without a unit are no unit of the evaluation
    this.perUnit = {
      order: groups.units.map((_, g) => g).sort((a, b) => groups.units[a] - groups.units[b]),
      failureTime,
      lastRul,
      cutOff,
      healthyRises: SortedGroups.rises(perStart, level, (p) => rul[row[p]] > HEALTHY_RUL),
      baselineRises: SortedGroups.rises(perStart, level, (p) => inBaseline[row[p]] !== 0),
      warning: Records.of(perStart, level, 'first below', (p) => !inBaseline[row[p]]),
    };
  }

  /** evaluateScores at this offset. */
  at(offset: number): Evaluation {
    const tp = this.degraded.below(0, offset);
    const fp = this.healthy.below(0, offset);
    const c = { ...this.counts, tp, fp, fn: this.counts.positives - tp };
    const result = thresholdFigures(this.kind, this.horizon, this.rank, c);
    if (this.perUnit) result.units = unitSummary(this.outcomes(this.perUnit, offset), this.horizon);
    return result;
  }

  private outcomes(u: UnitIndex, offset: number): UnitOutcome[] {
    const { start, row, level } = this.levels;
    const rises = (r: { low: SortedGroups; high: SortedGroups }, g: number) => r.low.below(g, offset) - r.high.below(g, offset);
    return u.order.map((g): UnitOutcome => {
      const warned = u.warning.find(g, offset);
      const firstAlarm = warned < 0 ? null : this.time![row[warned]];
      return {
        unit: this.units[g],
        failureTime: u.failureTime[g],
        firstAlarm,
        leadTime: firstAlarm === null ? null : u.failureTime[g] - firstAlarm,
        baselineAlarms: rises(u.baselineRises, g),
        cutOff: u.cutOff[g] === 1,
        healthyAlarms: rises(u.healthyRises, g),
        lastRul: u.lastRul[g],
        inAlarmAtEnd: level[start[g + 1] - 1] < offset,
      };
    });
  }
}
