// What the profile asks of a fast path for its hot loop (the Wasm kernel,
// src/engine/column-profiler.ts). The profile is the same without one: the kernel runs
// ColumnStats.add's loop operation for operation, on the figures laid out below.

/** The running figures of a column's piece, as f64 slots of `io` (wasm/assembly/profile-column.ts reads the same). */
export const IO = {
  n: 0,
  shift: 1,
  sum: 2,
  sq: 3,
  min: 4,
  max: 5,
  run: 6,
  longest: 7,
  runUnit: 8,
  longestUnit: 9,
  prev: 10,
  rising: 11,
  steps: 12,
  whole: 13,
  lastUnit: 14,
  size: 15,
  last: 16,
} as const;
export const IO_SLOTS = 17;

/** A distinct-value table (distinct.ts): the kernel counts into it and updates size and last. */
export interface DistinctTable {
  readonly keys: Float64Array;
  readonly counts: Int32Array;
  readonly cap: number;
  size: number;
  last: number;
}

export interface ProfileKernel {
  /** ColumnStats.add's loop over v (unit: the unit column, if any) from the figures in io, counting into table; both updated. */
  addValues(v: Float64Array, unit: Float64Array | undefined, io: Float64Array, table: DistinctTable): void;
}
