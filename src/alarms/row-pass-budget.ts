// The alarm budget by a pass over every row per threshold: each unit's k-of-n rule replayed
// over its readings. The page answers slider frames with it from the moment the scores
// arrive, until the index (alarm-budget.ts) has been built in a worker; it is also the
// reference the index must equal (test/slider-frame.test.ts).
import { KofN, SINGLE_READING } from './k-of-n.js';
import { isFlagged, percentileOfSorted, sortedScores } from './threshold.js';
import {
  STATES,
  unitIndexOf,
  type Budget,
  type BudgetOptions,
  type FleetRow,
  type FleetStates,
  type Thresholded,
  type UnitState,
} from './budget-types.js';

export class RowPassBudget implements Budget {
  readonly sortedTraining: Float64Array;
  private readonly scores: Float64Array;
  private readonly time?: Float64Array;
  private readonly flags: Uint8Array;
  private readonly unitIndex: Int32Array;
  private readonly units: number[];
  private readonly debounce: KofN;
  private readonly order?: Int32Array;

  constructor(scores: Float64Array, trainingMask: Uint8Array, opts: BudgetOptions = {}) {
    const { unit, time } = opts;
    this.scores = scores;
    this.time = time;
    this.debounce = new KofN(opts.rule ?? SINGLE_READING);
    this.order = opts.order;
    this.flags = new Uint8Array(scores.length);
    this.sortedTraining = opts.reference ?? sortedScores(scores, trainingMask);
    // Dense unit indices, so a re-threshold is one pass with array counters.
    const index = new Map<number, number>();
    this.unitIndex = new Int32Array(scores.length).fill(-1);
    if (unit) {
      let lastUnit = NaN;
      let lastK = -1;
      for (let i = 0; i < scores.length; i++) {
        const u = unit[i];
        if (Number.isNaN(u)) continue;
        if (u !== lastUnit) {
          // a unit's readings come in runs: one lookup per run
          let k = index.get(u);
          if (k === undefined) index.set(u, (k = index.size));
          lastUnit = u;
          lastK = k;
        }
        this.unitIndex[i] = lastK;
      }
    }
    this.units = [...index.keys()];
    this.debounce.reserve(this.units.length);
  }

  /** numpy-linear percentile of the training scores, as scikit-learn's offset_. */
  offsetFor(contamination: 'auto' | number): number {
    return contamination === 'auto' ? -0.5 : percentileOfSorted(this.sortedTraining, contamination);
  }

  apply(offset: number): Thresholded {
    const n = this.scores.length;
    const k = this.units.length;
    const readings = new Int32Array(k);
    const flaggedBy = new Int32Array(k);
    let flagged = 0;
    let scored = 0;
    for (let i = 0; i < n; i++) {
      const s = this.scores[i];
      const f = isFlagged(s, offset);
      this.flags[i] = f;
      flagged += f;
      if (!Number.isNaN(s)) scored++;
      const u = this.unitIndex[i];
      if (u < 0) continue;
      readings[u]++;
      flaggedBy[u] += f;
    }
    const { raised, first, since, lastTime, latest } = this.alarms(k);
    const time = (t: number) => (Number.isNaN(t) ? null : t);
    const fleet = this.units.map((unit, j): FleetRow => {
      const { alarm, count } = this.debounce.slotState(j);
      const state: UnitState = alarm ? 'alarm' : count > 0 ? 'watch' : 'healthy';
      return {
        unit,
        readings: readings[j],
        flagged: flaggedBy[j],
        alarms: raised[j],
        firstAlarmTime: time(first[j]),
        state,
        since: state === 'healthy' ? null : time(since[j]),
        lastTime: time(lastTime[j]),
        latestScore: -latest[j],
      };
    });
    const totalRaised = raised.reduce((a, b) => a + b, 0);
    const share = scored ? flagged / scored : 0;
    return { offset, flags: this.flags, flagged, share, alarmsPerUnit: k ? totalRaised / k : 0, fleet, units: this.states(fleet) };
  }

  /** The fleet's rows as typed arrays, as the index gives them. */
  private states(fleet: FleetRow[]): FleetStates {
    const counts: [number, number, number] = [0, 0, 0];
    const state = Uint8Array.from(fleet, (r) => STATES.indexOf(r.state));
    state.forEach((c) => counts[c]++);
    return {
      units: this.units,
      state,
      since: Float64Array.from(fleet, (r) => r.since ?? NaN),
      lastTime: Float64Array.from(fleet, (r) => r.lastTime ?? NaN),
      latestScore: Float64Array.from(fleet, (r) => r.latestScore),
      counts,
      row: (g) => fleet[g],
      indexOf: (unit) => unitIndexOf(this.units, unit),
    };
  }

  /** The rule over each unit's readings in arrival order; an unscored reading neither raises nor clears. */
  private alarms(k: number): {
    raised: Int32Array;
    first: Float64Array;
    since: Float64Array;
    lastTime: Float64Array;
    latest: Float64Array;
  } {
    const raised = new Int32Array(k);
    const first = new Float64Array(k).fill(NaN);
    // since: the latest raise while in alarm, else the first over-threshold reading after a clear window.
    const since = new Float64Array(k).fill(NaN);
    const lastTime = new Float64Array(k).fill(NaN);
    const latest = new Float64Array(k).fill(NaN);
    if (!k) return { raised, first, since, lastTime, latest };
    const debounce = this.debounce;
    debounce.reset();
    const n = this.scores.length;
    const { order, unitIndex, scores, flags } = this;
    for (let j = 0; j < n; j++) {
      const i = order ? order[j] : j;
      const u = unitIndex[i];
      if (u < 0 || scores[i] !== scores[i]) continue; // NaN: unscored
      const t = this.time ? this.time[i] : i;
      if (flags[i] && debounce.slotCount(u) === 0) since[u] = t;
      const edge = debounce.pushSlot(u, flags[i]);
      if (edge === 1) {
        raised[u]++;
        if (Number.isNaN(first[u])) first[u] = t;
      }
      if (edge !== 0) since[u] = t; // a raise starts an alarm; a clear with readings still over starts a watch
      lastTime[u] = t;
      latest[u] = scores[i];
    }
    return { raised, first, since, lastTime, latest };
  }
}
