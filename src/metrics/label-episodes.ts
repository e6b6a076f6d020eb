// Labelled anomalies as events, the way a maintenance team counts them: each stretch of label-1
// readings within a unit is one anomaly, caught when the unit is in alarm at any of its readings,
// after a delay from its first one; each alarm raised at a label-0 reading and cleared before a
// labelled stretch begins is one false alarm. An alarm raised early and held into the stretch is
// an early warning: the stretch is caught at once (delay 0), and no false alarm is counted.
// Per-reading F1 alone hides both: a fault caught late and one never caught can score alike.
import { columnByRole, type Dataset } from '../data/dataset.js';
import { unitTimeOrder } from '../data/order.js';
import { quantile } from './quantile.js';
import type { LevelsIndex } from '../alarms/alarm-levels.js';

export interface LabelEpisodes {
  /** Stretches of label-1 readings (within a unit, in time order). */
  anomalies: number;
  /** Of those, the ones with the unit in alarm at one of their readings or more. */
  detected: number;
  /** From a detected stretch's first reading to its first reading in alarm: in the time column's units, or in readings without one (readings without a time are passed over). */
  medianDelay: number | null;
  worstDelay: number | null;
  delayIn: 'time' | 'readings';
  /** Alarms raised at label-0 readings and cleared before a labelled stretch, and per unit (the series counts as one). */
  falseAlarms: number;
  falseAlarmsPerUnit: number;
  units: number;
}

/** Per unit, in time order: the events so far. Fed one reading at a time by either walk below. */
class EpisodeCounter {
  private readonly delays: number[] = [];
  private anomalies = 0;
  private detected = 0;
  private falseAlarms = 0;
  /** Per unit slot: inside a labelled stretch; caught; caught at a reading without a time, its delay still to take; an alarm raised at a label-0 reading still held (false unless it runs into a stretch). */
  private inStretch = new Uint8Array(16);
  private early = new Uint8Array(16);
  private caught = new Uint8Array(16);
  private pending = new Uint8Array(16);
  /** The stretch's first time (NaN until one of its readings has a time). */
  private start = new Float64Array(16);
  private readonly timed: boolean;

  constructor(timed: boolean) {
    this.timed = timed;
  }

  reading(slot: number, at: number, truth: number, inAlarm: boolean, raised: boolean): void {
    if (slot >= this.start.length) this.grow(slot);
    // An early alarm that clears, even at a reading not compared, was a false one.
    if (this.early[slot] && !inAlarm) {
      this.early[slot] = 0;
      this.falseAlarms++;
    }
    if (truth === 255) return;
    if (truth === 1) {
      this.early[slot] = 0;
      if (!this.inStretch[slot]) {
        this.inStretch[slot] = 1;
        this.start[slot] = at;
        this.caught[slot] = 0;
        this.pending[slot] = 0;
        this.anomalies++;
      } else if (this.start[slot] !== this.start[slot]) this.start[slot] = at;
      if (inAlarm && !this.caught[slot]) {
        this.caught[slot] = 1;
        this.detected++;
        this.pending[slot] = 1;
      }
      // A reading without a time neither starts the clock nor stops it: the next one with a time does.
      if (this.pending[slot] && at === at && this.start[slot] === this.start[slot]) {
        this.delays.push(at - this.start[slot]);
        this.pending[slot] = 0;
      }
    } else {
      this.inStretch[slot] = 0;
      if (raised) {
        // Still set: the earlier alarm cleared at a reading not compared, before this one rose.
        if (this.early[slot]) this.falseAlarms++;
        this.early[slot] = 1;
      }
    }
  }

  result(units: number): LabelEpisodes {
    let held = 0;
    for (let s = 0; s < this.early.length; s++) held += this.early[s];
    const falseAlarms = this.falseAlarms + held;
    const delays = this.delays.sort((a, b) => a - b);
    return {
      anomalies: this.anomalies,
      detected: this.detected,
      medianDelay: quantile(delays, 0.5),
      worstDelay: delays.length ? delays[delays.length - 1] : null,
      delayIn: this.timed ? 'time' : 'readings',
      falseAlarms,
      falseAlarmsPerUnit: falseAlarms / Math.max(1, units),
      units,
    };
  }

  private grow(slot: number): void {
    const size = Math.max(slot + 1, this.start.length * 2);
    const more = <T extends Uint8Array | Float64Array>(a: T, b: T) => (b.set(a), b);
    this.inStretch = more(this.inStretch, new Uint8Array(size));
    this.caught = more(this.caught, new Uint8Array(size));
    this.pending = more(this.pending, new Uint8Array(size));
    this.early = more(this.early, new Uint8Array(size));
    this.start = more(this.start, new Float64Array(size));
  }
}

/**
 * `truth`: 1 anomalous, 0 normal, 255 not compared (no label: such a reading neither ends nor
 * starts a stretch). `state`: the unit in alarm at each reading; `raised`: an alarm starts there.
 */
export function labelEpisodes(ds: Dataset, truth: Uint8Array, state: Uint8Array, raised: Uint8Array): LabelEpisodes {
  const unit = columnByRole(ds, 'unit')?.values;
  const time = columnByRole(ds, 'time')?.values;
  const order = unitTimeOrder(ds);
  const counter = new EpisodeCounter(time !== undefined);
  const slots = new Map<number, number>();
  const seen: number[] = [];
  let lastUnit = NaN;
  let slot = 0;
  for (let j = 0; j < ds.rows; j++) {
    const i = order ? order[j] : j;
    // Readings without a unit are one more group, as the alarm rule keys them.
    const u = unit ? unit[i] : 0;
    if (!(u === lastUnit)) {
      let s = slots.get(u);
      if (s === undefined) {
        slots.set(u, (s = slots.size));
        seen.push(0);
      }
      slot = s;
      lastUnit = u;
    }
    counter.reading(slot, time ? time[i] : seen[slot], truth[i], state[i] === 1, raised[i] === 1);
    seen[slot]++;
  }
  return counter.result(slots.size);
}

/**
 * The same events at a slider's offset from the alarm levels (alarm-levels.ts): each group's
 * readings in arrival order, in alarm iff offset > level. A pass over the readings, no replay.
 */
export function labelEpisodesAt(levels: LevelsIndex, truth: Uint8Array, time: Float64Array | undefined, offset: number): LabelEpisodes {
  const { start, row, level } = levels;
  const counter = new EpisodeCounter(time !== undefined);
  for (let g = 0; g + 1 < start.length; g++) {
    let was = false;
    for (let p = start[g]; p < start[g + 1]; p++) {
      const now = offset > level[p];
      counter.reading(g, time ? time[row[p]] : p - start[g], truth[row[p]], now, now && !was);
      was = now;
    }
  }
  return counter.result(start.length - 1);
}
