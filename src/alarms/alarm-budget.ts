// Re-thresholding cached scores as the contamination moves, with no retraining:
// the offset is a percentile of the training rows' scores (sorted once), and the
// result reads as an alarm budget: flagged share, and per unit the alarms the model's
// k-of-n rule raises (as replay, live scoring and the consumer raise them) and the first,
// and each unit's state at its latest reading: alarm, watch or healthy, and since when.
// Everything a frame needs is indexed once per set of scores (alarm-levels.ts), so a frame
// costs a few binary searches per unit, whatever the number of readings.
import { SINGLE_READING, type DebounceSettings } from './k-of-n.js';
import { alarmLevels, groupByUnit, type AlarmLevels, type UnitGroups } from './alarm-levels.js';
import { Records, SortedGroups } from './level-index.js';
import { flagAnomalies, percentileOfSorted, sortedScores } from './threshold.js';

export interface FleetRow {
  unit: number;
  readings: number;
  /** Readings over the threshold. */
  flagged: number;
  /** Alarms raised under the k-of-n rule. */
  alarms: number;
  /** Time of the first raised alarm. */
  firstAlarmTime: number | null;
  /**
   * At the unit's latest reading: 'alarm' while the k-of-n rule holds; 'watch' when some of
   * its last n readings are over the threshold but the alarm is not raised; else 'healthy'.
   */
  state: UnitState;
  /** When the state began: the alarm's raise; for watch, the first over-threshold reading after a clear window, or the alarm's clear; null when healthy. */
  since: number | null;
  /** Time of the unit's latest scored reading (null: none scored). */
  lastTime: number | null;
  /** Anomaly score (−score_samples) of the latest scored reading. */
  latestScore: number;
}

export type UnitState = 'alarm' | 'watch' | 'healthy';

export interface BudgetOptions {
  unit?: Float64Array;
  time?: Float64Array;
  /** The alarm rule (default: every flagged reading after an unflagged one raises). */
  rule?: Required<DebounceSettings>;
  /** Row order in which each unit's readings arrive (default: as stored; only order within a unit matters). */
  order?: Int32Array;
  /**
   * Sorted training scores to take percentiles from, when the scores are of other data
   * than the model was trained on (a test file scored by a model trained on the training file).
   */
  reference?: Float64Array;
}

export interface Thresholded {
  offset: number;
  /** Every reading's flag (1: over the threshold): a pass over every row, made on first read only. */
  readonly flags: Uint8Array;
  flagged: number;
  share: number;
  /** Raised alarms per unit. */
  alarmsPerUnit: number;
  fleet: FleetRow[];
}

const orNull = (t: number) => (Number.isNaN(t) ? null : t);

export class AlarmBudget {
  readonly sortedTraining: Float64Array;
  /** Units and alarm levels, for figures at a threshold beyond the budget's (the evaluation). */
  readonly groups: UnitGroups;
  readonly levels: AlarmLevels;
  private readonly scores: Float64Array;
  private readonly time?: Float64Array;
  private readonly scored: number;
  private readonly readings: Int32Array;
  private readonly lastTime: Float64Array;
  private readonly latest: Float64Array;
  private readonly sorted: SortedGroups;
  private readonly rises: { low: SortedGroups; high: SortedGroups };
  private readonly firstAlarm: Records;
  private readonly lastHigh: Records;
  private readonly lastLow: Records;
  private readonly lastQuiet: Records;

  constructor(scores: Float64Array, trainingMask: Uint8Array, opts: BudgetOptions = {}) {
    this.scores = scores;
    this.time = opts.time;
    this.sortedTraining = opts.reference ?? sortedScores(scores, trainingMask);
    this.groups = groupByUnit(scores.length, opts.unit);
    const lv = (this.levels = alarmLevels(scores, this.groups, opts.rule ?? SINGLE_READING, opts.order));
    const { start, row, level, quiet } = lv;
    const k = this.groups.units.length;
    this.readings = new Int32Array(k);
    this.lastTime = new Float64Array(k).fill(NaN);
    this.latest = new Float64Array(k).fill(NaN);
    let scored = 0;
    for (let g = 0; g < this.groups.groups; g++)
      for (let p = start[g]; p < start[g + 1]; p++) {
        const s = scores[row[p]];
        if (s !== s) continue;
        scored++;
        if (g < k) {
          this.lastTime[g] = this.timeAt(p);
          this.latest[g] = s;
        }
      }
    for (let g = 0; g < k; g++) this.readings[g] = start[g + 1] - start[g];
    this.scored = scored;
    this.sorted = SortedGroups.of(start, (p) => scores[row[p]]);
    this.rises = SortedGroups.rises(start, level);
    this.firstAlarm = Records.of(start, level, 'first below');
    this.lastHigh = Records.of(start, level, 'last at or above');
    this.lastLow = Records.of(start, level, 'last below');
    this.lastQuiet = Records.of(start, quiet, 'last at or above');
  }

  /** numpy-linear percentile of the training scores, as scikit-learn's offset_. */
  offsetFor(contamination: 'auto' | number): number {
    return contamination === 'auto' ? -0.5 : percentileOfSorted(this.sortedTraining, contamination);
  }

  apply(offset: number): Thresholded {
    const k = this.groups.units.length;
    const { start, level, quiet } = this.levels;
    const { sorted, rises } = this;
    let totalRaised = 0;
    let flagged = 0;
    const fleet = this.groups.units.map((unit, g): FleetRow => {
      const raised = rises.low.below(g, offset) - rises.high.below(g, offset);
      totalRaised += raised;
      const over = sorted.below(g, offset);
      flagged += over;
      const end = start[g + 1] - 1;
      const alarm = end >= start[g] && level[end] < offset;
      const state: UnitState = alarm ? 'alarm' : end >= start[g] && quiet[end] < offset ? 'watch' : 'healthy';
      const first = this.firstAlarm.find(g, offset);
      return {
        unit,
        readings: this.readings[g],
        flagged: over,
        alarms: raised,
        firstAlarmTime: first < 0 ? null : orNull(this.timeAt(first)),
        state,
        since: state === 'healthy' ? null : orNull(this.timeAt(this.since(g, offset, alarm))),
        lastTime: orNull(this.lastTime[g]),
        latestScore: -this.latest[g],
      };
    });
    for (let g = k; g < this.groups.groups; g++) flagged += sorted.below(g, offset); // readings of no unit
    const scores = this.scores;
    let flags: Uint8Array | undefined;
    return {
      offset,
      get flags() {
        return (flags ??= flagAnomalies(scores, offset));
      },
      flagged,
      share: this.scored ? flagged / this.scored : 0,
      alarmsPerUnit: k ? totalRaised / k : 0,
      fleet,
    };
  }

  /**
   * Where the state at the unit's latest reading began. In alarm: the raise, the reading
   * after the last one whose level is at or above the offset. On watch: the later of the
   * last clear (the reading after the last one in alarm) and the start of the run of
   * readings with some of the window over (after the last one with none over).
   */
  private since(g: number, offset: number, alarm: boolean): number {
    const from = (p: number) => (p < 0 ? this.levels.start[g] : p + 1);
    if (alarm) return from(this.lastHigh.find(g, offset));
    const cleared = this.lastLow.find(g, offset);
    return Math.max(cleared < 0 ? -1 : cleared + 1, from(this.lastQuiet.find(g, offset)));
  }

  private timeAt(p: number): number {
    const i = this.levels.row[p];
    return this.time ? this.time[i] : i;
  }
}
