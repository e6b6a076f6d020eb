// Long ("tall") readings, as historians export them: one reading per row, a time, a tag
// naming the sensor and the reading's value. Read into one column per tag and one row per
// unit and time, the wide table every later step works on.
import { dedupe } from './csv-sniff.js';
import type { Column } from './dataset.js';
import { inferRole, isIdName, isTimeName } from './roles.js';

/** A column naming the sensor of each reading (PI's tag, InfluxDB's _field). */
const TAG_NAME =
  /^_?(tag|tag_?name|tagname|sensor|sensor_?name|sensor_?id|signal|signal_?name|variable|channel|parameter|point|point_?name|metric|metric_?name|field|attribute|name)$/i;
/** The column holding each reading's value. */
const VALUE_NAME = /^_?(value|val|reading|pv)$/i;
/** What historians write beside each reading that is not one (PI's quality, InfluxDB's table and window): left out. */
const BESIDE =
  /^_?(quality|status|flags?|table|result|measurement|start|stop|units?|uom|eng_?units|description|questionable|substituted|annotated)$/i;

/** What the first rows showed of a column: text in every cell, a number in some, dates or clock times, nothing. */
export type ProbeKind = 'text' | 'number' | 'time' | 'empty';

/** The tag and value columns of a long file, by index. */
export interface LongShape {
  tag: number;
  value: number;
}

/** The long shape, when the header names one tag column of text and one value column, with a time, and no other reading beside them. */
export function longShape(names: string[], kinds: ProbeKind[]): LongShape | undefined {
  const tags = names.flatMap((n, i) => (kinds[i] === 'text' && TAG_NAME.test(n.trim()) ? [i] : []));
  const values = names.flatMap((n, i) => (kinds[i] === 'number' && VALUE_NAME.test(n.trim()) ? [i] : []));
  if (tags.length !== 1 || values.length !== 1) return undefined;
  if (!kinds.includes('time') && !names.some((n, i) => kinds[i] === 'number' && isTimeName(n))) return undefined;
  // In a wide file the value column would be one reading of several.
  const reading = (n: string, i: number) =>
    kinds[i] === 'number' && i !== values[0] && !isTimeName(n) && !isIdName(n) && !BESIDE.test(n.trim());
  return names.some(reading) ? undefined : { tag: tags[0], value: values[0] };
}

/** The wide table of long readings, and what was made of them for the notes. */
export function pivotLong(columns: Column[], shape: LongShape): { columns: Column[]; rows: number; notes: string[]; dropped: number[] } {
  const tag = columns[shape.tag];
  const value = columns[shape.value];
  const time =
    columns.find((c) => c.timestamp && isTimeName(c.name)) ?? columns.find((c) => c.timestamp) ?? columns.find((c) => c.role === 'time')!;
  const unit = columns.find((c) => c.role === 'unit');
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
  // Historians record a tag when it changes, each at its own times: a tag holds its last reading
  // (within its unit) until its next, as their "previous value" reads do. A reading given as
  // missing stays missing.
  const unitAt = unit ? Float64Array.from(order, (w) => wideUnit[w]) : undefined;
  let held = 0;
  perTag.forEach((values, t) => {
    for (let k = 1; k < rows; k++)
      if (!given[t][k] && (!unitAt || unitAt[k] === unitAt[k - 1]) && !Number.isNaN(values[k - 1])) {
        values[k] = values[k - 1];
        held++;
      }
  });
  const names = dedupe([...(unit ? [unit.name] : []), time.name, ...tagNames]);
  const out: Column[] = [];
  const at = (values: number[]) => Float64Array.from(order, (w) => values[w]);
  if (unit) out.push({ ...unit, values: at(wideUnit), missing: 0, nonNumeric: 0 });
  out.push({ ...time, name: names[out.length], role: 'time', values: at(wideTime), missing: 0, nonNumeric: 0 });
  perTag.forEach((values) => {
    const name = names[out.length];
    let missing = 0;
    for (let i = 0; i < rows; i++) if (Number.isNaN(values[i])) missing++;
    out.push({ name, role: inferRole(name, values), values, missing, nonNumeric: 0 });
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
