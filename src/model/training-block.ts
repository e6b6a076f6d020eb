// The training rows of the feature columns, read in place through their row numbers: a
// big file's training rows are never copied out whole as f64 columns (at 6M rows that copy
// was a third of a GB beside the features it came from). Each helper visits the rows in
// the order a copy would hold them, so every sum, scaled value and score is bit for bit
// what the copy gave.
import type { WasmEngine } from '../engine/wasm-engine.js';

/** Rows gathered per step: a few MB of f64, whatever the training set's size. */
const GATHER_ROWS = 65536;

/** Columns' values at rows[from..to) as columns of their own. */
export function gatherRows(columns: readonly Float64Array[], rows: Int32Array, from = 0, to = rows.length): Float64Array[] {
  return columns.map((c) => {
    const out = new Float64Array(to - from);
    for (let i = from; i < to; i++) out[i - from] = c[rows[i]];
    return out;
  });
}

/** The mean and spread of each column over the rows (StandardScaler's, as a copy would give them). */
export function meanAndScaleAt(columns: readonly Float64Array[], rows: Int32Array): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(columns.length);
  const scale = new Float64Array(columns.length);
  const n = rows.length;
  columns.forEach((c, f) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += c[rows[i]];
    const m = s / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (c[rows[i]] - m) * (c[rows[i]] - m);
    const std = Math.sqrt(v / n);
    mean[f] = m;
    // As scikit-learn's StandardScaler: a (near-)zero spread scales by 1.
    scale[f] = std < 10 * Number.EPSILON ? 1 : std;
  });
  return { mean, scale };
}

/** The rows scaled into one row-major f32 block (each row scales on its own, so step by step is exact). */
export function scaleRows(
  engine: WasmEngine,
  columns: readonly Float64Array[],
  rows: Int32Array,
  mean: Float64Array,
  scale: Float64Array,
): Float32Array {
  const d = columns.length;
  const block = new Float32Array(rows.length * d);
  for (let from = 0; from < rows.length; from += GATHER_ROWS) {
    const to = Math.min(rows.length, from + GATHER_ROWS);
    block.set(engine.scaleColumns(gatherRows(columns, rows, from, to), mean, scale), from * d);
  }
  return block;
}

/** The rows' scores under a loaded forest, in the rows' order. */
export function scoreRows(engine: WasmEngine, handle: number, columns: readonly Float64Array[], rows: Int32Array): Float64Array {
  const scores = new Float64Array(rows.length);
  for (let from = 0; from < rows.length; from += GATHER_ROWS) {
    const to = Math.min(rows.length, from + GATHER_ROWS);
    scores.set(engine.score(handle, gatherRows(columns, rows, from, to)).scores, from);
  }
  return scores;
}
