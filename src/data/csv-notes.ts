// What a CSV reader says about how it read a file: the notes shown beside the data
// (decimal commas, lines set aside, dates, ground truth, cells it could not read).
import type { SlashedOrder } from './csv-dates.js';
import { isNormalLabel } from './csv-sniff.js';
import { isDecimalCommaToken } from './numbers.js';
import { printable } from './printable.js';
import type { TextCodes } from './text-codes.js';

/** Distinct texts of a ground-truth column named in its note. */
export const MAX_LABEL_TEXTS = 20;

/** Cells a column could not read, over the whole file. */
export interface CellTally {
  nonNumeric: number;
  outOfRange: number;
  codes: number;
  booleans: number;
  firstBad?: { row: number; text: string };
  firstOutOfRange?: string;
}

/** What the reader decided and counted, per column by index. */
export interface CsvFacts {
  names: string[];
  delimiter: string;
  decimalComma: boolean[];
  groupedCells: number[];
  zoneless: number[];
  twoDigitYears: number[];
  commaCells: number[];
  orderDoubts: Map<number, { count: number; first: string }>;
  pointColumns: boolean[];
  filePoints: boolean;
  skipped: string[];
  captions: string[][];
  blankRows: number;
  dateOrders: Map<number, SlashedOrder>;
  joined?: { date: number; clock: number };
  clockCols: Set<number>;
  timestampCols: Set<number>;
  renamed: string[];
  /** Why a first line with numbers in it was read as the header (tag ids). */
  headerNote?: string;
  textLabels: Map<number, Map<string, number>>;
  moreLabels: Set<number>;
  leftOut: Set<number>;
  textUnits: Map<number, TextCodes>;
  /** Ids written apart ("1", "01") that read as one number, per column: the first such pair. */
  mergedIds: Map<number, [string, string]>;
  lateTextIds: Map<number, { row: number; text: string }>;
  bad: CellTally[];
}

export function csvNotes(f: CsvFacts): string[] {
  const grouped = f.names.filter((_, i) => f.groupedCells[i] > 0);
  const commas = f.names.filter((_, i) => f.commaCells[i] > 0 && !f.leftOut.has(i));
  const all = commas.length === f.names.length;
  const notes: string[] = commas.length
    ? [`decimal commas read as decimal points ("1,5" = 1.5) in ${all ? 'every column' : commas.join(', ')}: fields are separated by ";"`]
    : [];
  if (grouped.length)
    notes.push(`points read as thousands separators ("1.012" = 1012) in ${grouped.join(', ')}: the file writes decimals with commas`);
  if (f.skipped.length)
    notes.push(
      `${f.skipped.length} line(s) before the header were not read as data: ${f.skipped
        .slice(0, 3)
        .map((l) => JSON.stringify(l.slice(0, 60)))
        .join(', ')}`,
    );
  if (f.captions.length)
    notes.push(
      `${f.captions.length} line(s) under the header were not read as data (units or descriptions, where the rows below hold numbers): ${f.captions
        .map((l) => JSON.stringify(l.join(f.delimiter).slice(0, 60)))
        .join(', ')}`,
    );
  if (f.blankRows) notes.push(`${f.blankRows} row(s) with every field blank were skipped: they hold no reading`);
  // One order for the file's slashed dates: one note names every column read so.
  const slashed = [...f.dateOrders.keys()];
  if (slashed.length) {
    const { order, why, contradicted } = f.dateOrders.get(slashed[0])!;
    notes.push(
      `${slashed.map((i) => f.names[i]).join(', ')}: dates read ${order === 'dmy' ? 'day first (01/03/2024 is 1 March)' : 'month first (01/03/2024 is 3 January)'}: ${why}` +
        (contradicted
          ? `; but later ${contradicted.replace(/^the first rows' dates read either way; /, '')}, after rows already read: the order may be wrong; ISO dates (2024-03-01) leave no doubt`
          : ''),
    );
  }
  f.orderDoubts.forEach(({ count, first }, i) =>
    notes.push(
      `${f.names[i]}: ${count} date(s) such as "${first}" are dates only ${f.dateOrders.get(i)?.order === 'dmy' ? 'month' : 'day'} first, so they were left out: the order taken from the first rows may be wrong; ISO dates (2024-03-01) leave no doubt`,
    ),
  );
  // A date joined to its clock is a time of day without a zone as well.
  const zoneless = [...new Set([...f.zoneless, ...(f.joined ? [f.joined.date] : [])])].filter((i) => !f.leftOut.has(i));
  if (zoneless.length)
    notes.push(
      `${zoneless.map((i) => f.names[i]).join(', ')}: times without a zone are taken as UTC, so charts and the scores CSV show them as written, marked UTC`,
    );
  const shortYears = f.twoDigitYears.filter((i) => !f.leftOut.has(i));
  if (shortYears.length)
    notes.push(
      `${shortYears.map((i) => f.names[i]).join(', ')}: two-digit years are read as 1969–2068 (24 is 2024, 70 is 1970), as most tools read them`,
    );
  if (f.joined)
    notes.push(`${f.names[f.joined.date]} and ${f.names[f.joined.clock]} are read together as one timestamp, in ${f.names[f.joined.date]}`);
  f.clockCols.forEach((i) => {
    if (i !== f.joined?.clock)
      notes.push(
        `${f.names[i]}: clock times read as seconds since midnight (${f.timestampCols.size ? 'no one column of dates alone to join them to' : 'no date column to join them to'})`,
      );
  });
  if (f.headerNote) notes.push(f.headerNote);
  if (f.renamed.length) notes.push(`header names given more than once are told apart: ${f.renamed.join(', ')}`);
  f.textLabels.forEach((said, i) => {
    const texts = [...said.keys()];
    const list = (words: string[]) => words.map((w) => JSON.stringify(w)).join(', ');
    const anomalous = texts.filter((w) => !isNormalLabel(w));
    notes.push(
      `${f.names[i]}: text read as ground truth: ${list(texts.filter(isNormalLabel))} = healthy (0)${anomalous.length ? `; ${list(anomalous)}${f.moreLabels.has(i) ? ' and others' : ''} = anomalous (1)` : '; no other value'}`,
    );
  });
  f.lateTextIds.forEach(({ row, text }, i) => {
    if (f.textUnits.has(i))
      notes.push(
        `${f.names[i]}: ids are read as text, as written, from data row ${row + 1} on ("${printable(text)}"): the rows above held numbers only`,
      );
  });
  f.textUnits.forEach((ids, i) => {
    if (ids.merged)
      notes.push(
        `${f.names[i]}: ids "${printable(ids.merged[0])}" and "${printable(ids.merged[1])}" differ only in how their accents are composed (Unicode NFC and NFD), so their rows are one unit's, as isoscope serve reads them`,
      );
  });
  f.mergedIds.forEach(([a, b], i) =>
    notes.push(
      `${f.names[i]}: ids "${printable(a)}" and "${printable(b)}" read as the same number, so their rows are one unit's; if they are two machines, write the ids with a letter ("P1", "P01") so that they are read as text`,
    ),
  );
  f.names.forEach((name, i) => {
    const t = f.bad[i];
    if (f.leftOut.has(i)) return;
    if (t.booleans) notes.push(`${name}: ${t.booleans} cell(s) of TRUE/FALSE or ON/OFF read as 1/0`);
    if (t.codes) notes.push(`${name}: ${t.codes} cell(s) of -999 or -9999 read as missing (a common code for no reading)`);
    if (t.outOfRange)
      notes.push(`${name}: ${t.outOfRange} value(s) beyond float64 range (e.g. "${t.firstOutOfRange}") are treated as missing`);
    if (t.nonNumeric && !f.textUnits.has(i) && f.delimiter === ';' && !f.decimalComma[i] && isDecimalCommaToken(t.firstBad?.text ?? ''))
      notes.push(
        `${name}: ${t.nonNumeric} cell(s) written with a decimal comma (first at data row ${(t.firstBad?.row ?? 0) + 1}: "${printable(t.firstBad?.text ?? '')}") are treated as missing, because ${f.pointColumns[i] ? 'other numbers in the column use a decimal point' : f.filePoints ? 'other columns use decimal points, so a comma may separate thousands' : 'the first rows held no decimals to tell how the file writes them'}: write every number one way`,
      );
    else if (t.nonNumeric && !f.textUnits.has(i))
      notes.push(
        `${name}: ${t.nonNumeric} ${f.timestampCols.has(i) ? 'cell(s) that are not dates' : f.clockCols.has(i) ? 'cell(s) that are not clock times' : 'non-numeric cell(s)'} (first at data row ${(t.firstBad?.row ?? 0) + 1}: "${printable(t.firstBad?.text ?? '')}") are treated as missing`,
      );
  });
  return notes;
}
