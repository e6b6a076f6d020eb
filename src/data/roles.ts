// Role inference from a column's name and values, for generic CSV.
import { DataError, type Column, type ColumnRole } from './dataset.js';

/**
 * What a fleet's rows are keyed by: the machine each reading comes from. Plant exports name it
 * after the machine ("pump_id", "MachineID"), not only "unit". With an id suffix only: "tool_no"
 * (the tool in the spindle) is a state, and a bare "press" or "cell" may hold readings.
 */
const MACHINE =
  'unit|engine|machine|device|asset|equipment|pump|motor|compressor|turbine|wtg|generator|gearbox|bearing|spindle|' +
  'robot|press|boiler|chiller|vehicle|truck|locomotive|aircraft|well|station|battery|cell|inverter|transformer|meter|rig|line|' +
  // German wind parks: Windenergieanlage, Windkraftanlage.
  'wea|wka';
const ID_SUFFIX = 'id|no|nr|num|number|code|key';
/** A number column keyed by these names is the unit (when its values are whole and repeat); bare "pump" may be a reading, "pump_id" or a serial number is not. */
const UNIT = new RegExp(
  `^(id|unit|engine|machine|device|asset|equipment|sensor_?id|serial(_?(no|nr|num|number))?|sn|vin|(${MACHINE})_?(${ID_SUFFIX}|serial|sn))$`,
);
/** A column of text under these names holds unit ids ("pump-A"), coded 1, 2, … in order of appearance. */
const TEXT_ID = new RegExp(
  `^(${UNIT.source.slice(2, -2)}|(${MACHINE})_?(name|tag|serial|sn)|serial(_?(no|nr|num|number))?|vin|tail_?(no|number))$`,
);
/** A machine word alone over text ("Pump", "Turbine"): a name only a machine goes by. */
const BARE_MACHINE = new RegExp(
  '^(unit|engine|machine|device|asset|equipment|pump|motor|compressor|turbine|wtg|generator|gearbox|spindle|robot|boiler|chiller|' +
    'vehicle|truck|locomotive|aircraft|inverter|transformer|wea|wka|' +
    // Plant exports in other languages: German, French, Spanish, Italian, Dutch.
    'anlage|maschine|pumpe|verdichter|kompressor|aggregat|geraet|pompe|moteur|compresseur|equipement|maquina|bomba|' +
    'compresor|equipo|macchina|impianto|pompa|motore|compressore|pomp|installatie)$',
);
/**
 * An id as plants write them: letters and a number, no spaces ("P1", "WTG-07", "PMP_101"), or
 * a name and a number or one letter ("Presse 1", "Kompressor A"); "OPEN", "Pump on", "1.2 bar", "85%" or "1500rpm" is a reading.
 */
const ID_CELL = /^((?=.*\d)(?=.*[a-z])[a-z0-9][a-z0-9_.#-]*|\p{L}[\p{L}\p{N}_.#-]* (\p{N}[\p{L}\p{N}]{0,2}|\p{L}))$/iu;
const READING_CELL = /^[+-]?\d+([.,]\d+)?\s*[a-z%°]+$/i;
/** Words that group machines (a production line, a station) rather than name one. */
const GROUPING = /^(line|station)(_|$)/;

/** A text column that names the machine of each reading, by its header and first cells. */
export function isTextIdName(name: string, cells: string[]): boolean {
  const key = headerKey(name);
  if (TEXT_ID.test(key)) return true;
  const ids = cells.filter((c) => c.trim() !== '');
  return BARE_MACHINE.test(key) && ids.length > 0 && ids.every((c) => ID_CELL.test(c.trim()) && !READING_CELL.test(c.trim()));
}

/** How well a header names the machine of each reading: 0 "unit…", 1 a machine's id, 2 a bare machine word, 3 a bare id or serial, 4 a line or station. */
function unitRank(name: string): number {
  const key = headerKey(name);
  if (key.startsWith('unit')) return 0;
  if (GROUPING.test(key)) return 4;
  if (BARE_MACHINE.test(key)) return 2;
  if (/^(id|sensor_?id|serial.*|sn|vin|tail_?(no|number))$/.test(key)) return 3;
  return 1;
}

/** The best named of these unit candidates (the first of equals), or -1 when there are none. */
export function bestUnit(names: string[]): number {
  let best = -1;
  names.forEach((n, i) => {
    if (best < 0 || unitRank(n) < unitRank(names[best])) best = i;
  });
  return best;
}

/**
 * One unit column: a file may name both a line and its machines ("line", "pump_id"), and the
 * machine keys each series. Another id of numbers stays an id, never a feature (isIdName); one of
 * text is text again (asText). Returns the indexes of the columns no longer the unit.
 */
export function keepOneUnit(columns: Column[]): number[] {
  const units = columns.flatMap((c, i) => (c.role === 'unit' ? [i] : []));
  if (units.length < 2) return [];
  return demoteUnits(columns, units[bestUnit(units.map((i) => columns[i].name))]);
}

/** Every unit column but `keep` made a feature again (text ids text again); returns their indexes. */
function demoteUnits(columns: Column[], keep: number): number[] {
  const out = columns.flatMap((c, i) => (c.role === 'unit' && i !== keep ? [i] : []));
  for (const i of out) {
    columns[i].role = 'feature';
    if (columns[i].labels) asText(columns[i]);
  }
  return out;
}

/** A unit column named by the user: `required` refuses a file without it; a model's recorded key is not required. */
export interface UnitColumnChoice {
  name: string | null;
  required: boolean;
}

/**
 * The named column as the unit (-1: none), whatever its name or values; any other unit column
 * is demoted as keepOneUnit demotes. A time column cannot be the unit. Returns the demoted.
 */
export function onlyUnit(columns: Column[], named: number): number[] {
  if (named >= 0) {
    const c = columns[named];
    if (c.role === 'time' || c.timestamp) throw new DataError(`column "${c.name}" holds the readings' times; it cannot be the unit column`);
    c.role = 'unit';
  }
  return demoteUnits(columns, named);
}

/** A column of coded text ids read as any text column is: missing, counted non-numeric. */
export function asText(c: Column): void {
  c.role = 'feature';
  c.nonNumeric += c.values.length - c.missing - c.nonNumeric;
  c.values.fill(NaN);
  delete c.labels;
}

/** A header that is a machine word alone ("Turbine", "Pump"): over whole numbers it may be a machine number or a reading. */
export const isMachineWord = (name: string): boolean => BARE_MACHINE.test(headerKey(name));

/** A header as lower-case words joined by "_": "MachineID", "Machine ID" and "machine-id" are all "machine_id". */
export function headerKey(name: string): string {
  return (
    name
      .trim()
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
      .toLowerCase()
      // Accents go (Máquina is maquina, Gerät geraet as German writes it without umlauts), and every other sign is a word break.
      .replace(/[äöü]/g, (c) => `${c.normalize('NFD')[0]}e`)
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/ß/g, 'ss')
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
  );
}

// Not "t": in plant data a lone T is a temperature far more often than a clock.
const TIME = /^_?(time|timestamp|date|datetime|ts|cycle|cycles|time_in_cycles|step|epoch)$/i;
// Also as German, French, Spanish and Italian exports name it (Störung, défaut, falla, guasto).
const LABEL =
  /^(anomaly|label|is_anomaly|anomaly_label|target|fault|failure|y|class|outlier|is_outlier|st(ö|oe)rung|fehler|ausfall|anomalie|d(é|e)faut|panne|falla|fallo|anomal(í|i)a|guasto|avaria)$/i;
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

/** Whole numbers, at least one: a column of nothing but missing cells keys no unit. */
function isIntegral(values: Float64Array): boolean {
  let seen = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (!Number.isInteger(v)) return false;
    seen = true;
  }
  return seen;
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

/**
 * Whole numbers as ids where a double would merge two of them: "7" beside "007" among these cells,
 * or a serial of 16 digits or more (past 2^53 neighbours share a double). Such ids are read as text,
 * as written. Ids padded to one width ("0001", "0002") merge nothing: they stay numbers.
 */
export function mergesAsNumbers(cells: string[]): boolean {
  const ids = cells.map((c) => c.trim());
  if (!ids.every((c) => /^\d+$/.test(c))) return false;
  if (ids.some((c) => c.length >= 16)) return true;
  const written = new Map<number, string>();
  return ids.some((c) => {
    const first = written.get(Number(c));
    if (first === undefined) written.set(Number(c), c);
    return first !== undefined && first !== c;
  });
}

/** A name that says the column identifies something (a unit, a reading): never a health signal, even when it is not the unit. */
export const isIdName = (name: string): boolean => UNIT.test(headerKey(name));

/**
 * A production batch, lot or order ("Charge" and "Auftrag" in German exports, "batch_no", "LotID"):
 * it numbers what was made, not how the machine is, and a new batch would look anomalous for its number.
 */
const BATCH =
  /^((batch|lot|charge|charg|chargen|auftrag|work_?order|job|recipe|rezept)(_?(id|no|nr|num|number|code|key|nummer))?|order_?(id|no|nr|num|number|nummer))$/;
export const isBatchName = (name: string): boolean => BATCH.test(headerKey(name));

/** A name that says the column orders readings in time. */
export const isTimeName = (name: string): boolean => TIME.test(name.trim());

export function inferRole(name: string, values: Float64Array): ColumnRole {
  const n = name.trim();
  if (LABEL.test(n) && isBinary(values)) return 'label';
  if (RUL.test(n)) return 'rul';
  if (UNIT.test(headerKey(n)) && isIntegral(values) && !rowIds(values)) return 'unit';
  if (TIME.test(n)) return 'time';
  if (SETTING.test(n)) return 'setting';
  return 'feature';
}
