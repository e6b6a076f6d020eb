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
  /** One row per unit, in the units' order of first reading (the same order on every frame of a budget). */
  fleet: FleetRow[];
}

/** Re-thresholds one set of cached scores. */
export interface Budget {
  /** The training rows' scores, sorted: percentiles come from them. */
  readonly sortedTraining: Float64Array;
  offsetFor(contamination: 'auto' | number): number;
  apply(offset: number): Thresholded;
}
