// The profile's fast path (data/profile-kernel.ts) on the Wasm kernel
// (wasm/assembly/profile-column.ts): a column is copied into Wasm a window at a time with
// its unit column, and its distinct-value table is copied in and out once per piece, only
// while it still counts. Windows and tables are allocated once and reused.
import { IO, IO_SLOTS, type DistinctTable, type ProfileKernel } from '../data/profile-kernel.js';

/** The kernel's exports this needs (WasmEngine's instance has them). */
export interface ProfileExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  free(ptr: number): void;
  profileColumn(
    values: number,
    units: number,
    len: number,
    first: number,
    io: number,
    keys: number,
    counts: number,
    mask: number,
    cap: number,
  ): void;
}

const WINDOW = 65536;

export class WasmColumnProfiler implements ProfileKernel {
  private readonly wasm: ProfileExports;
  private readonly values: number;
  private readonly units: number;
  private readonly io: number;
  private keys = 0;
  private counts = 0;
  private slots = 0;

  constructor(wasm: ProfileExports) {
    this.wasm = wasm;
    this.values = wasm.alloc(WINDOW * 8);
    this.units = wasm.alloc(WINDOW * 8);
    this.io = wasm.alloc(IO_SLOTS * 8);
  }

  addValues(v: Float64Array, unit: Float64Array | undefined, io: Float64Array, table: DistinctTable): void {
    const counting = table.size < table.cap;
    if (counting) this.tableFor(table.keys.length);
    const wasm = this.wasm;
    let memory = wasm.memory.buffer;
    io[IO.size] = table.size;
    io[IO.last] = table.last;
    new Float64Array(memory, this.io, IO_SLOTS).set(io);
    if (counting) {
      new Float64Array(memory, this.keys, table.keys.length).set(table.keys);
      new Int32Array(memory, this.counts, table.counts.length).set(table.counts);
    }
    // Once the table is full the kernel never reads it: a cap of 0 says so without a table.
    const cap = counting ? table.cap : 0;
    const mask = counting ? table.keys.length - 1 : 0;
    for (let at = 0; at < v.length; at += WINDOW) {
      const len = Math.min(WINDOW, v.length - at);
      memory = wasm.memory.buffer;
      new Float64Array(memory, this.values, len).set(v.subarray(at, at + len));
      if (unit) new Float64Array(memory, this.units, len).set(unit.subarray(at, at + len));
      wasm.profileColumn(this.values, unit ? this.units : 0, len, at === 0 ? 1 : 0, this.io, this.keys, this.counts, mask, cap);
    }
    memory = wasm.memory.buffer;
    io.set(new Float64Array(memory, this.io, IO_SLOTS));
    if (counting) {
      table.keys.set(new Float64Array(memory, this.keys, table.keys.length));
      table.counts.set(new Int32Array(memory, this.counts, table.counts.length));
      table.size = io[IO.size];
      table.last = io[IO.last];
    }
  }

  /** Table space for `slots` slots, grown when a bigger table comes (the cap is fixed, so that is rare). */
  private tableFor(slots: number): void {
    if (slots <= this.slots) return;
    this.wasm.free(this.keys);
    this.wasm.free(this.counts);
    this.keys = this.wasm.alloc(slots * 8);
    this.counts = this.wasm.alloc(slots * 4);
    this.slots = slots;
  }
}
