// One unit's readings as the unit view draws them: time, anomaly score, and the periods its
// alarm rule held under the current threshold (flags computed here for this unit's readings
// only, with the model's k-of-n rule, exactly as the fleet board and replay apply it).
import { KofN } from '../alarms/k-of-n.js';
import { isFlagged } from '../alarms/threshold.js';
import { alarmRule } from '../model/alarm-rule.js';
import type { ModelJson } from '../model/types.js';
import type { UnitSeries } from '../services/engine-service.js';

export interface UnitTrace {
  series: UnitSeries;
  /** −score_samples per reading (NaN: not scored). */
  anomaly: Float64Array;
}

/** [from, to] times the unit was in alarm; `to` is the reading that cleared it, or the last reading. */
export function alarmPeriods(t: UnitTrace, offset: number | undefined, model: ModelJson | undefined): [number, number][] {
  if (offset === undefined || !model) return [];
  const { rows, time } = t.series;
  // −anomaly is the score exactly (negation is exact)
  const rule = new KofN(alarmRule(model));
  const order = Array.from(rows.keys()).sort((a, b) => time[a] - time[b]);
  const spans: [number, number][] = [];
  let from: number | undefined;
  for (const i of order) {
    if (Number.isNaN(t.anomaly[i])) continue; // an unscored reading neither raises nor clears
    const edge = rule.push(0, isFlagged(-t.anomaly[i], offset));
    if (edge === 1) from = time[i];
    if (edge === -1 && from !== undefined) {
      spans.push([from, time[i]]);
      from = undefined;
    }
  }
  if (from !== undefined && order.length) spans.push([from, time[order[order.length - 1]]]);
  return spans;
}

/**
 * [from, to] times of the unit's runs of readings labelled anomalous (label > 0) in the ground
 * truth, in time order: what the alarms are to be judged against. A reading without a label ends a run.
 */
export function labelPeriods(t: UnitTrace, label: Float64Array | undefined): [number, number][] {
  if (!label) return [];
  const { rows, time } = t.series;
  const order = Array.from(rows.keys()).sort((a, b) => time[a] - time[b]);
  const spans: [number, number][] = [];
  let from: number | undefined;
  let last = NaN;
  for (const i of order) {
    if (label[rows[i]] > 0) {
      from ??= time[i];
      last = time[i];
    } else if (from !== undefined) {
      spans.push([from, last]);
      from = undefined;
    }
  }
  if (from !== undefined) spans.push([from, last]);
  return spans;
}

/** The index in the series of a dataset row, or -1. */
export function indexOfRow(t: UnitTrace | undefined, row: number | undefined): number {
  if (!t || row === undefined) return -1;
  return t.series.rows.indexOf(row);
}
