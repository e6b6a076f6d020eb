// One file's bytes in, a Dataset out: sniffs gzip, UTF-16 and binary from the first bytes,
// decodes text in a stream and picks the C-MAPSS or CSV parser from the first text.
// Chunks may be cut anywhere: the dataset, or the error, is the same as for the whole
// file in one piece.
import { CmapssParser, looksLikeCmapss } from './cmapss.js';
import type { CmapssLineScanner } from './line-scanner.js';
import type { UnitColumnChoice } from './roles.js';
import { CsvParser } from './csv.js';
import { DataError, type Column, type Dataset } from './dataset.js';
import { StepInflater } from './inflate.js';
import { MAX_TEXT_BYTES, sizeText } from './limits.js';
import { isZip } from './zip.js';
import { joined } from './joined.js';
import { sniffUtf16, UTF16_SNIFF_BYTES, Utf16ToUtf8 } from './utf16.js';

export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

const SNIFF_BYTES = 64 * 1024;
const DECODE_BYTES = 1024 * 1024;
/** Enough to tell gzip (2 bytes) and zip (4 bytes) apart from text. */
const MAGIC_BYTES = 4;

/** What a spreadsheet workbook given as data is told. */
export function spreadsheetWords(name: string): string {
  return `${name}: a spreadsheet workbook, not CSV text; save the sheet as CSV (in Excel: File › Save As › CSV UTF-8) and give that file`;
}
const EMPTY: Uint8Array = new Uint8Array(0);

function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

function looksBinary(text: string): boolean {
  let control = 0;
  const n = Math.min(text.length, 4096);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return true;
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) control++;
  }
  return n > 0 && control / n > 0.05;
}

/**
 * Streaming ingest of one file (plain or gzip). Push byte chunks, then finish(). The
 * first 4 bytes tell gzip from text, the first 64 KiB of text decide the reader:
 * C-MAPSS gets raw bytes, CSV gets decoded text. A binary file is refused there,
 * before the rest is read; a zero byte later, or text past 1 GiB, stops the read.
 */
export class TextIngest {
  private magic: Uint8Array = EMPTY;
  private container?: 'gzip' | 'plain';
  private inflater?: StepInflater;
  private ended = false;
  private textBytes = 0;
  /** Re-encodes UTF-16 text; null once the text is known not to be UTF-16, undefined before. */
  private utf16?: Utf16ToUtf8 | null;
  private textHead: Uint8Array = EMPTY;
  private readonly decoder = new TextDecoder('utf-8');
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private cmapss?: CmapssParser;
  private csv?: CsvParser;
  private readonly name: string;

  /** Text past which the read stops: none when the caller streams the rows out (drain) instead of holding them. */
  private readonly textLimit: number;

  /** Cells the reader may hold (limits.ts): the page holds more than the CLI. */
  private readonly maxValues?: number;

  /** The file's size, for a reader to size its columns by (a plain file's is its text's). */
  private readonly bytesHint?: number;

  /** The C-MAPSS columns to read (default all): a streamed `score` reads only what its model needs. */
  private readonly columns?: (name: string) => boolean;

  /** 'cmapss': the text is known to be C-MAPSS (the far half of a file whose head is), so its own head is not sniffed. */
  private readonly format?: 'cmapss';

  /** The unit column the user named (CSV; a C-MAPSS file is keyed by unit_number). */
  private readonly unitColumn?: UnitColumnChoice;

  /** The C-MAPSS reader's fast path (Wasm), where the caller has one. */
  private readonly scanner?: CmapssLineScanner;

  constructor(
    name: string,
    opts: {
      streamed?: boolean;
      maxValues?: number;
      bytesHint?: number;
      columns?: (name: string) => boolean;
      format?: 'cmapss';
      unitColumn?: UnitColumnChoice;
      scanner?: CmapssLineScanner;
    } = {},
  ) {
    this.name = name;
    this.unitColumn = opts.unitColumn;
    this.scanner = opts.scanner;
    this.format = opts.format;
    this.columns = opts.columns;
    this.textLimit = opts.streamed ? Infinity : MAX_TEXT_BYTES;
    this.maxValues = opts.maxValues;
    this.bytesHint = opts.bytesHint;
  }

  pushBytes(chunk: Uint8Array, final = false): void {
    if (this.ended) throw new Error(`${this.name}: bytes pushed after the final chunk`);
    if (!this.container) {
      if (this.magic.length + chunk.length < MAGIC_BYTES && !final) {
        this.magic = concat(this.magic, chunk);
        return;
      }
      const head = concat(this.magic, chunk.subarray(0, MAGIC_BYTES));
      // An old Excel workbook (.xls) is an OLE compound file.
      if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) throw new DataError(spreadsheetWords(this.name));
      if (isZip(head)) {
        throw new DataError(
          head[2] === 5
            ? `${this.name}: an empty zip archive (no data files inside)`
            : `${this.name}: a zip archive inside another file is not supported; give the archive itself`,
        );
      }
      this.container = isGzip(head) ? 'gzip' : 'plain';
      if (this.container === 'gzip') this.inflater = new StepInflater('gzip', `${this.name}: the gzip data`);
      const held = this.magic;
      this.magic = EMPTY;
      this.unwrap(held, false);
    }
    this.unwrap(chunk, final);
    if (final) this.ended = true;
  }

  finish(): Dataset {
    if (!this.ended) this.pushBytes(EMPTY, true);
    if (!this.cmapss && !this.csv) this.choose(true);
    if (this.cmapss) return this.cmapss.finish();
    this.csv!.push(this.decoder.decode());
    return this.csv!.finish();
  }

  /** C-MAPSS rows parsed so far, as views (undefined for CSV or before the format is known). */
  parsedView(): Dataset | undefined {
    return this.cmapss?.view();
  }

  /** C-MAPSS rows read from the text that follows, by another reader; false (nothing changed) when they do not fit. */
  appendParsed(later: Dataset, apart?: (c: Column) => boolean): boolean {
    return !!this.cmapss && this.cmapss.append(later, apart);
  }

  /**
   * For a streamed read: the rows parsed since the last drain (none while the reader is
   * still choosing the format); `final` ends the text first, like finish().
   */
  drain(final = false): Dataset | undefined {
    if (final) {
      if (!this.ended) this.pushBytes(EMPTY, true);
      if (!this.cmapss && !this.csv) this.choose(true);
      this.csv?.push(this.decoder.decode());
    }
    if (this.cmapss) return this.cmapss.drain(final);
    return this.csv?.drain(final);
  }

  private unwrap(chunk: Uint8Array, final: boolean): void {
    if (!this.inflater) return this.route(chunk, final);
    for (const text of this.inflater.steps(chunk, final)) this.route(text, false);
    if (final) this.route(EMPTY, true);
  }

  /** The text as UTF-8: UTF-16 (told from its first bytes) is re-encoded on the way. */
  private route(bytes: Uint8Array, final: boolean): void {
    if (this.utf16 === undefined) {
      if (this.textHead.length + bytes.length < UTF16_SNIFF_BYTES && !final) {
        this.textHead = concat(this.textHead, bytes);
        return;
      }
      if (this.textHead.length) bytes = concat(this.textHead, bytes);
      this.textHead = EMPTY;
      const encoding = sniffUtf16(bytes);
      this.utf16 = encoding ? new Utf16ToUtf8(encoding) : null;
    }
    this.routeText(this.utf16 ? this.utf16.push(bytes, final) : bytes);
  }

  /** Passes text on up to a zero byte or the size limit, then stops with that error: where it stops depends on content only. */
  private routeText(bytes: Uint8Array): void {
    let n = bytes.length;
    let stop: string | undefined;
    if (this.textBytes + n > this.textLimit) {
      n = this.textLimit - this.textBytes;
      stop = `${this.name}: more than ${sizeText(MAX_TEXT_BYTES)} of text${this.inflater ? ' once decompressed' : ''}; isoscope reads at most that much from one file`;
    }
    const zero = bytes.subarray(0, n).indexOf(0);
    if (zero >= 0) {
      n = zero;
      stop = `${this.name}: this looks like a binary file (a zero byte at offset ${this.textBytes + zero}), not sensor readings as text (CSV or C-MAPSS)`;
    }
    this.textBytes += n;
    this.feed(n === bytes.length ? bytes : bytes.subarray(0, n));
    if (stop) throw new DataError(stop);
  }

  private feed(bytes: Uint8Array): void {
    if (this.cmapss) return this.cmapss.pushBytes(bytes);
    if (this.csv) {
      // Decoded a slice at a time: a whole file handed over as one chunk never becomes one giant string.
      for (let at = 0; at < bytes.length; at += DECODE_BYTES)
        this.csv.push(this.decoder.decode(bytes.subarray(at, at + DECODE_BYTES), { stream: true }));
      return;
    }
    const need = SNIFF_BYTES - this.pendingBytes;
    if (bytes.length) {
      this.pending.push(bytes.slice(0, need));
      this.pendingBytes += Math.min(need, bytes.length);
    }
    if (this.pendingBytes < SNIFF_BYTES) return;
    this.choose(false);
    if (bytes.length > need) this.feed(bytes.subarray(need));
  }

  private choose(atEnd: boolean): void {
    let all = concat(...this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    if (all[0] === 0xef && all[1] === 0xbb && all[2] === 0xbf) all = all.subarray(3); // UTF-8 BOM
    const head = new TextDecoder().decode(all.subarray(0, 16384));
    if (head.trim() === '') {
      throw new DataError(atEnd ? `${this.name}: the file is empty` : `${this.name}: the first 16 KiB are blank; is this a data file?`);
    }
    if (looksBinary(head)) throw new DataError(`${this.name}: this looks like a binary file, not sensor readings as text (CSV or C-MAPSS)`);
    if (this.format === 'cmapss' || looksLikeCmapss(head.slice(0, 8192))) {
      const unit = this.unitColumn;
      if (unit?.required && unit.name !== 'unit_number')
        throw new DataError(
          `${this.name}: a C-MAPSS file's unit column is unit_number; it cannot be ${unit.name === null ? 'none' : `"${unit.name}"`}`,
        );
      this.cmapss = new CmapssParser(
        this.name,
        this.maxValues,
        this.container === 'plain' ? this.bytesHint : 0,
        this.columns,
        this.scanner,
      );
      this.cmapss.pushBytes(all);
    } else {
      this.csv = new CsvParser(this.name, this.maxValues, this.unitColumn);
      this.feed(all);
    }
  }
}

/** The parts as one array (the part itself when there is one). */
export function concat(...parts: Uint8Array[]): Uint8Array {
  return joined(parts, (n) => new Uint8Array(n));
}

/** The bytes cut into pieces of the given sizes, taken in turn (as a network or a disk may hand them over). */
export function* chunksOf(bytes: Uint8Array, sizes: readonly number[]): Generator<Uint8Array> {
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const n = sizes[k % sizes.length];
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

export function parseChunks(name: string, chunks: Iterable<Uint8Array>, unitColumn?: UnitColumnChoice): Dataset {
  const ingest = new TextIngest(name, { unitColumn });
  for (const c of chunks) ingest.pushBytes(c);
  return ingest.finish();
}

export function parseBytes(file: NamedBytes): Dataset {
  return parseChunks(file.name, [file.bytes]);
}
