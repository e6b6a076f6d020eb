// A unit's row on the fleet board: its state and since, as a frame computed them, and its
// own counts (a pass over that unit's readings), computed when read: the board reads state
// and since of every unit, counts of the one shown.
import type { FleetRow, UnitState } from './budget-types.js';

/** What a row asks its budget for. */
export interface UnitCounts {
  unitCounts(g: number, offset: number): { readings: number; flagged: number; alarms: number; firstAlarmTime: number | null };
}

/** A fleet row whose own counts are computed when read (the board reads state and since of every unit, counts of one). */
export class UnitRow implements FleetRow {
  readonly unit: number;
  readonly state: UnitState;
  readonly since: number | null;
  readonly lastTime: number | null;
  readonly latestScore: number;
  // ES private fields: not own enumerable properties, so a row copies or serializes as its figures alone
  readonly #budget: UnitCounts;
  readonly #g: number;
  readonly #offset: number;

  constructor(
    budget: UnitCounts,
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
    return this.#budget.unitCounts(this.#g, this.#offset).readings;
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
