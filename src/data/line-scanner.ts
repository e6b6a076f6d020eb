// What the C-MAPSS reader asks of a fast path for its hot loop (the Wasm kernel,
// src/engine/cmapss-scanner.ts). The reader works the same without one: the fast path
// takes only lines it reads exactly as the reader would, and hands back every other line.

export interface ScanResult {
  /** done: every line up to the end was read; more: call again from `next`; refused: the line at `next` is the reader's. */
  status: 'done' | 'more' | 'refused';
  rows: number;
  /** Lines passed, blank ones included (the reader numbers lines in its errors). */
  lines: number;
  /** Where the next line starts (the end + 1 once done). */
  next: number;
  /** The rows read, column k (0-25), as a view valid until the next scan. */
  column(k: number): Float64Array;
}

export interface CmapssLineScanner {
  /** Rows one scan may return at most. */
  readonly capacity: number;
  /**
   * Reads the lines of bytes[from, to) as the reader does (`to` is a line break or the end
   * of the text), at most `cap` rows (≤ capacity) of 26 plain decimals each; stops before
   * any other line. Lines of `maxRecord` bytes or more are the reader's.
   */
  scan(bytes: Uint8Array, from: number, to: number, cap: number, maxRecord: number): ScanResult;
}
