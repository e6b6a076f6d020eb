// Long ("tall") readings, as historians export them: one reading per row, a time, a tag
// naming the sensor and the reading's value. Read into one column per tag and one row per
// unit and time, the wide table every later step works on.
import { dedupe } from './csv-sniff.js';
import { DataError, type Column } from './dataset.js';
import { inferRole, isIdName, isTimeName } from './roles.js';
import { forEachUnitRun } from './unit-runs.js';

/**
 * A column naming the sensor of each reading (PI's Tag, InfluxDB's _field, Kepware's _NAME).
 * Not a bare "name" or "field": in a wide file those name an operator or a plot.
 */
const TAG_NAME =
  /^(_?(tag|tag_?name|tagname|tag_?id|sensor|sensor_?name|sensor_?id|signal|signal_?name|variable|channel|parameter|point|point_?name|metric|metric_?name|attribute|item_?name)|_name|_field)$/i;
/** The column holding each reading's value. */
const VALUE_NAME = /^_?(value|val|reading|pv)$/i;
/** What historians write beside each reading that is not one (PI's quality, InfluxDB's table and window, Kepware's numeric id): left out. */
const BESIDE =
  /^_?(quality|status|flags?|table|result|measurement|start|stop|units?|uom|eng_?units|description|questionable|substituted|annotated|numeric_?id)$/i;
const UNIT_SYMBOL =
  /^(°?[CFK]|deg ?[CF]|degc|degf|bar|mbar|bara|barg|psi|psia|psig|kpa|mpa|pa|%|rpm|hz|v|mv|kv|a|ma|kw|w|mw|kwh|mm\/s|m\/s|m3\/h|m³\/h|l\/min|l\/h|gpm|in|mm|m|kg|t|s|ms|min|h|ppm|ph|g|nm)$/i;

/** A caption under a header that reads as a unit of measure: a known symbol, or one word with °, /, % or a power ("1/min", "m³/h"). */
export const isMeasure = (cell: string): boolean => {
  const t = cell.trim();
  return UNIT_SYMBOL.test(t) || (t.length <= 12 && /[°/%²³]/.test(t) && !/\s/.test(t));
};

/** A column of engineering units (°C, bar) beside each reading, which "Unit" names in a long file: not a machine. */
export function isEngineeringUnits(name: string, cells: string[]): boolean {
  return /^_?(units?|uom|eng_?units?)$/i.test(name.trim()) && cells.length > 0 && cells.every((c) => UNIT_SYMBOL.test(c.trim()));
}

/** A text column of a long file that says where a reading comes from (InfluxDB's host): its unit. */
const SOURCE_NAME = /^_?(host|site|line|plant|station|location|area|source|node|server|asset|machine|device|equipment)$/i;

/** What the first rows showed of a column: text in every cell, a number in some, dates or clock times, nothing. */
export type ProbeKind = 'text' | 'number' | 'time' | 'empty';

/** The tag and value columns of a long file, by index, and a text column of sources to read as its unit. */
export interface LongShape {
  tag: number;
  value: number;
  source?: number;
}

/**
 * The long shape, when the header names one tag column and one value column, with a time, and
 * no other reading beside them. By names: a file sorted by tag shows one tag in its first rows,
 * and that tag may be numbered (101) or dead (every value "I/O Timeout").
 */
export function longShape(names: string[], kinds: ProbeKind[]): LongShape | undefined {
  const tags = names.flatMap((n, i) => ((kinds[i] === 'text' || kinds[i] === 'number') && TAG_NAME.test(n.trim()) ? [i] : []));
  const values = names.flatMap((n, i) => (kinds[i] !== 'time' && VALUE_NAME.test(n.trim()) ? [i] : []));
  if (tags.length !== 1 || values.length !== 1) return undefined;
  if (!kinds.includes('time') && !names.some((n, i) => kinds[i] === 'number' && isTimeName(n))) return undefined;
  // In a wide file the value column would be one reading of several.
  const reading = (n: string, i: number) =>
    kinds[i] === 'number' && i !== values[0] && i !== tags[0] && !isTimeName(n) && !isIdName(n) && !BESIDE.test(n.trim());
  if (names.some(reading)) return undefined;
  const source = names.findIndex((n, i) => kinds[i] === 'text' && i !== tags[0] && SOURCE_NAME.test(n.trim()));
  return { tag: tags[0], value: values[0], ...(source >= 0 ? { source } : {}) };
}

/** The wide table of long readings, and what was made of them for the notes. */
export function pivotLong(
  columns: Column[],
  shape: LongShape,
  maxValues: number,
): { columns: Column[]; rows: number; notes: string[]; dropped: number[] } {
  const tag = columns[shape.tag];
  const value = columns[shape.value];
  const time =
    columns.find((c) => c.timestamp && isTimeName(c.name)) ?? columns.find((c) => c.timestamp) ?? columns.find((c) => c.role === 'time');
  if (!time) throw new DataError(`one reading per row (${tag.name}, ${value.name}) but no column of times to order them`);
  // A unit column of text that was not coded (engineering units, °C and bar) keys nothing.
  const unit = columns.find(
    (c, i) => c.role === 'unit' && i !== shape.tag && i !== shape.value && c.missing + c.nonNumeric < c.values.length,
  );
  const tagNames = tag.labels ?? [];
  const n = tag.values.length;
  // A row per unit and time, in order of first appearance.
  const rowOf = new Map<number, Map<number, number>>();
  const wideUnit: number[] = [];
  const wideTime: number[] = [];
  const rowAt = new Int32Array(n).fill(-1);
  let left = 0;
  for (let r = 0; r < n; r++) {
    const t = time.values[r];
    const u = unit ? unit.values[r] : 0;
    if (Number.isNaN(t) || Number.isNaN(tag.values[r]) || Number.isNaN(u)) {
      left++;
      continue;
    }
    let times = rowOf.get(u);
    if (!times) rowOf.set(u, (times = new Map<number, number>()));
    let w = times.get(t);
    if (w === undefined) {
      times.set(t, (w = wideTime.length));
      wideUnit.push(u);
      wideTime.push(t);
    }
    rowAt[r] = w;
  }
  // Units in order of first appearance, each in time order: the readings as they happened.
  const unitRank = new Map([...rowOf.keys()].map((u, k) => [u, k]));
  const order = Array.from(wideTime, (_, w) => w).sort(
    (a, b) => unitRank.get(wideUnit[a])! - unitRank.get(wideUnit[b])! || wideTime[a] - wideTime[b],
  );
  const place = new Int32Array(order.length);
  order.forEach((w, k) => (place[w] = k));
  const rows = order.length;
  // Tags recorded at their own times make a row per reading: the table may be far bigger than the file.
  if (rows * (tagNames.length + 2) > maxValues)
    throw new DataError(
      `one reading per row read into one column per ${tag.name} is ${rows.toLocaleString('en-US')} rows × ${tagNames.length.toLocaleString('en-US')} ${tag.name}s, more than the ${maxValues.toLocaleString('en-US')} values isoscope holds: keep fewer ${tag.name}s, or a shorter stretch`,
    );
  const perTag = tagNames.map(() => new Float64Array(rows).fill(NaN));
  const given = tagNames.map(() => new Uint8Array(rows));
  let repeated = 0;
  for (let r = 0; r < n; r++) {
    if (rowAt[r] < 0) continue;
    const t = tag.values[r] - 1;
    const k = place[rowAt[r]];
    if (given[t][k]) repeated++;
    given[t][k] = 1;
    perTag[t][k] = value.values[r];
  }
  const unitAt = unit ? Float64Array.from(order, (w) => wideUnit[w]) : undefined;
  let held = 0;
  perTag.forEach((values, t) => (held += holdLast(values, given[t], unitAt)));
  const names = dedupe([...(unit ? [unit.name] : []), time.name, ...tagNames]);
  const out: Column[] = [];
  const at = (values: number[]) => Float64Array.from(order, (w) => values[w]);
  if (unit) out.push({ ...unit, values: at(wideUnit), missing: 0, nonNumeric: 0 });
  out.push({ ...time, name: names[out.length], role: 'time', values: at(wideTime), missing: 0, nonNumeric: 0 });
  perTag.forEach((values) => {
    const name = names[out.length];
    let missing = 0;
    for (let i = 0; i < rows; i++) if (Number.isNaN(values[i])) missing++;
    // A tag is a reading, whatever it is called ("cycle", "unit"); a 0/1 "fault" tag is still ground truth.
    const role = inferRole(name, values);
    out.push({ name, role: role === 'label' || role === 'rul' ? role : 'feature', values, missing, nonNumeric: 0 });
  });
  const kept = new Set([shape.tag, shape.value, columns.indexOf(time), unit ? columns.indexOf(unit) : -1]);
  const droppedAt = columns.flatMap((_, i) => (kept.has(i) ? [] : [i]));
  const dropped = droppedAt.map((i) => columns[i].name);
  const shown = tagNames.slice(0, 5).join(', ') + (tagNames.length > 5 ? ', …' : '');
  const notes = [
    `one reading per row (${time.name}, ${tag.name}, ${value.name}) read as one column per ${tag.name}: ${tagNames.length} column(s) (${shown}), ${rows.toLocaleString('en-US')} rows of ${n.toLocaleString('en-US')} readings`,
  ];
  if (held)
    notes.push(
      `${held.toLocaleString('en-US')} cell(s) hold their ${tag.name}'s last reading: the ${tag.name}s were recorded at different times, and a reading stands until the next`,
    );
  if (left) notes.push(`${left} reading(s) without a ${unit ? 'unit, ' : ''}time or ${tag.name} were left out`);
  if (repeated) notes.push(`${repeated} reading(s) of a ${tag.name} at a time it already had a reading: the later one is kept`);
  if (dropped.length) notes.push(`left out, as they are not readings: ${dropped.join(', ')}`);
  return { columns: out, rows, notes, dropped: droppedAt };
}

/**
 * Historians record a tag when it changes, each at its own times: a tag holds its last reading
 * (within its unit) until its next, as their "previous value" reads do. After its last reading
 * in a unit it holds no longer than its longest gap there, so a tag that stopped is not read as
 * flat to the end. A reading given as missing stays missing. Returns the cells filled.
 */
function holdLast(values: Float64Array, given: Uint8Array, unitAt: Float64Array | undefined): number {
  let held = 0;
  const hold = (from: number, to: number) => {
    // The unit's rows are [from, to): its longest gap between two of the tag's readings.
    let last = -1;
    let gap = 0;
    for (let k = from; k < to; k++)
      if (given[k]) {
        if (last >= 0) gap = Math.max(gap, k - last);
        last = k;
      }
    let prev = -1;
    for (let k = from; k < to; k++) {
      if (given[k]) prev = k;
      else if (prev >= 0 && !Number.isNaN(values[prev]) && (k < last || k - last <= gap)) {
        values[k] = values[prev];
        held++;
      }
    }
  };
  if (unitAt) forEachUnitRun(unitAt, values.length, (_, from, to) => hold(from, to));
  else hold(0, values.length);
  return held;
}
