// CSV text to fields, fed in pieces of any size. One state machine over characters,
// so a cut inside a quoted field, between a doubled quote or between \r and \n changes
// nothing: the fields are the same however the text is cut. RFC 4180 quoting; \r\n,
// \n and a lone \r each end a record. Text after a closing quote stays in the field
// ("a" b -> a b) rather than reopening the quote, so a stray quote costs one cell.
import { DataError } from './dataset.js';
import { MAX_RECORD, sizeText } from './limits.js';

export interface FieldSink {
  field(text: string): void;
  endRecord(): void;
  /** The record under way, for messages: "data.csv, record 7". */
  where(): string;
}

const LF = 10;
const CR = 13;
const QUOTE = 34;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** Just read a quote inside a quoted field: it closes the field or starts a doubled "". */
const QUOTE_IN_QUOTED = 3;
/** A record ended at \r: a \n right after it belongs to that line break. */
const AFTER_CR = 4;

export class FieldSplitter {
  private state = FIELD_START;
  /** The current field's text from earlier pieces. */
  private part = '';
  /** Some of a record is read (a field began or a delimiter passed). */
  private inRecord = false;
  /** Characters pushed before the current piece; where the current record began. */
  private seen = 0;
  private recordStart = 0;
  private readonly delimiter: number;
  private readonly sink: FieldSink;

  constructor(delimiter: string, sink: FieldSink) {
    this.delimiter = delimiter.charCodeAt(0);
    this.sink = sink;
  }

  push(text: string): void {
    const n = text.length;
    const d = this.delimiter;
    let state = this.state;
    let i = 0;
    let from = 0;
    // The record may not reach this index: the cap falls at the same character
    // however the text is cut, so chunked and one-shot reads fail alike.
    let limit = this.recordStart + MAX_RECORD - this.seen;
    while (i < n) {
      if (i >= limit) this.tooLong();
      let c = text.charCodeAt(i);
      if (state === UNQUOTED) {
        const end = n < limit ? n : limit;
        let j = i;
        while (j < end) {
          c = text.charCodeAt(j);
          if (c === d || c === LF || c === CR) break;
          j++;
        }
        i = j;
        if (j === end) continue;
        this.part += text.slice(from, j);
      } else if (state === QUOTED) {
        const j = text.indexOf('"', i);
        const end = n < limit ? n : limit;
        if (j < 0 || j >= end) {
          i = end;
          continue;
        }
        this.part += text.slice(from, j);
        state = QUOTE_IN_QUOTED;
        i = j + 1;
        continue;
      } else if (state === AFTER_CR) {
        state = FIELD_START;
        if (c === LF) {
          i++;
          this.recordStart++;
          limit++;
        }
        continue;
      } else if (c !== d && c !== LF && c !== CR) {
        // FIELD_START or QUOTE_IN_QUOTED, and the field goes on.
        if (state === QUOTE_IN_QUOTED && c === QUOTE) {
          this.part += '"';
          state = QUOTED;
          from = ++i;
        } else if (state === FIELD_START && c === QUOTE) {
          state = QUOTED;
          from = ++i;
        } else {
          state = UNQUOTED;
          from = i;
        }
        this.inRecord = true;
        continue;
      }
      // The field ends at text[i]: a delimiter or a line break.
      const value = this.part;
      this.part = '';
      this.inRecord = true;
      this.sink.field(value);
      i++;
      if (c === d) {
        state = FIELD_START;
        continue;
      }
      this.inRecord = false;
      this.sink.endRecord();
      state = c === CR ? AFTER_CR : FIELD_START;
      this.recordStart = this.seen + i;
      limit = i + MAX_RECORD;
    }
    if (state === UNQUOTED || state === QUOTED) this.part += text.slice(from, n);
    this.state = state;
    this.seen += n;
  }

  /** Ends the last record, which may lack a line break. */
  finish(): void {
    if (this.state === QUOTED) throw new DataError(`${this.sink.where()}: a quoted field is never closed (a stray " ?)`);
    if (this.inRecord) {
      this.sink.field(this.part);
      this.sink.endRecord();
    }
    this.part = '';
    this.inRecord = false;
    this.state = FIELD_START;
  }

  private tooLong(): never {
    throw new DataError(`${this.sink.where()}: longer than ${sizeText(MAX_RECORD)}; is a quote left open, or is this not a CSV file?`);
  }
}
