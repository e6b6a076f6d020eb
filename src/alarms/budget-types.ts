// What a slider frame gives the page, whichever way it is computed: the row pass
// (row-pass-budget.ts, at once) or the index built once per scores (alarm-budget.ts, in a
// worker). Both give the same figures (test/slider-frame.test.ts).
import type { DebounceSettings } from './k-of-n.js';

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

/** A unit's state as a code (FleetStates.state): 0 alarm, 1 watch, 2 healthy. */
export const STATES: readonly UnitState[] = ['alarm', 'watch', 'healthy'];

/**
 * Every unit's state at its latest reading as typed arrays (index g: units in the order of
 * their first reading, the same on every frame of one budget), so a frame makes no object
 * per unit; a row object is made for the units a view shows.
 */
export interface FleetStates {
  units: readonly number[];
  /** STATES code per unit. */
  state: Uint8Array;
  /** When the state began (NaN: healthy). */
  since: Float64Array;
  /** Time of the latest scored reading (NaN: none). */
  lastTime: Float64Array;
  latestScore: Float64Array;
  /** Units in alarm, on watch, healthy. */
  counts: readonly [number, number, number];
  /** Unit g as a row (its own counts computed when read). */
  row(g: number): FleetRow;
  /** g of a unit, or -1. */
  indexOf(unit: number): number;
}

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
  /** Every reading's flag (1: over the threshold). */
  readonly flags: Uint8Array;
  flagged: number;
  share: number;
  /** Raised alarms per unit. */
  alarmsPerUnit: number;
  /** The units' states: what a frame computes. */
  units: FleetStates;
  /** One row per unit, in the units' order of first reading (made when first read: prefer `units`). */
  readonly fleet: FleetRow[];
}

/** A unit's position among `units`, by a map made once per units list. */
const positions = new WeakMap<readonly number[], Map<number, number>>();
export function unitIndexOf(units: readonly number[], unit: number): number {
  let map = positions.get(units);
  if (!map) positions.set(units, (map = new Map(units.map((u, g) => [u, g]))));
  return map.get(unit) ?? -1;
}

/** Re-thresholds one set of cached scores. */
export interface Budget {
  /** The training rows' scores, sorted: percentiles come from them. */
  readonly sortedTraining: Float64Array;
  offsetFor(contamination: 'auto' | number): number;
  apply(offset: number): Thresholded;
}
