// Re-thresholding cached scores as the contamination moves, with no retraining:
// the offset is a percentile of the training rows' scores (sorted once), and the
// result reads as an alarm budget: flagged share, and per unit the alarms the model's
// k-of-n rule raises (as replay, live scoring and the consumer raise them) and the first,
// and each unit's state at its latest reading: alarm, watch or healthy, and since when.
// Everything a frame needs is indexed once per set of scores (alarm-levels.ts): the totals
// are a few binary searches, each unit's state two comparisons (and its since, when not
// healthy, a search in a short list), whatever the number of readings. A unit's own counts
// (flagged, alarms, first alarm) are read by a pass over that unit only, when a view asks.
import { SINGLE_READING, type DebounceSettings } from './k-of-n.js';
import { alarmLevels, firstAlarmIn, groupByUnit, risesIn, type AlarmLevels, type UnitGroups } from './alarm-levels.js';
import { Records, SortedValues } from './level-index.js';
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
  private readonly lastTime: Float64Array;
  private readonly latest: Float64Array;
  private readonly sorted: SortedValues;
  private readonly rises: { low: SortedValues; high: SortedValues };
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
    this.scored = scored;
    this.sorted = SortedValues.of(scores);
    const units = start.subarray(0, k + 1); // the rows without a unit raise no unit's alarms
    this.rises = SortedValues.rises(units, level);
    this.lastHigh = Records.of(units, level, 'last at or above');
    this.lastLow = Records.of(units, level, 'last below');
    this.lastQuiet = Records.of(units, quiet, 'last at or above');
  }

  /** numpy-linear percentile of the training scores, as scikit-learn's offset_. */
  offsetFor(contamination: 'auto' | number): number {
    return contamination === 'auto' ? -0.5 : percentileOfSorted(this.sortedTraining, contamination);
  }

  apply(offset: number): Thresholded {
    const k = this.groups.units.length;
    const { start, level, quiet } = this.levels;
    const fleet = this.groups.units.map((unit, g): FleetRow => {
      const end = start[g + 1] - 1;
      const alarm = end >= start[g] && level[end] < offset;
      const state: UnitState = alarm ? 'alarm' : end >= start[g] && quiet[end] < offset ? 'watch' : 'healthy';
      const since = state === 'healthy' ? null : orNull(this.timeAt(this.since(g, offset, alarm)));
      return new UnitRow(this, g, offset, unit, state, since, orNull(this.lastTime[g]), -this.latest[g]);
    });
    const flagged = this.sorted.below(offset);
    const raised = this.rises.low.below(offset) - this.rises.high.below(offset);
    const scores = this.scores;
    let flags: Uint8Array | undefined;
    return {
      offset,
      get flags() {
        return (flags ??= flagAnomalies(scores, offset));
      },
      flagged,
      share: this.scored ? flagged / this.scored : 0,
      alarmsPerUnit: k ? raised / k : 0,
      fleet,
    };
  }

  /** Readings, flagged readings, raised alarms and the first alarm's position of unit g: a pass over its readings. */
  unitCounts(g: number, offset: number): { readings: number; flagged: number; alarms: number; firstAlarmTime: number | null } {
    const { start, row, level } = this.levels;
    let flagged = 0;
    for (let p = start[g]; p < start[g + 1]; p++) if (this.scores[row[p]] < offset) flagged++;
    const first = firstAlarmIn(level, start[g], start[g + 1], offset);
    return {
      readings: start[g + 1] - start[g],
      flagged,
      alarms: risesIn(level, start[g], start[g + 1], offset),
      firstAlarmTime: first < 0 ? null : orNull(this.timeAt(first)),
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

/** A fleet row whose own counts are computed when read (the board reads state and since of every unit, counts of one). */
class UnitRow implements FleetRow {
  readonly unit: number;
  readonly state: UnitState;
  readonly since: number | null;
  readonly lastTime: number | null;
  readonly latestScore: number;
  // ES private fields: not own enumerable properties, so a row copies or serializes as its figures alone
  readonly #budget: AlarmBudget;
  readonly #g: number;
  readonly #offset: number;

  constructor(
    budget: AlarmBudget,
    g: number,
    offset: number,
    unit: number,
    state: UnitState,
    since: number | null,
    lastTime: number | null,
    latestScore: number,
  ) {
    this.#budget = budget;
    this.#g = g;
    this.#offset = offset;
    this.unit = unit;
    this.state = state;
    this.since = since;
    this.lastTime = lastTime;
    this.latestScore = latestScore;
  }

  get readings(): number {
    return this.#budget.levels.start[this.#g + 1] - this.#budget.levels.start[this.#g];
  }
  get flagged(): number {
    return this.#budget.unitCounts(this.#g, this.#offset).flagged;
  }
  get alarms(): number {
    return this.#budget.unitCounts(this.#g, this.#offset).alarms;
  }
  get firstAlarmTime(): number | null {
    return this.#budget.unitCounts(this.#g, this.#offset).firstAlarmTime;
  }
}
