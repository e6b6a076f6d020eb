// The feature columns a training reads: the baseline's rows and the healthy ones after it,
// not the whole file's (at 6M readings the derived features of every row were 670 MB).
import { featureColumns, requireColumns, type Dataset } from '../data/dataset.js';
import { readRows } from '../data/compact-columns.js';
import type { WasmEngine } from '../engine/wasm-engine.js';
import { deriveColumns } from '../features/derive.js';
import type { FeatureRecipe } from '../features/recipe.js';
import { HEALTHY_RUL } from './calibrate.js';

/**
 * The features of the rows training and calibration read: the baseline's, and the healthy
 * ones (RUL > HEALTHY_RUL) outside it. `kept` lists their rows; absent when every row is kept
 * (then `all` are the data's own columns, not copies).
 */
export function trainingColumns(
  engine: WasmEngine,
  ds: Dataset,
  recipe: FeatureRecipe | undefined,
  inputs: string[],
  inBaseline: Uint8Array,
  rul: Float64Array | undefined,
): { all: Float64Array[]; kept?: Int32Array } {
  const keep = Uint8Array.from(inBaseline);
  if (rul) for (let r = 0; r < ds.rows; r++) if (rul[r] > HEALTHY_RUL) keep[r] = 1;
  let count = 0;
  for (let r = 0; r < ds.rows; r++) count += keep[r];
  if (count === ds.rows) return { all: recipe ? deriveColumns(engine, ds, recipe).values : featureColumns(ds, inputs) };
  const kept = new Int32Array(count);
  for (let r = 0, p = 0; r < ds.rows; r++) if (keep[r]) kept[p++] = r;
  const all = recipe ? deriveColumns(engine, ds, recipe, keep).values : requireColumns(ds, inputs).map((c) => readRows(c, kept));
  return { all, kept };
}
