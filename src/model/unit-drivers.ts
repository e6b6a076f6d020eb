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
import { rangeOf } from './data-check.js';

export interface Driver {
  /** The raw column (sensor). */
  input: string;
  /** Path shortening credited to it: positive pushed the reading towards anomalous. */
  attribution: number;
}

/** An input whose latest reading lies outside the range the model was trained on (widened by half, as the data check judges it). */
export interface OutOfRange {
  input: string;
  side: 'above' | 'below';
}

export interface UnitDrivers {
  unit: number;
  /** The unit's latest reading (row in the dataset). */
  row: number;
  drivers: Driver[];
  /**
   * Far outside the training range, an input's reading scores like the range's edge (a forest
   * isolates it no faster the farther out it is), so a clear single-sensor fault may stay under
   * the threshold: named apart from the drivers. Empty for a model without an envelope.
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
  const outside = outOfRange(loaded, ds, Int32Array.from(latest.values()));
  const result: UnitDrivers[] = [];
  let k = 0;
  for (const [u, row] of latest) {
    const { attribution } = loaded.explain(rows.get(row)!);
    result.push({ unit: u, row, drivers: topInputs(features, attribution, recipe?.inputs, top), outside: outside[k++] });
  }
  return result.sort((a, b) => a.unit - b.unit);
}

/** Per row given, the model's inputs whose reading lies outside their widened training range. */
function outOfRange(loaded: LoadedModel, ds: Dataset, rows: Int32Array): OutOfRange[][] {
  const out = Array.from(rows, (): OutOfRange[] => []);
  const env = loaded.model.envelope;
  if (!env) return out;
  const cols = requireColumns(
    ds,
    env.inputs.map((i) => i.name),
  );
  env.inputs.forEach((input, f) => {
    const [lo, hi] = rangeOf(input.q);
    const values = readRows(cols[f], rows);
    for (let k = 0; k < rows.length; k++) {
      if (values[k] > hi) out[k].push({ input: input.name, side: 'above' });
      else if (values[k] < lo) out[k].push({ input: input.name, side: 'below' });
    }
  });
  return out;
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
