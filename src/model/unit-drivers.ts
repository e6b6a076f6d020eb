// Why each unit looks as it does now: the explanation of every unit's latest reading,
// summed per raw input (a sensor's derived features count as that sensor) and cut to
// the top few. The derived features are computed in one streamed pass with per-unit
// state, keeping only each unit's latest row, so memory stays at one chunk whatever
// the data's size.
import { columnByRole, requireColumns, type Dataset } from '../data/dataset.js';
import { RowChunks, readRows } from '../data/compact-columns.js';
import { unitTimeOrder } from '../data/order.js';
import type { WasmEngine } from '../engine/wasm-engine.js';
import { inputOf } from '../features/feature-words.js';
import { isIdentity } from '../features/recipe.js';
import { FeatureTransform } from '../features/transform.js';
import type { LoadedModel } from './loaded-model.js';

export interface Driver {
  /** The raw column (sensor). */
  input: string;
  /** Path shortening credited to it: positive pushed the reading towards anomalous. */
  attribution: number;
}

/** Beyond this many training standard deviations a feature is far past anything the forest trained on. */
export const FAR_SIGMA = 6;

/** An input whose latest reading is far from the training readings in one of its features (beyond FAR_SIGMA). */
export interface OutOfRange {
  input: string;
  side: 'above' | 'below';
  /** The farthest of its features, in training standard deviations. */
  sigma: number;
}

export interface UnitDrivers {
  unit: number;
  /** The unit's latest reading (row in the dataset). */
  row: number;
  drivers: Driver[];
  /**
   * Past the training readings, an input's reading scores like the range's edge (a forest
   * isolates it no faster the farther out it is) until the engine's range rule scores it 1, so
   * a clear single-sensor fault between the two may stay under the threshold: named apart from
   * the drivers.
   */
  outside: OutOfRange[];
}

const CHUNK = 65536;

/** Per unit, the inputs that pushed its latest reading's score up the most (at most `top`, positive only). */
export function latestDrivers(engine: WasmEngine, loaded: LoadedModel, ds: Dataset, top = 3): UnitDrivers[] {
  const unit = columnByRole(ds, 'unit')?.values;
  if (!unit) return [];
  const order = unitTimeOrder(ds);
  const latest = new Map<number, number>();
  for (let j = 0; j < ds.rows; j++) {
    const i = order ? order[j] : j;
    if (!Number.isNaN(unit[i])) latest.set(unit[i], i);
  }
  const rows = latestFeatureRows(engine, loaded, ds, order, unit, new Set(latest.values()));
  const recipe = loaded.model.recipe;
  const features = loaded.model.features;
  const result: UnitDrivers[] = [];
  for (const [u, row] of latest) {
    const values = rows.get(row)!;
    const { attribution } = loaded.explain(values);
    result.push({
      unit: u,
      row,
      drivers: topInputs(features, attribution, recipe?.inputs, top),
      outside: farInputs(loaded.model, values, recipe?.inputs),
    });
  }
  return result.sort((a, b) => a.unit - b.unit);
}

/** The inputs with a feature beyond FAR_SIGMA of its training mean (the farthest per input), farthest first. */
export function farInputs(model: LoadedModel['model'], values: ArrayLike<number>, inputs: readonly string[] | undefined): OutOfRange[] {
  const { mean, scale } = model.scaler;
  const byInput = new Map<string, number>();
  model.features.forEach((f, k) => {
    const z = (values[k] - mean[k]) / (scale[k] || 1);
    if (!(Math.abs(z) > FAR_SIGMA)) return;
    const input = inputOf(f, inputs);
    const was = byInput.get(input);
    if (was === undefined || Math.abs(z) > Math.abs(was)) byInput.set(input, z);
  });
  return [...byInput]
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .map(([input, z]) => ({ input, side: z > 0 ? 'above' : 'below', sigma: Math.abs(z) }));
}

/** An explanation summed per raw input, largest positive first (at most `top`). */
export function topInputs(
  features: readonly string[],
  attribution: readonly number[],
  inputs: readonly string[] | undefined,
  top: number,
): Driver[] {
  const byInput = new Map<string, number>();
  features.forEach((f, k) => {
    const input = inputOf(f, inputs);
    byInput.set(input, (byInput.get(input) ?? 0) + attribution[k]);
  });
  return [...byInput]
    .filter(([, a]) => a > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([input, a]) => ({ input, attribution: a }));
}

/** The model's feature values at the wanted rows, derived by its recipe from each unit's history. */
function latestFeatureRows(
  engine: WasmEngine,
  loaded: LoadedModel,
  ds: Dataset,
  order: Int32Array | null,
  unit: Float64Array,
  wanted: Set<number>,
): Map<number, Float64Array> {
  const model = loaded.model;
  const out = new Map<number, Float64Array>();
  const recipe = model.recipe;
  if (!recipe || isIdentity(recipe)) {
    const rows = Int32Array.from(wanted);
    const values = requireColumns(ds, model.features).map((c) => readRows(c, rows));
    rows.forEach((row, j) =>
      out.set(
        row,
        Float64Array.from(values, (v) => v[j]),
      ),
    );
    return out;
  }
  const d = recipe.inputs.length;
  const k = recipe.regimes?.settings.length ?? 0;
  // A chunk of the inputs and settings at a time: compact columns are never decoded whole.
  const chunks = new RowChunks(requireColumns(ds, [...recipe.inputs, ...(recipe.regimes?.settings ?? [])]), order, ds.rows, CHUNK);
  const transform = new FeatureTransform(engine, recipe);
  const pick = model.features.map((f) => transform.names.indexOf(f));
  const width = transform.width;
  const raw = new Float64Array(CHUNK * d);
  const settings = new Float64Array(CHUNK * k);
  const units = new Float64Array(CHUNK);
  const block = new Float64Array(CHUNK * width);
  try {
    for (let start = 0; start < ds.rows; start += CHUNK) {
      const n = Math.min(CHUNK, ds.rows - start);
      chunks.load(start);
      for (let j = 0; j < n; j++) {
        const i = order ? order[start + j] : start + j;
        for (let f = 0; f < d; f++) raw[j * d + f] = chunks.values[f][j];
        for (let s = 0; s < k; s++) settings[j * k + s] = chunks.values[d + s][j];
        units[j] = unit[i];
      }
      const derived = transform.apply(raw.subarray(0, n * d), units.subarray(0, n), n, settings.subarray(0, n * k), block);
      for (let j = 0; j < n; j++) {
        const i = order ? order[start + j] : start + j;
        if (wanted.has(i))
          out.set(
            i,
            Float64Array.from(pick, (p) => derived[j * width + p]),
          );
      }
    }
  } finally {
    transform.dispose();
  }
  return out;
}
