// Lines a report export writes after its readings: a summary row ("Average,20.5,1.05"), a
// count ("Rows: 20000"), an end marker, or a last line the logger cut off. Such a record is
// held, not read: when the file ends after it, it is left out and named in a note; when a
// reading follows, it was part of the data after all (a summary row is read, a record with
// the wrong number of fields is refused as before).

/** A first cell that names a statistic over the rows above, not a reading. */
const SUMMARY_WORD =
  /^(average|avg|mean|median|min|minimum|max|maximum|sum|total|totals|std|stdev|std\.? ?dev\.?|standard deviation|count|range|mittelwert|summe|moyenne|somme)\s*:?$/i;

/** Held records at most: a report's footer is a few lines. */
export const MAX_TRAILING_LINES = 20;

export interface HeldRecord {
  /** The record's number among the data records, for the error when it turns out not to be trailing. */
  record: number;
  /** Its field count, which differs from the header's for a line that is not a row. */
  count: number;
  /** Its fields (at most the header's count). */
  row: string[];
}

/** A full record whose first filled cell names a statistic: the candidates for a summary row. */
export function isSummaryRow(row: readonly string[]): boolean {
  const first = row.find((c) => c.trim() !== '');
  return first !== undefined && SUMMARY_WORD.test(first.trim());
}

/** Two rows whose first filled cells are the same word: a footer names each statistic once. */
export function sameFirstCell(a: readonly string[], b: readonly string[]): boolean {
  const first = (row: readonly string[]) =>
    row
      .find((c) => c.trim() !== '')
      ?.trim()
      .toLowerCase();
  return first(a) !== undefined && first(a) === first(b);
}

/** The note for records held to the end of the file and left out. */
export function trailingNote(held: readonly HeldRecord[], delimiter: string): string | undefined {
  if (!held.length) return undefined;
  const shown = held
    .slice(0, 3)
    .map((h) => JSON.stringify(h.row.join(delimiter).slice(0, 60)))
    .join(', ');
  return `${held.length} line(s) at the end of the file were not read as readings (a summary, a count or a cut-off line): ${shown}${held.length > 3 ? ', …' : ''}`;
}
