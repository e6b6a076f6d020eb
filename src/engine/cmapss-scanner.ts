// The C-MAPSS reader's fast path (data/line-scanner.ts) on the Wasm kernel
// (wasm/assembly/cmapss-lines.ts): text is copied into Wasm a window at a time and read
// into 26 columns there, which the reader copies into its own. Its scratch is allocated
// once, so a gigabyte of text touches no new memory here.
import type { CmapssLineScanner, ScanResult } from '../data/line-scanner.js';

/** The kernel's exports this needs (WasmEngine's instance has them). */
export interface ScanExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  scanCmapssLines(text: number, len: number, final: number, out: number, cap: number, maxRecord: number, result: number): void;
}

/** Text per call: more than a line may hold (MAX_RECORD, 1 MiB), so a line is never longer than a window. */
const WINDOW = 2 * 1024 * 1024 + 64;
const CAPACITY = 16384;
const COLUMNS = 26;
const STATUS = ['done', 'refused', 'more', 'more'] as const;

export class WasmCmapssScanner implements CmapssLineScanner {
  readonly capacity = CAPACITY;
  private readonly wasm: ScanExports;
  private readonly text: number;
  private readonly out: number;
  private readonly result: number;

  constructor(wasm: ScanExports) {
    this.wasm = wasm;
    this.text = wasm.alloc(WINDOW);
    this.out = wasm.alloc(CAPACITY * COLUMNS * 8);
    this.result = wasm.alloc(16);
  }

  scan(bytes: Uint8Array, from: number, to: number, cap: number, maxRecord: number): ScanResult {
    const len = Math.min(to - from, WINDOW);
    const final = from + len === to;
    const buffer = this.wasm.memory.buffer;
    // The kernel spaces its columns by the rows it may write: the views below must space them alike.
    const spacing = Math.min(cap, CAPACITY);
    new Uint8Array(buffer, this.text, len).set(bytes.subarray(from, from + len));
    this.wasm.scanCmapssLines(this.text, len, final ? 1 : 0, this.out, spacing, maxRecord, this.result);
    const [status, rows, lines, stop] = new Int32Array(buffer, this.result, 4);
    const out = this.out;
    return {
      status: STATUS[status],
      rows,
      lines,
      next: from + stop,
      column: (k) => new Float64Array(buffer, out + k * spacing * 8, rows),
    };
  }
}
