// Re-thresholding cached scores as the contamination moves, with no retraining:
// the offset is a percentile of the training rows' scores (sorted once), and the
// result reads as an alarm budget: flagged share, and per unit the alarms the model's
// k-of-n rule raises (as replay, live scoring and the consumer raise them) and the first,
// and each unit's state at its latest reading: alarm, watch or healthy, and since when.
// Everything a frame needs is indexed once per set of scores (alarm-levels.ts): the totals
// are a few binary searches, each unit's state two comparisons (and its since, when not
// healthy, a search in a short list), whatever the number of readings. A unit's own counts
// (flagged, alarms, first alarm) are read by a pass over that unit only, when a view asks.
// The index (BudgetIndex: typed arrays only) is built by indexBudget, in a worker on the page.
import { SINGLE_READING } from './k-of-n.js';
import { alarmLevels, firstAlarmIn, groupByUnit, risesIn, type GroupsIndex, type LevelsIndex } from './alarm-levels.js';
import { Records, SortedValues, type RecordsData, type RisesData } from './level-index.js';
import { flagAnomalies, percentileOfSorted, sortedScores } from './threshold.js';
import { STATES, unitIndexOf, type Budget, type BudgetOptions, type FleetRow, type FleetStates, type Thresholded } from './budget-types.js';
import { UnitRow, type UnitCounts } from './unit-row.js';

/** What a frame searches, built once per scores: plain typed arrays, so it moves between threads by transfer. */
export interface BudgetIndex {
  groups: GroupsIndex;
  levels: LevelsIndex;
  /** Per unit, the time and score of its latest scored reading (NaN: none). */
  lastTime: Float64Array;
  latest: Float64Array;
  scored: number;
  /** Every scored reading's score, sorted. */
  sorted: Float64Array;
  rises: RisesData;
  /** Records of the positions where a state can begin, each with the time of the reading after it. */
  lastHigh: RecordsData;
  lastLow: RecordsData;
  lastQuiet: RecordsData;
  /** Per unit: the time of its first reading, and the level and quiet of its last (+Infinity: no reading). */
  startTime: Float64Array;
  endLevel: Float64Array;
  endQuiet: Float64Array;
}

/** The index of one set of scores (passes over typed arrays and sorts: seconds at 6M readings, so not on the page's main thread). */
export function indexBudget(scores: Float64Array, opts: Omit<BudgetOptions, 'reference'> = {}): BudgetIndex {
  const groups = groupByUnit(scores.length, opts.unit);
  const levels = alarmLevels(scores, groups, opts.rule ?? SINGLE_READING, opts.order);
  const { start, row, level, quiet } = levels;
  const k = groups.units.length;
  const lastTime = new Float64Array(k).fill(NaN);
  const latest = new Float64Array(k).fill(NaN);
  const time = opts.time;
  let scored = 0;
  for (let g = 0; g < groups.groups; g++)
    for (let p = start[g]; p < start[g + 1]; p++) {
      const s = scores[row[p]];
      if (s !== s) continue;
      scored++;
      if (g < k) {
        lastTime[g] = time ? time[row[p]] : row[p];
        latest[g] = s;
      }
    }
  const units = start.subarray(0, k + 1); // the rows without a unit raise no unit's alarms
  const timeAt = (p: number) => (time ? time[row[p]] : row[p]);
  // A state begins at the reading after a record's position, which a frame's query always finds inside the unit.
  const after = (p: number, g: number) => (p + 1 < start[g + 1] ? timeAt(p + 1) : NaN);
  const startTime = new Float64Array(k);
  const endLevel = new Float64Array(k).fill(Infinity);
  const endQuiet = new Float64Array(k).fill(Infinity);
  for (let g = 0; g < k; g++) {
    if (start[g] === start[g + 1]) continue;
    startTime[g] = timeAt(start[g]);
    endLevel[g] = level[start[g + 1] - 1];
    endQuiet[g] = quiet[start[g + 1] - 1];
  }
  return {
    groups: { groups: groups.groups, units: groups.units },
    levels: { start, row, level },
    lastTime,
    latest,
    scored,
    sorted: SortedValues.of(scores).data,
    rises: SortedValues.rises(units, level),
    lastHigh: Records.of(units, level, 'last at or above', undefined, after).data,
    lastLow: Records.of(units, level, 'last below', undefined, after).data,
    lastQuiet: Records.of(units, quiet, 'last at or above', undefined, after).data,
    startTime,
    endLevel,
    endQuiet,
  };
}

const orNull = (t: number) => (Number.isNaN(t) ? null : t);

export class AlarmBudget implements Budget, UnitCounts {
  readonly sortedTraining: Float64Array;
  /** Units and alarm levels, for figures at a threshold beyond the budget's (the evaluation). */
  readonly groups: GroupsIndex;
  readonly levels: LevelsIndex;
  private readonly scores: Float64Array;
  private readonly time?: Float64Array;
  private readonly scored: number;
  private readonly lastTime: Float64Array;
  /** Anomaly score (−score) of each unit's latest scored reading. */
  private readonly latestScore: Float64Array;
  private readonly sorted: SortedValues;
  private readonly rises: RisesData;
  private readonly lastHigh: Records;
  private readonly lastLow: Records;
  private readonly lastQuiet: Records;
  private readonly startTime: Float64Array;
  private readonly endLevel: Float64Array;
  private readonly endQuiet: Float64Array;

  /** A budget over an index of these scores (indexBudget with the same time column). */
  constructor(scores: Float64Array, index: BudgetIndex, sortedTraining: Float64Array, time?: Float64Array) {
    this.scores = scores;
    this.time = time;
    this.sortedTraining = sortedTraining;
    this.groups = index.groups;
    this.levels = index.levels;
    this.scored = index.scored;
    this.lastTime = index.lastTime;
    this.latestScore = index.latest.map((s) => -s);
    this.sorted = SortedValues.from(index.sorted);
    this.rises = index.rises;
    this.lastHigh = Records.from(index.lastHigh);
    this.lastLow = Records.from(index.lastLow);
    this.lastQuiet = Records.from(index.lastQuiet);
    this.startTime = index.startTime;
    this.endLevel = index.endLevel;
    this.endQuiet = index.endQuiet;
  }

  /** Indexes the scores here and now (Node, tests; the page builds the index in a worker). */
  static of(scores: Float64Array, trainingMask: Uint8Array, opts: BudgetOptions = {}): AlarmBudget {
    const sortedTraining = opts.reference ?? sortedScores(scores, trainingMask);
    return new AlarmBudget(scores, indexBudget(scores, opts), sortedTraining, opts.time);
  }

  /** numpy-linear percentile of the training scores, as scikit-learn's offset_. */
  offsetFor(contamination: 'auto' | number): number {
    return contamination === 'auto' ? -0.5 : percentileOfSorted(this.sortedTraining, contamination);
  }

  apply(offset: number): Thresholded {
    const k = this.groups.units.length;
    const { endLevel, endQuiet } = this;
    const state = new Uint8Array(k);
    const since = new Float64Array(k);
    const counts: [number, number, number] = [0, 0, 0];
    // per unit only arrays of one entry per unit or per record: no random reads in the per-reading columns
    for (let g = 0; g < k; g++) {
      const alarm = endLevel[g] < offset;
      const code = alarm ? 0 : endQuiet[g] < offset ? 1 : 2;
      state[g] = code;
      counts[code]++;
      since[g] = code === 2 ? NaN : this.since(g, offset, alarm);
    }
    const units: FleetStates = {
      units: this.groups.units,
      state,
      since,
      lastTime: this.lastTime,
      latestScore: this.latestScore,
      counts,
      row: (g) =>
        new UnitRow(
          this,
          g,
          offset,
          this.groups.units[g],
          STATES[state[g]],
          orNull(since[g]),
          orNull(this.lastTime[g]),
          this.latestScore[g],
        ),
      indexOf: (unit) => unitIndexOf(this.groups.units, unit),
    };
    const flagged = this.sorted.below(offset);
    const raised = SortedValues.risenBelow(this.rises, offset);
    const scores = this.scores;
    let flags: Uint8Array | undefined;
    let fleet: FleetRow[] | undefined;
    return {
      offset,
      get flags() {
        return (flags ??= flagAnomalies(scores, offset));
      },
      flagged,
      share: this.scored ? flagged / this.scored : 0,
      alarmsPerUnit: k ? raised / k : 0,
      units,
      get fleet() {
        return (fleet ??= Array.from(units.units, (_, g) => units.row(g)));
      },
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
   * When the state at the unit's latest reading began. In alarm: the raise, the reading
   * after the last one whose level is at or above the offset. On watch: the later of the
   * last clear (the reading after the last one in alarm) and the start of the run of
   * readings with some of the window over (after the last one with none over).
   */
  private since(g: number, offset: number, alarm: boolean): number {
    // Each answer's position and time are read beside the search's per-unit hint, not from the records.
    if (alarm) {
      const r = this.lastHigh.record(g, offset);
      return r < 0 ? this.startTime[g] : this.lastHigh.answerTime(g);
    }
    const c = this.lastLow.record(g, offset);
    const q = this.lastQuiet.record(g, offset);
    const cleared = c < 0 ? -1 : this.lastLow.answerPosition(g) + 1;
    const quietFrom = q < 0 ? this.levels.start[g] : this.lastQuiet.answerPosition(g) + 1;
    if (cleared >= quietFrom) return this.lastLow.answerTime(g);
    return q < 0 ? this.startTime[g] : this.lastQuiet.answerTime(g);
  }

  private timeAt(p: number): number {
    const i = this.levels.row[p];
    return this.time ? this.time[i] : i;
  }
}
