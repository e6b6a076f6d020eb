// A file's slashed-date order taken by assumption (its first rows did not tell day from
// month, or told it only by a guess such as steps of days), watched until a date tells: one
// only one order reads (03/13), or one that steps from the date before it by minutes one way
// and by a month the other (03/04 23:50, then 03/05 00:00). The dates read before then by the
// assumption are read again the other way when it was wrong, from the other reading kept for
// each: nothing is parsed twice later. Dates a streamed read has handed on cannot be: then
// the order stays, and the record says which date contradicted it.
import { parseTimestamp, type DateOrder, type SlashedOrder } from './csv-dates.js';

/** A step at most this share of the other order's tells the order. */
const CLEARLY_SHORTER = 0.5;
/** Dates read apart kept to read again, at most: a file that never tells keeps no more (two numbers each). */
const MAX_KEPT = 1 << 21;

export class DateOrderWatch {
  /** Each column's date before, in both orders. */
  private readonly before = new Map<number, { dmy: number; mdy: number }>();
  /** Per column, since the last drain: where a date the orders read apart went, and its other reading. */
  private readonly apart = new Map<number, { at: number[]; other: number[] }>();
  private kept = 0;
  /** A date read apart can no longer be read again: handed on in a streamed piece, or past MAX_KEPT. */
  private lost = false;

  private readonly record: SlashedOrder;
  /** How the note on a telling date begins: why the order was not known before it. */
  private lead = "the first rows' dates read either way";

  /** `record` is shared by every date column of the file: one order for all. */
  constructor(record: SlashedOrder) {
    this.record = record;
  }

  get watching(): boolean {
    return this.record.tentative === true;
  }

  /**
   * Epoch ms of a date cell of column `i` that goes to place `at` of its column; `values(k)`
   * is column k's values since the last drain, for the dates to read again.
   */
  read(i: number, cell: string, at: number, values: (k: number) => Float64Array): number {
    const dmy = parseTimestamp(cell, 'dmy');
    const mdy = parseTimestamp(cell, 'mdy');
    const before = this.before.get(i);
    if (!Number.isNaN(dmy) || !Number.isNaN(mdy)) this.before.set(i, { dmy, mdy });
    if (dmy === mdy || (Number.isNaN(dmy) && Number.isNaN(mdy))) return dmy;
    const told = tells(cell, dmy, mdy, before, this.lead);
    if (told) {
      this.settle(told.order, told.why, values);
      return this.record.order === 'dmy' ? dmy : mdy;
    }
    if (!this.lost) {
      if (this.kept === MAX_KEPT) this.forget();
      else {
        let kept = this.apart.get(i);
        if (!kept) this.apart.set(i, (kept = { at: [], other: [] }));
        kept.at.push(at);
        kept.other.push(this.record.order === 'dmy' ? mdy : dmy);
        this.kept++;
      }
    }
    return this.record.order === 'dmy' ? dmy : mdy;
  }

  /**
   * The file's slashed dates begin after its first rows held other dates (ISO): the steps
   * between slashed dates tell the order, not the step across the join (appended exports
   * often leave a gap there).
   */
  startedLate(): void {
    this.lead = 'the dates written with slashes begin after the first rows';
  }

  /** The columns were handed on: places start over, and dates read apart in them are gone. */
  drained(): void {
    if (this.kept) this.forget();
  }

  private forget(): void {
    this.lost = true;
    this.apart.clear();
    this.kept = 0;
  }

  private settle(order: DateOrder, why: string, values: (k: number) => Float64Array): void {
    if (order !== this.record.order) {
      if (this.lost) {
        // Dates already read the assumed way are gone: the file keeps it, and its note says what contradicted it.
        Object.assign(this.record, { tentative: false, contradicted: why });
        return;
      }
      for (const [k, kept] of this.apart) {
        const column = values(k);
        kept.at.forEach((at, n) => (column[at] = kept.other[n]));
      }
    }
    Object.assign(this.record, { order, why, tentative: false });
    this.apart.clear();
    this.kept = 0;
  }
}

function tells(
  cell: string,
  dmy: number,
  mdy: number,
  before: { dmy: number; mdy: number } | undefined,
  lead: string,
): { order: DateOrder; why: string } | undefined {
  const shown = JSON.stringify(cell.trim().slice(0, 40));
  if (Number.isNaN(mdy)) return { order: 'dmy', why: `${lead}; ${shown} is a date only day first` };
  if (Number.isNaN(dmy)) return { order: 'mdy', why: `${lead}; ${shown} is a date only month first` };
  if (!before || Number.isNaN(before.dmy) || Number.isNaN(before.mdy)) return undefined;
  const [stepDmy, stepMdy] = [Math.abs(dmy - before.dmy), Math.abs(mdy - before.mdy)];
  // Equal steps (a date repeated: a clock column beside it, units logged at one time) tell nothing.
  if (stepDmy === stepMdy || !(stepDmy <= CLEARLY_SHORTER * stepMdy || stepMdy <= CLEARLY_SHORTER * stepDmy)) return undefined;
  const order = stepDmy < stepMdy ? 'dmy' : 'mdy';
  return { order, why: `${lead}; ${shown} follows the date before it closely only ${order === 'dmy' ? 'day' : 'month'} first` };
}
