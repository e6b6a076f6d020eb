// Role inference from a column's name and values, for generic CSV.
import type { ColumnRole } from './dataset.js';

const UNIT =
  /^(unit|unit_?(id|number|no|nr)|engine(_?(id|number))?|machine(_?id)?|device(_?id)?|asset(_?id)?|equipment(_?id)?|sensor_?id|id)$/i;
// Not "t": in plant data a lone T is a temperature far more often than a clock.
const TIME = /^_?(time|timestamp|date|datetime|ts|cycle|cycles|time_in_cycles|step|epoch)$/i;
const LABEL = /^(anomaly|label|is_anomaly|anomaly_label|target|fault|failure|y|class|outlier|is_outlier)$/i;
const RUL = /^(rul|remaining_useful_life)$/i;
const SETTING = /^(op_?setting_?\d*|setting_?\d+|operating_?setting_?\d*)$/i;

function isBinary(values: Float64Array): boolean {
  let seen = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (v !== 0 && v !== 1) return false;
    seen = true;
  }
  return seen;
}

function isIntegral(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v) && !Number.isInteger(v)) return false;
  }
  return true;
}

/** Every one of at least 20 values differs: a row number or reading id, not a unit that has readings. */
export function rowIds(values: Float64Array): boolean {
  if (values.length < 20) return false;
  // Stops at the first repeat: a real unit column repeats within its first rows, whatever the piece's size.
  const seen = new Set<number>();
  for (let i = 0; i < values.length; i++) {
    if (seen.has(values[i])) return false;
    seen.add(values[i]);
  }
  return true;
}

/** A name that says the column identifies something (a unit, a reading): never a health signal, even when it is not the unit. */
export const isIdName = (name: string): boolean => UNIT.test(name.trim());

/** A name that says the column orders readings in time. */
export const isTimeName = (name: string): boolean => TIME.test(name.trim());

export function inferRole(name: string, values: Float64Array): ColumnRole {
  const n = name.trim();
  if (LABEL.test(n) && isBinary(values)) return 'label';
  if (RUL.test(n)) return 'rul';
  if (UNIT.test(n) && isIntegral(values) && !rowIds(values)) return 'unit';
  if (TIME.test(n)) return 'time';
  if (SETTING.test(n)) return 'setting';
  return 'feature';
}
