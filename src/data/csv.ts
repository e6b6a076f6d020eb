// Generic CSV, fed text in pieces of any size: the first lines choose the delimiter
// (PapaParse's guess, checked for even splits), the first record decides header or
// data, the first 50 rows spot timestamp, text-id and text ground-truth columns (and, in a ';' file,
// decimal commas: "1,5" is 1.5), and then every field goes straight into its column. The result never depends on how the text was cut.
import { TextCodes } from './text-codes.js';
import { FieldSplitter, type FieldSink } from './csv-fields.js';
import { ColumnBuilder, isDecimalCommaToken, isMissingCode, isMissingToken, isNumberToken } from './numbers.js';
import { MAX_LABEL_TEXTS, csvNotes, type CellTally } from './csv-notes.js';
import { DateOrderWatch } from './date-order-watch.js';
import { DataError, type Column, type ColumnRole, type Dataset } from './dataset.js';
import { MAX_COLUMNS, MAX_TEXT_IDS, MAX_VALUES } from './limits.js';
import {
  asText,
  bestUnit,
  inferRole,
  isTextIdName,
  keepOneUnit,
  mergesAsNumbers,
  onlyUnit,
  rowIds,
  type UnitColumnChoice,
} from './roles.js';
import { isEngineeringUnits, isMeasure, longShape, pivotLong, type LongShape, type ProbeKind } from './long-format.js';
import { MAX_TRAILING_LINES, isSummaryRow, sameFirstCell, trailingNote, type HeldRecord } from './csv-tail.js';
import { dedupe, detectDelimiter, isNormalLabel, isTextLabel, preamble } from './csv-sniff.js';
import {
  clockMs,
  hasAmPm,
  hasTwoDigitYear,
  hasZone,
  isDateOnly,
  isSlashedDate,
  looksLikeTime,
  otherOrder,
  parseTimestamp,
  slashedOrder,
  type SlashedOrder,
} from './csv-dates.js';

/** Text held back to choose the delimiter: the first 20 lines, at most this much. */
const HEAD_CHARS = 64 * 1024;
const HEAD_LINES = 20;
/** Body rows looked at to spot timestamp and text-id columns. */
const PROBE_ROWS = 50;
/** Distinct ids of a number column watched for "1" and "01" read as one. */
const WATCHED_IDS = 10_000;
/** A number with its thousands grouped by points, as decimal-comma locales write it: 1.012 or -1.202,5. */
const GROUPED = /^[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$/;
/** The same with a decimal comma (1.012,5): points that can only group thousands, whatever the column's first rows showed. */
const GROUPED_DECIMAL = /^[+-]?[1-9]\d{0,2}(\.\d{3})+,\d+$/;

/** A text id after number ids: letters and a digit, no spaces ("A7", "P-12", "pump_3b"). */
const LATE_ID = /^(?=.*\d)(?=.*\p{L})[\p{L}\p{N}][\p{L}\p{N}_.#-]*$/u;

/** At least 4 in 5 of the cells pass, or all but one of at least two. */
function mostly(cells: string[], ok: (cell: string) => boolean): boolean {
  let good = 0;
  for (const c of cells) if (ok(c)) good++;
  const bad = cells.length - good;
  return good > 0 && (bad === 0 || (good >= 2 && (bad === 1 || bad * 5 <= cells.length)));
}

/** What a line of units under the header never holds in a reading's column: on/off words, and what loggers write for a failed reading. */
const NOT_A_UNIT = /^(true|false|on|off|yes|no|#.*|err(or)?|bad|fault|invalid|fail(ed)?|nan|null|none|-+|\?+|x+)$/i;

export class CsvParser implements FieldSink {
  private head = '';
  private headScanned = 0;
  private headLines = 0;
  private headCut = -1;
  private splitter?: FieldSplitter;
  private phase: 'first' | 'probe' | 'body' = 'first';
  /** The record under way: its field count, its first field (held until it is known not to be a blank line), its cells while probing. */
  private fields = 0;
  private firstField = '';
  private row: string[] = [];
  private probe: string[][] = [];
  private names: string[] = [];
  private builders: ColumnBuilder[] = [];
  private maxRows = 0;
  private timestampCols = new Set<number>();
  /** Slashed dates per column: day or month first, and why (for the note). */
  private dateOrders = new Map<number, SlashedOrder>();
  /** While the order is assumed, the dates that may tell it. */
  private dateWatch?: DateOrderWatch;
  /** Per slashed column: cells that are dates only in the other order (a sign the order is wrong). */
  private orderDoubts = new Map<number, { count: number; first: string }>();
  /** Per column: cells whose points were read as thousands separators. */
  private groupedCells: number[] = [];
  /** Timestamp columns whose times carry no zone: read as UTC, and said. */
  private zoneless: number[] = [];
  /** Timestamp columns with two-digit years (01/03/24): read in the POSIX century window, and said. */
  private twoDigitYears: number[] = [];
  /** Per column: cells read with a decimal comma. */
  private commaCells: number[] = [];
  /** Columns of clock times ("13:05:30"), read as ms since midnight. */
  private clockCols = new Set<number>();
  /** A date column and the clock column beside it, read as one timestamp in the date column. */
  private joined?: { date: number; clock: number };
  /** A file of one reading per row (time, tag, value), read into one column per tag once the text has ended. */
  private long?: LongShape;
  /** The long file's tags, coded 1, 2, … in order of appearance. */
  private tags = new TextCodes();
  /** The columns a long file's reading leaves out (PI's quality): nothing is said of their cells. */
  private leftOut = new Set<number>();
  /** Lines under the header of text where the rows below hold numbers: units or descriptions. */
  private captions: string[][] = [];
  /** Records whose every field is blank (";;;;"), skipped. */
  private blankRows = 0;
  private recordHasText = false;
  private textUnits = new Map<number, TextCodes>();
  /** Number columns that may key the units: each id's value and how it was first written, to catch "1" and "01" made one. */
  private idForms = new Map<number, Map<number, string>>();
  /** Per such column, the first two ids written apart that read as one number. */
  private mergedIds = new Map<number, [string, string]>();
  /** Number id columns read as text from a later row on: where, and the id that turned them. */
  private lateTextIds = new Map<number, { row: number; text: string }>();
  /** Those columns' ids before the turn: each number's first written form. */
  private turned = new Map<number, Map<number, string>>();
  /** A text id column another column outranked as the unit: its cells are text from then on. */
  private textOut = new Set<number>();
  private unitSettled = false;
  /** Text ground truth ("NORMAL", "BROKEN"): read as 0 for a healthy word, 1 for any other; the texts seen, for the note. */
  private textLabels = new Map<number, Map<string, number>>();
  /** Ground-truth columns with more distinct texts than their note names. */
  private moreLabels = new Set<number>();
  /** Lines before the header that were not read as data. */
  private skipped: string[] = [];
  /** Header names given twice, and what the later ones are called. */
  private renamed: string[] = [];
  private headerNote?: string;
  private record = 0;
  /** Records that may be an export's trailing lines (csv-tail.ts): read or refused if a reading follows. */
  private held: HeldRecord[] = [];
  /** Set once more summary-like rows came in a row than a footer holds: such rows are readings from then on. */
  private summaryIsData = false;
  private hasHeader = false;
  private delimiter = ',';
  /** Per column of a ';' file, whether its numbers are written with decimal commas: "1,5" reads as 1.5. */
  private decimalComma: boolean[] = [];
  /** Per column, whether its probed numbers include a decimal point (why a later comma is not read). */
  private pointColumns: boolean[] = [];
  /** Per column of a ';' file that writes decimals with commas, whether its points group thousands ("1.012" = 1012). */
  private thousandsDots: boolean[] = [];
  private filePoints = false;
  /** Fixed by the first drain of a streamed read. */
  private roles?: ColumnRole[];
  private rowsDrained = 0;
  /** Cells that are not numbers, per column, over the whole file (a streamed read drains the builders). */
  private bad: CellTally[] = [];

  private readonly name: string;

  private readonly maxValues: number;

  /** The unit column the user named (`--unit-column`): a name, null for none, or undefined to tell it by its name (roles.ts). */
  private readonly unitColumn?: UnitColumnChoice;

  constructor(name: string, maxValues = MAX_VALUES, unitColumn?: UnitColumnChoice) {
    this.name = name;
    this.maxValues = maxValues;
    this.unitColumn = unitColumn;
  }

  push(chunk: string): void {
    if (this.splitter) return this.splitter.push(chunk);
    this.head += chunk;
    this.scanHead();
    if (this.headCut >= 0 || this.head.length >= HEAD_CHARS) this.start();
  }

  finish(): Dataset {
    this.flush();
    const rows = this.builders[0].length;
    if (rows === 0) throw new DataError(`${this.name}: a header but no data rows`);
    this.tally();
    const read = this.built();
    if (read.columns.every((c) => c.nonNumeric + c.missing === read.rows)) {
      throw new DataError(`${this.name}: no numeric column found; is this a CSV of sensor readings?`);
    }
    return { name: this.name, format: 'csv', rows: read.rows, columns: read.columns, notes: [...this.notes(read.columns), ...read.notes] };
  }

  /** The columns built since the last drain; a long file's as one column per tag. */
  private built(): { columns: Column[]; rows: number; notes: string[] } {
    const columns = this.build();
    if (!this.long) return { columns, rows: columns[0].values.length, notes: [] };
    // Built columns lack a clock joined to its date: the shape's places move past it, and back.
    const clock = this.joined?.clock ?? Infinity;
    const built = (i: number) => (i > clock ? i - 1 : i);
    const { tag, value } = this.long;
    const wide = pivotLong(columns, { tag: built(tag), value: built(value) }, this.maxValues);
    this.leftOut = new Set(wide.dropped.map((i) => (i >= clock ? i + 1 : i)));
    if (wide.rows === 0) throw new DataError(`${this.name}: no reading has a time and a ${this.names[this.long.tag]}`);
    return wide;
  }

  /**
   * The rows read since the last drain, for a reader that streams a file larger than memory;
   * `final` once the text has ended (the reader's notes, about the whole file, come with it).
   * Roles are inferred from the first rows drained and kept, so every piece has the same columns.
   */
  drain(final: boolean): Dataset | undefined {
    if (final) this.flush();
    const rows = this.builders.length ? this.builders[0].length : 0;
    // A long file's rows of one time may lie anywhere in it: it is read whole, then turned.
    if ((rows === 0 || this.long) && !final) return undefined;
    if (rows === 0 && this.rowsDrained === 0) throw new DataError(`${this.name}: a header but no data rows`);
    this.tally();
    const read = this.built();
    this.roles ??= read.columns.map((c) => c.role);
    read.columns.forEach((c, i) => (c.role = this.roles![i]));
    this.rowsDrained += rows;
    this.builders = this.names.map(() => new ColumnBuilder(this.maxRows));
    this.dateWatch?.drained();
    return {
      name: this.name,
      format: 'csv',
      rows: read.rows,
      columns: read.columns,
      notes: final ? [...this.notes(read.columns), ...read.notes] : [],
    };
  }

  private flush(): void {
    if (!this.splitter) this.start();
    this.splitter!.finish();
    if (this.phase === 'first') throw new DataError(`${this.name}: the file is empty`);
    // As many held records as readings or more: no footer, but rows the first record's width does not fit
    // (a header-less file whose first line ends in a delimiter): read, or refused with the record at fault.
    if (this.held.length && this.held.length >= this.record - this.held.length) this.release();
    if (this.phase === 'probe') this.endProbe();
  }

  /** Adds the cells the builders could not read to the file's running counts. */
  private tally(): void {
    this.names.forEach((_, i) => {
      const b = this.builders[i];
      const t = (this.bad[i] ??= { nonNumeric: 0, outOfRange: 0, codes: 0, booleans: 0 });
      t.nonNumeric += b.nonNumeric;
      t.outOfRange += b.outOfRange;
      t.codes += b.codes;
      t.booleans += b.booleans;
      if (b.firstBad && !t.firstBad) t.firstBad = { row: this.rowsDrained + b.firstBad.row, text: b.firstBad.text };
      t.firstOutOfRange ??= b.firstOutOfRange;
    });
  }

  /** `columns`: as built, roles decided (a drain's keep the first piece's). */
  private notes(columns: Column[]): string[] {
    const tail = trailingNote(this.held, this.delimiter);
    // Ids made one are said of the unit column alone: another id column's do not merge machines.
    const unit = columns.find((c) => c.role === 'unit')?.name;
    const mergedIds = new Map([...this.mergedIds].filter(([i]) => this.names[i] === unit));
    return [...this.csvNotes(mergedIds), ...(tail ? [tail] : [])];
  }

  private csvNotes(mergedIds: Map<number, [string, string]>): string[] {
    return csvNotes({
      names: this.names,
      delimiter: this.delimiter,
      decimalComma: this.decimalComma,
      groupedCells: this.groupedCells,
      zoneless: this.zoneless,
      twoDigitYears: this.twoDigitYears,
      commaCells: this.commaCells,
      orderDoubts: this.orderDoubts,
      pointColumns: this.pointColumns,
      filePoints: this.filePoints,
      skipped: this.skipped,
      captions: this.captions,
      blankRows: this.blankRows,
      dateOrders: this.dateOrders,
      joined: this.joined,
      clockCols: this.clockCols,
      timestampCols: this.timestampCols,
      renamed: this.renamed,
      headerNote: this.headerNote,
      textLabels: this.textLabels,
      moreLabels: this.moreLabels,
      leftOut: this.leftOut,
      textUnits: this.textUnits,
      mergedIds,
      lateTextIds: this.lateTextIds,
      bad: this.bad,
    });
  }

  /** The columns built since the last drain. */
  private build(): Column[] {
    const columns = this.names.map((name, i) => {
      const b = this.builders[i];
      const values = b.finish();
      const units = this.textUnits.get(i);
      const col: Column = {
        name,
        // Text ids that all differ (r0, r1, …) name readings, not units, as numbers that all differ do.
        role: units ? (rowIds(values) ? 'feature' : 'unit') : inferRole(name, values),
        values,
        missing: b.missing,
        nonNumeric: b.nonNumeric + b.outOfRange,
      };
      if (units) col.labels = units.labels();
      const measure = this.captions.map((line) => line[i] ?? '').find((cell) => !isMissingToken(cell) && isMeasure(cell));
      if (measure !== undefined) col.measure = measure.trim();
      if (this.long?.tag === i) col.labels = this.tags.labels();
      if (this.textLabels.has(i)) col.role = 'label';
      if (this.timestampCols.has(i)) {
        col.timestamp = true;
        col.role = 'time';
      }
      // Clock times alone order the readings, whatever the column is called ("Zeit").
      if (this.clockCols.has(i) && this.joined?.clock !== i && this.timestampCols.size === 0) col.role = 'time';
      return col;
    });
    // Decided once, on the first rows built: a streamed read keeps the choice for every later piece.
    if (!this.unitSettled) {
      this.unitSettled = true;
      const named = this.namedUnit();
      const out = named === undefined ? keepOneUnit(columns) : onlyUnit(columns, named);
      for (const i of out) if (this.textUnits.delete(i)) this.textOut.add(i);
    } else for (const i of this.textOut) asText(columns[i]); // roles: drain keeps the first piece's
    // Dates order the readings: a number named like a clock ("step" of a batch) beside them is a reading.
    if (this.timestampCols.size) for (const c of columns) if (c.role === 'time' && !c.timestamp) c.role = 'feature';
    const joined = this.joined;
    if (!joined) return columns;
    // The clock completes its date: one timestamp, in the date column; the clock column is not kept.
    const [date, clock] = [columns[joined.date], columns[joined.clock]];
    // A date without its clock is a timestamp missing, so its rows are not put out of order.
    for (let r = 0; r < date.values.length; r++) {
      if (!Number.isNaN(date.values[r]) && Number.isNaN(clock.values[r])) date.missing++;
      date.values[r] += clock.values[r];
    }
    return columns.filter((_, i) => i !== joined.clock);
  }

  field(text: string): void {
    const k = this.fields++;
    if (!this.recordHasText && text.trim() !== '') this.recordHasText = true;
    if (k === 0) {
      this.firstField = text;
      return;
    }
    if (k === 1) this.cell(0, this.firstField);
    this.cell(k, text);
  }

  endRecord(): void {
    const count = this.fields;
    const blank = !this.recordHasText;
    this.fields = 0;
    this.recordHasText = false;
    if (blank && count > 1) return this.skipBlank();
    if (count === 1) {
      // An empty line is skipped; so is a line of spaces, except in a one-column file, where it is a missing reading.
      const f = this.firstField;
      if (f === '' || (f.trim() === '' && (this.phase === 'first' || this.names.length !== 1))) return;
      this.cell(0, f);
    }
    if (this.phase === 'first') return this.startColumns(this.takeRow());
    this.record++;
    if (count !== this.names.length || (!this.summaryIsData && isSummaryRow(this.row))) {
      const row = this.takeRow();
      // A footer is a few lines, each statistic once: more, or a statistic named twice, are readings (a unit
      // named "Max"), or rows of the wrong width.
      const again = count === this.names.length && this.held.some((h) => h.count === count && sameFirstCell(h.row, row));
      this.held.push({ record: this.record, count, row });
      if (again || this.held.length > MAX_TRAILING_LINES) {
        this.summaryIsData = true;
        this.release();
      }
      return;
    }
    if (this.held.length) this.release();
    if (this.phase === 'probe') return this.accept(this.takeRow());
    this.accept(this.row);
    this.row.length = 0;
  }

  /** A reading followed the held records: they were not trailing lines. */
  private release(): void {
    const held = this.held;
    this.held = [];
    for (const h of held) {
      if (h.count !== this.names.length) {
        throw new DataError(
          `${this.name}, record ${h.record}: expected ${this.names.length} fields like the ${this.hasHeader ? 'header' : 'first row'}, found ${h.count}`,
        );
      }
      this.accept(h.row);
    }
  }

  /** One data row, into the probe or the columns. */
  private accept(row: string[]): void {
    if (this.phase === 'probe') {
      this.probe.push(row);
      if (this.probe.length === PROBE_ROWS) this.endProbe();
      return;
    }
    if (this.builders[0].length === this.maxRows) {
      throw new DataError(
        `${this.name}: more than ${this.maxValues.toLocaleString('en-US')} values (${this.maxRows.toLocaleString('en-US')} rows × ${this.names.length.toLocaleString('en-US')} columns); isoscope holds at most that many: split the file or keep fewer columns`,
      );
    }
    for (let i = 0; i < row.length; i++) this.pushCell(i, row[i]);
  }

  /** A record of delimiters only (";;;;", as spreadsheets export empty rows) is no reading: skipped, and counted for a note. */
  private skipBlank(): void {
    this.row = [];
    if (this.phase !== 'first') this.blankRows++;
  }

  where(): string {
    return this.phase === 'first' ? `${this.name}, first record` : `${this.name}, record ${this.record + 1}`;
  }

  /** Counts line breaks in the held text as it grows, to cut the head at the 20th. */
  private scanHead(): void {
    const h = this.head;
    let i = this.headScanned;
    for (; i < h.length && this.headCut < 0; i++) {
      const c = h.charCodeAt(i);
      if ((c === 13 || (c === 10 && h.charCodeAt(i - 1) !== 13)) && ++this.headLines === HEAD_LINES) this.headCut = i + 1;
    }
    this.headScanned = i;
  }

  private start(): void {
    let cut = this.headCut >= 0 ? Math.min(this.headCut, HEAD_CHARS) : HEAD_CHARS;
    // Excel's first line "sep=;" names the delimiter.
    const sep = /^sep=([^\r\n])(\r\n|\r|\n)/i.exec(this.head);
    if (sep) {
      this.head = this.head.slice(sep[0].length);
      cut -= sep[0].length;
    }
    // Comment lines first (InfluxDB's #group, #datatype and #default annotations), then an
    // export's title lines before the header: set aside, and said.
    const comments = /^(#[^\r\n]*(\r\n|\r|\n))+/.exec(this.head);
    if (comments) {
      this.skipped = comments[0].split(/\r\n|\r|\n/).filter((l) => l !== '');
      this.head = this.head.slice(comments[0].length);
      cut -= comments[0].length;
    }
    const before = preamble(this.head.slice(0, cut));
    if (before) {
      this.skipped.push(...before.lines.filter((l) => l.trim() !== ''));
      this.head = this.head.slice(before.chars);
    }
    this.delimiter = sep ? sep[1] : detectDelimiter(this.head.slice(0, cut - (before?.chars ?? 0)), HEAD_LINES);
    this.splitter = new FieldSplitter(this.delimiter, this);
    const held = this.head;
    this.head = '';
    this.splitter.push(held);
  }

  /**
   * A record's fields are held until it ends, in every phase: a streamed read may hand on its rows
   * between two fields of a record, and only whole records may be in a piece (a record cut there
   * put its first cells in one piece and the rest in the next, shifting every row after it).
   */
  private cell(k: number, text: string): void {
    if (this.phase === 'first') {
      if (k >= MAX_COLUMNS)
        throw new DataError(`${this.name}: more than ${MAX_COLUMNS.toLocaleString('en-US')} columns; isoscope reads at most that many`);
      this.row.push(text);
    } else if (k < this.names.length) this.row.push(text);
  }

  private takeRow(): string[] {
    const row = this.row;
    this.row = [];
    return row;
  }

  private pushCell(i: number, cell: string): void {
    const b = this.builders[i];
    if (this.timestampCols.has(i)) {
      if (isMissingToken(cell)) {
        b.missing++;
        b.push(NaN);
      } else {
        const watch = this.dateWatch?.watching && this.dateOrders.has(i) ? this.dateWatch : undefined;
        let t = watch ? watch.read(i, cell, b.length, (k) => this.builders[k].values) : parseTimestamp(cell, this.dateOrders.get(i)?.order);
        if (Number.isNaN(t) && !this.dateOrders.has(i) && isSlashedDate(cell)) t = this.lateSlashed(i, cell);
        if (!Number.isNaN(t)) return b.push(t);
        const order = this.dateOrders.get(i)?.order;
        // A date only the other order reads says the first rows may have chosen wrong.
        if (order && !Number.isNaN(parseTimestamp(cell, otherOrder(order)))) {
          const doubt = this.orderDoubts.get(i);
          if (doubt) doubt.count++;
          else this.orderDoubts.set(i, { count: 1, first: cell.trim().slice(0, 40) });
        }
        b.pushBad(cell);
      }
      return;
    }
    if (this.clockCols.has(i) && !isMissingToken(cell)) {
      const ms = clockMs(cell);
      // Joined to a date, a clock adds milliseconds; alone, it counts seconds since midnight.
      if (Number.isNaN(ms)) b.pushBad(cell);
      else b.push(this.joined?.clock === i ? ms : ms / 1000);
      return;
    }
    // A tag may be called NA (sodium) or null: only an empty cell is no tag.
    if (this.long?.tag === i && cell.trim() !== '') {
      const key = cell.trim();
      let code = this.tags.code(key);
      if (code === undefined) {
        if (this.tags.size === MAX_COLUMNS)
          throw new DataError(
            `${this.where()}: more than ${MAX_COLUMNS.toLocaleString('en-US')} distinct ${this.names[i]} names; isoscope reads at most that many columns`,
          );
        code = this.tags.add(key);
      }
      b.push(code);
      return;
    }
    const said = this.textLabels.get(i);
    if (said && !isMissingToken(cell)) {
      const text = cell.trim();
      // Each text is judged once; the texts kept are the note's.
      let v = said.get(text);
      if (v === undefined) {
        v = isNormalLabel(text) ? 0 : 1;
        if (said.size < MAX_LABEL_TEXTS) said.set(text, v);
        else this.moreLabels.add(i);
      }
      b.push(v);
      return;
    }
    if (this.textOut.has(i)) {
      if (isMissingToken(cell)) {
        b.missing++;
        b.push(NaN);
      } else b.pushBad(cell);
      return;
    }
    const forms = this.idForms.get(i);
    if (forms && this.turnsToText(i, forms, cell)) return this.pushCell(i, cell);
    const units = this.textUnits.get(i);
    const turned = this.turned.get(i);
    if (turned && !isMissingToken(cell) && this.turnedMissing(cell)) {
      b.missing++;
      return b.push(NaN);
    }
    if (units && !isMissingToken(cell)) {
      // Turned to text: a number keys the unit its first written form named ("1" after "01" is "01"), as before the turn.
      const key = (turned && /^[+-]?\d+$/.test(cell.trim()) && turned.get(Number(cell.trim()))) || cell.trim();
      let code = units.code(key);
      if (code === undefined) {
        if (units.size === MAX_TEXT_IDS) {
          throw new DataError(
            `${this.where()}: column ${JSON.stringify(this.names[i].slice(0, 40))} has more than ${MAX_TEXT_IDS.toLocaleString('en-US')} distinct text ids; isoscope keeps at most that many`,
          );
        }
        code = units.add(key);
      }
      b.push(code);
      return;
    }
    // Only a ';' cell with a point can group thousands: the tests stay off every other cell.
    const dotted = this.delimiter === ';' && cell.includes('.');
    const t = dotted ? cell.trim() : cell;
    const grouped = dotted && (this.thousandsDots[i] ? GROUPED.test(t) : GROUPED_DECIMAL.test(t));
    if (grouped) this.groupedCells[i] = (this.groupedCells[i] ?? 0) + 1;
    const text = grouped ? t.replace(/\./g, '') : cell;
    if ((this.decimalComma[i] || grouped) && isDecimalCommaToken(text)) {
      this.commaCells[i] = (this.commaCells[i] ?? 0) + 1;
      b.pushToken(text.replace(',', '.'));
    } else b.pushToken(text);
    if (forms) this.checkIdForm(i, forms, cell.trim(), b.values[b.length - 1]);
  }

  /** In a column turned to text ids: a failed reading, a missing-data code, or a word, not an id (ids are numbers, or letters with a digit). */
  private turnedMissing(cell: string): boolean {
    const t = cell.trim();
    return NOT_A_UNIT.test(t) || (this.isNumber(t) && isMissingCode(Number(t))) || !(LATE_ID.test(t) || /^[+-]?\d+$/.test(t));
  }

  /**
   * The first slashed date of a column whose first rows held other dates (ISO, then an export
   * in another format appended): read in the file's order, or, when no column has one, in an
   * order assumed and watched, told by the steps between the slashed dates.
   */
  private lateSlashed(i: number, cell: string): number {
    const b = this.builders[i];
    const known = this.dateOrders.values().next().value;
    const record: SlashedOrder = known ?? {
      order: 'dmy',
      why: 'assumed: the dates written with slashes begin after the first rows, and nothing has told day from month (ISO dates, 2024-03-01, leave no doubt)',
      tentative: true,
    };
    this.dateOrders.set(i, record);
    if (!record.tentative) return parseTimestamp(cell, record.order);
    if (!this.dateWatch) {
      this.dateWatch = new DateOrderWatch(record);
      this.dateWatch.startedLate();
    }
    return this.dateWatch.read(i, cell, b.length, (k) => this.builders[k].values);
  }

  /**
   * A number id column that meets a text id ("A7" after 1, 2, 3) becomes a text id column, each
   * earlier id kept as first written: read as missing, the text ids' rows would lose their machine.
   * Only while every id so far is at hand (no piece handed on, each written form watched) and no
   * other column already holds text ids.
   */
  private turnsToText(i: number, forms: Map<number, string>, cell: string): boolean {
    const b = this.builders[i];
    const text = cell.trim();
    if (this.unitSettled || this.long || this.textUnits.size || isMissingToken(text) || this.isNumber(text)) return false;
    // An id has letters and a digit ("A7", "P-12"); a word ("OFFLINE", "Err:502", "k.A.") is a failed reading, missing.
    if (!LATE_ID.test(text) || NOT_A_UNIT.test(text)) return false;
    // Cells read as missing before (a failed reading) stay so: they are said as rows without a unit.
    b.missing += b.nonNumeric;
    b.nonNumeric = 0;
    b.firstBad = undefined;
    const units = new TextCodes();
    for (let r = 0; r < b.length; r++) {
      const v = b.values[r];
      if (Number.isNaN(v)) continue;
      const written = forms.get(v) ?? String(v);
      b.values[r] = units.code(written) ?? units.add(written);
    }
    this.textUnits.set(i, units);
    this.idForms.delete(i);
    this.turned.set(i, forms);
    this.lateTextIds.set(i, { row: b.length, text });
    return true;
  }

  private checkIdForm(i: number, forms: Map<number, string>, written: string, v: number): void {
    if (Number.isNaN(v) || !/^[+-]?\d+$/.test(written)) return;
    const first = forms.get(v);
    if (first === undefined) {
      // A column of this many ids numbers rows rather than machines: it is no longer watched.
      if (forms.size < WATCHED_IDS) forms.set(v, written);
      else this.idForms.delete(i);
    } else if (first !== written && !this.mergedIds.has(i)) this.mergedIds.set(i, [first, written]);
  }

  /** A number as this file writes it: decimal commas count only between ';' fields. */
  private isNumber(cell: string): boolean {
    return isNumberToken(cell) || (this.delimiter === ';' && isDecimalCommaToken(cell));
  }

  /**
   * A line right under the header that holds words where the rows below it hold numbers, in at
   * least half of those columns (never on/off or an error code such as ERR or #N/A), and no date:
   * the units ("s;degC;bar") or descriptions some exports write there. Read as data, it would be a row of missing readings and hide the time column.
   */
  private isCaption(line: string[], below: string[][]): boolean {
    if (line.some((c) => !isMissingToken(c) && looksLikeTime(c))) return false;
    const numeric = this.names.flatMap((_, i) => (below.some((r) => this.isNumber(r[i] ?? '') || looksLikeTime(r[i] ?? '')) ? [i] : []));
    const cell = (i: number) => (line[i] ?? '').trim();
    const words = numeric.filter((i) => !isMissingToken(cell(i)) && !this.isNumber(cell(i)) && !NOT_A_UNIT.test(cell(i)));
    const numbers = numeric.filter((i) => this.isNumber(cell(i)));
    // A unit may look like a number ("1" for a ratio), but only in the fewer columns.
    return numeric.length > 0 && words.length * 2 >= numeric.length && numbers.length * 2 < numeric.length;
  }

  /** Decides header vs data from the first record and names the columns. */
  private startColumns(first: string[]): void {
    if (first.some((c) => c.includes('\u0000'))) throw new DataError(`${this.name}: this is a binary file, not CSV text`);
    // A header row is all text: no cell is a number or a timestamp.
    const header = first.every((c) => isMissingToken(c) || (!this.isNumber(c) && !looksLikeTime(c)));
    this.nameColumns(first, header);
    this.maxRows = Math.floor(this.maxValues / this.names.length);
    // A first record with numbers in it may still be a header (tag ids: "time,101,102"); the rows below tell, in endProbe.
    if (header) this.checkUnitColumn();
    this.builders = this.names.map(() => new ColumnBuilder(this.maxRows));
    this.phase = 'probe';
    if (!header) {
      this.record++;
      this.probe.push(first);
    }
  }

  private nameColumns(first: string[], header: boolean): void {
    this.hasHeader = header;
    const given = first.map((c, i) => c.trim() || `column_${i + 1}`);
    this.names = header ? dedupe(given) : first.map((_, i) => `column_${i + 1}`);
    if (header) this.renamed = this.names.flatMap((n, i) => (n === given[i] ? [] : [`"${given[i]}" again as ${n}`]));
  }

  private checkUnitColumn(): void {
    const wanted = this.unitColumn?.name;
    if (typeof wanted === 'string' && !this.names.includes(wanted) && this.unitColumn!.required)
      throw new DataError(
        `${this.name}: no column "${wanted}" to read as the unit (its columns: ${this.names.slice(0, 12).join(', ')}${this.names.length > 12 ? ', …' : ''})`,
      );
  }

  /**
   * A first record with numbers among its cells is a header all the same when, in some column, it holds a word (a
   * letter first, no error code) above rows that are all numbers or times there: "time" over timestamps beside tag
   * ids "101,102" over readings. In a file without a header the first row is of a kind with the rows below it.
   */
  private isMixedHeader(first: string[], below: string[][]): boolean {
    // A header holds names: never a time, and its numbers are whole (tag ids), not readings ("3.2").
    const cells = first.map((c) => c.trim()).filter((c) => !isMissingToken(c));
    if (cells.some((c) => looksLikeTime(c) || (this.isNumber(c) && !/^\d+$/.test(c)))) return false;
    return first.some((c, i) => {
      const word = c.trim();
      if (!/^\p{L}/u.test(word) || isMissingToken(word) || NOT_A_UNIT.test(word) || /^inf(inity)?$/i.test(word)) return false;
      const column = below.map((r) => (r[i] ?? '').trim()).filter((x) => !isMissingToken(x));
      return column.length >= 2 && column.every((x) => this.isNumber(x) || looksLikeTime(x));
    });
  }

  /** The column the user named as the unit: its index, -1 for none, undefined when not named (or absent and not required). */
  private namedUnit(): number | undefined {
    const c = this.unitColumn;
    if (!c) return undefined;
    if (c.name === null) return -1;
    const i = this.names.indexOf(c.name);
    return i < 0 ? undefined : i;
  }

  /** Spots timestamp and text-id columns in the first body rows, then reads those rows. */
  private endProbe(): void {
    if (!this.hasHeader) {
      if (this.probe.length > 2 && this.isMixedHeader(this.probe[0], this.probe.slice(1))) {
        const first = this.probe.shift()!;
        this.nameColumns(first, true);
        this.record--;
        const ids = first.map((c) => c.trim()).filter((c) => /^\d+$/.test(c));
        this.headerNote = `the first line is read as the header: its numbers (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''}) name columns, as tag ids do, above readings`;
      }
      this.checkUnitColumn();
    }
    while (this.hasHeader && this.captions.length < 3 && this.probe.length > 1 && this.isCaption(this.probe[0], this.probe.slice(1)))
      this.captions.push(this.probe.shift()!);
    // Decimal commas per column, when none of its probed numbers has a decimal point. Where other
    // columns do use points, "1,500" may be a thousands separator: then only a comma not followed
    // by exactly three digits ("1,5", "0,25") settles it.
    // A column whose probed numbers are whole (0, 12) shows neither: it follows the file, so its
    // later "1,5" reads as the other columns' commas do.
    // A grouped point ("1.012") beside decimal commas in its column ("999,5") separates thousands: it is no decimal point.
    const hasPoint = this.names.map((_, i) => {
      const cells = this.probe.map((r) => (r[i] ?? '').trim());
      const commas = this.delimiter === ';' && cells.some(isDecimalCommaToken);
      return cells.some((c) => isNumberToken(c) && c.includes('.') && !(commas && GROUPED.test(c)));
    });
    const points = hasPoint.some(Boolean);
    this.pointColumns = hasPoint;
    this.filePoints = points;
    const own = this.names.map((_, i) => {
      if (this.delimiter !== ';') return false;
      const cells = this.probe.map((r) => r[i] ?? '');
      if (!cells.some(isDecimalCommaToken) || hasPoint[i]) return false;
      return !points || cells.some((c) => isDecimalCommaToken(c) && !/,\d{3}$/.test(c));
    });
    // Fields parted by ';' are the decimal-comma locales' CSV: with no decimal point in the first rows, a later comma is a decimal one.
    const fileCommas = this.delimiter === ';' && !points;
    this.decimalComma = own.map((c, i) => c || (fileCommas && !hasPoint[i] && !this.probe.some((r) => isDecimalCommaToken(r[i] ?? ''))));
    // Where the file writes decimals with commas, a point between groups of three digits separates
    // thousands, also in a column whose first rows had no point (an rpm passing 999 later).
    const commaFile = this.decimalComma.some(Boolean);
    this.thousandsDots = this.names.map((_, i) => {
      if (!commaFile) return false;
      const dotted = this.probe.map((r) => (r[i] ?? '').trim()).filter((c) => c.includes('.'));
      return dotted.every((c) => GROUPED.test(c));
    });
    // Dates and clock times: a column is one when 4 in 5 of its first cells are, so one bad cell
    // costs that cell, not the column; slashed dates take one order for the whole file.
    const cellsOf = this.names.map((_, i) => this.probe.flatMap((r) => (r[i] === undefined || isMissingToken(r[i]) ? [] : [r[i]])));
    const text = cellsOf.map((cells) => cells.length > 0 && !cells.some((c) => this.isNumber(c)));
    // A column may mix slashed dates with ISO ones (exports appended): its slashed dates still choose the order.
    const slashedCols = cellsOf.filter(
      (cells, i) => text[i] && cells.some(isSlashedDate) && mostly(cells, (c) => isSlashedDate(c) || !Number.isNaN(parseTimestamp(c))),
    );
    const amPm = cellsOf.some((cells, i) => text[i] && cells.some(hasAmPm));
    const slashed = slashedCols.length ? slashedOrder(slashedCols, amPm) : undefined;
    // Text columns named like machine ids: the best named is coded as the unit, the others stay text.
    const idCandidates: number[] = [];
    const kinds: ProbeKind[] = this.names.map((name, i) => {
      const cells = cellsOf[i];
      if (cells.length === 0) return 'empty';
      if (!text[i]) return 'number';
      if (mostly(cells, (c) => !Number.isNaN(parseTimestamp(c, slashed?.order)))) {
        this.timestampCols.add(i);
        if (cells.some((c) => !isDateOnly(c) && !hasZone(c))) this.zoneless.push(i);
        if (cells.some(hasTwoDigitYear)) this.twoDigitYears.push(i);
        if (slashed && cells.some(isSlashedDate)) this.dateOrders.set(i, slashed);
      } else if (mostly(cells, (c) => !Number.isNaN(clockMs(c)))) this.clockCols.add(i);
      else if (isTextIdName(name, cells)) idCandidates.push(i);
      // Ground truth only when the first rows hold a healthy word: "RUNNING"/"IDLE" is an operating state, not health.
      else if (isTextLabel(name, cells)) this.textLabels.set(i, new Map());
      return this.timestampCols.has(i) || this.clockCols.has(i) ? 'time' : 'text';
    });
    if (slashed?.tentative && this.dateOrders.size) this.dateWatch = new DateOrderWatch(slashed);
    const named = this.namedUnit();
    // Number columns that may key the units: the one asked for, or, when none is, one named as ids are ("pump_id", "serial").
    const idLike = (i: number) => kinds[i] === 'number' && (named === undefined ? isTextIdName(this.names[i], []) : i === named);
    const written = kinds.flatMap((_, i) => (idLike(i) && mergesAsNumbers(cellsOf[i]) ? [i] : []));
    if (named !== undefined) {
      if (
        named >= 0 &&
        ((kinds[named] === 'text' && !this.timestampCols.has(named) && !this.clockCols.has(named)) || written.includes(named))
      )
        this.textUnits.set(named, new TextCodes());
    } else {
      const candidates = [...idCandidates, ...written].sort((a, b) => a - b);
      const chosen = bestUnit(candidates.map((i) => this.names[i]));
      if (chosen >= 0) this.textUnits.set(candidates[chosen], new TextCodes());
    }
    for (let i = 0; i < kinds.length; i++) if (idLike(i) && !this.textUnits.has(i)) this.idForms.set(i, new Map());
    this.long = longShape(this.names, kinds);
    if (this.long) {
      // A long file's source column (InfluxDB's host) is its unit; ground truth cannot outlive the turn to columns.
      for (const i of this.textUnits.keys()) if (isEngineeringUnits(this.names[i], cellsOf[i])) this.textUnits.delete(i);
      if (this.long.source !== undefined && this.textUnits.size === 0) this.textUnits.set(this.long.source, new TextCodes());
      this.textLabels.clear();
    }
    // A date column and a clock column ("Date", "Time") are one timestamp.
    const dates = [...this.timestampCols].filter((i) => this.probe.every((r) => isMissingToken(r[i] ?? '') || isDateOnly(r[i])));
    if (dates.length === 1 && this.clockCols.size === 1 && this.timestampCols.size === 1)
      this.joined = { date: dates[0], clock: [...this.clockCols][0] };
    this.phase = 'body';
    for (const r of this.probe) for (let i = 0; i < r.length; i++) this.pushCell(i, r[i]);
    this.probe = [];
  }
}
