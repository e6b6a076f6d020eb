// Derived feature columns for a whole dataset: readings are fed in stream order
// (time, then unit) so each unit's state evolves exactly as it would live, then the
// results are put back in the dataset's row order.
import type { WasmEngine } from '../engine/wasm-engine.js';
import { column, columnByRole, requireColumns, type Column, type Dataset } from '../data/dataset.js';
import { RowChunks, Scratch, readRange } from '../data/compact-columns.js';
import { streamOrder, timeOrderedPerUnit } from '../data/order.js';

export { timeOrderedPerUnit };
import { FeatureTransform } from './transform.js';
import { checkRecipe, isIdentity, type FeatureRecipe } from './recipe.js';

const CHUNK = 262144;

export function deriveDataset(engine: WasmEngine, ds: Dataset, recipe: FeatureRecipe): Dataset {
  checkRecipe(recipe);
  if (isIdentity(recipe)) return ds;
  const { names, values } = deriveColumns(engine, ds, recipe);
  const derivedCols: Column[] = names.map((name, f) => ({ name, role: 'feature', values: values[f], missing: 0, nonNumeric: 0 }));
  const kept = ds.columns.filter((c) => !column({ ...ds, columns: derivedCols }, c.name));
  return { ...ds, columns: [...kept, ...derivedCols] };
}

/**
 * The recipe's feature columns (in `names` order). With `keep`, only the kept rows' values, in
 * row order: every row still passes through its unit's window state, so they equal the
 * whole data's, and training holds the rows it reads, not the whole file's features.
 */
export function deriveColumns(
  engine: WasmEngine,
  ds: Dataset,
  recipe: FeatureRecipe,
  keep?: Uint8Array,
): { names: string[]; values: Float64Array[] } {
  checkRecipe(recipe);
  const inputs = requireColumns(ds, recipe.inputs);
  const settingCols = recipe.regimes ? requireColumns(ds, recipe.regimes.settings) : [];
  const unit = columnByRole(ds, 'unit')?.values;
  const transform = new FeatureTransform(engine, recipe);
  const d = inputs.length;
  const k = settingCols.length;
  const width = transform.width;
  // Where each row's values go: its row, or its place among the kept rows (-1: not kept).
  const at = keep ? keptPlaces(keep) : undefined;
  const size = at ? at.count : ds.rows;
  const out = transform.names.map(() => new Float64Array(size));
  try {
    if (timeOrderedPerUnit(ds)) {
      // Fast path: columns straight through the engine, no reordering (compact ones decoded a chunk at a time).
      const scratch = new Scratch(CHUNK);
      const chunkOut = at ? transform.names.map(() => new Float64Array(CHUNK)) : out;
      for (let start = 0; start < ds.rows; start += CHUNK) {
        const end = Math.min(ds.rows, start + CHUNK);
        transform.applyColumns(
          inputs.map((c, f) => readRange(c, start, end, true, scratch.for(f))),
          unit?.subarray(start, end),
          settingCols.map((c, j) => readRange(c, start, end, true, scratch.for(d + j))),
          chunkOut,
          at ? 0 : start,
        );
        if (at)
          for (let i = 0; i < end - start; i++) {
            const to = at.place[start + i];
            if (to >= 0) for (let f = 0; f < width; f++) out[f][to] = chunkOut[f][i];
          }
      }
    } else {
      const order = streamOrder(ds);
      const chunks = new RowChunks([...inputs, ...settingCols], order, ds.rows, CHUNK);
      const raw = new Float64Array(CHUNK * d);
      const settings = new Float64Array(CHUNK * k);
      const units = new Float64Array(CHUNK);
      const block = new Float64Array(CHUNK * width);
      for (let start = 0; start < ds.rows; start += CHUNK) {
        const n = Math.min(CHUNK, ds.rows - start);
        chunks.load(start);
        for (let i = 0; i < n; i++) {
          const row = order[start + i];
          for (let f = 0; f < d; f++) raw[i * d + f] = chunks.values[f][i];
          for (let j = 0; j < k; j++) settings[i * k + j] = chunks.values[d + j][i];
          units[i] = unit ? unit[row] : 0;
        }
        const derived = transform.apply(raw.subarray(0, n * d), units.subarray(0, n), n, settings.subarray(0, n * k), block);
        for (let i = 0; i < n; i++) {
          const to = at ? at.place[order[start + i]] : order[start + i];
          if (to >= 0) for (let f = 0; f < width; f++) out[f][to] = derived[i * width + f];
        }
      }
    }
  } finally {
    transform.dispose();
  }
  return { names: transform.names, values: out };
}

function keptPlaces(keep: Uint8Array): { place: Int32Array; count: number } {
  const place = new Int32Array(keep.length);
  let count = 0;
  for (let r = 0; r < keep.length; r++) place[r] = keep[r] ? count++ : -1;
  return { place, count };
}
