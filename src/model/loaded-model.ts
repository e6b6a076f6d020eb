// A model loaded into an engine: scores datasets or row blocks with the model's own
// feature order, and explains single readings.
import { featureColumns, type Dataset } from '../data/dataset.js';
import type { ModelJson } from './types.js';
import { validateModel } from './validate.js';
import { flagAnomalies } from '../alarms/threshold.js';
import { deriveDataset, timeOrderedPerUnit } from '../features/derive.js';
import { FeatureTransform } from '../features/transform.js';
import { isIdentity, type FeatureRecipe } from '../features/recipe.js';
import { columnByRole } from '../data/dataset.js';
import type { WasmEngine } from '../engine/wasm-engine.js';

export interface Scored {
  /** scikit-learn's score_samples: lower is more abnormal; NaN where a feature is missing. */
  scores: Float64Array;
  /** 1 where decision = score - offset < 0. */
  flags: Uint8Array;
  unscorable: number;
}

export interface Explanation {
  features: string[];
  /** Path shortening credited per feature; sums to c(psi) - E[h(x)]. */
  attribution: number[];
  /** The reading's scaled value per feature: its sign says high or low against the training mean. */
  zscores: number[];
  meanPathLength: number;
  averagePathLength: number;
}

export class LoadedModel {
  private handle: number;
  private readonly engine: WasmEngine;
  readonly model: ModelJson;

  /** The model's recipe unless it is the identity (features are raw columns). */
  private readonly recipe?: FeatureRecipe;

  constructor(engine: WasmEngine, model: ModelJson) {
    this.engine = engine;
    this.model = model;
    this.recipe = model.recipe && !isIdentity(model.recipe) ? model.recipe : undefined;
    this.handle = engine.loadForest(validateModel(model).spec);
  }

  get offset(): number {
    return this.model.threshold.offset;
  }

  private derived = new WeakMap<Dataset, Dataset>();

  /** The dataset with the model's features: derived by its recipe (cached per dataset), or as is. */
  featureData(ds: Dataset): Dataset {
    if (!this.recipe) return ds;
    let d = this.derived.get(ds);
    if (!d) this.derived.set(ds, (d = deriveDataset(this.engine, ds, this.recipe)));
    return d;
  }

  /** The model's feature values for one row of a dataset (derived when the model has a recipe). */
  featureRow(ds: Dataset, row: number): Float64Array {
    const cols = featureColumns(this.featureData(ds), this.model.features);
    return Float64Array.from(cols, (c) => c[row]);
  }

  scoreDataset(ds: Dataset): Scored {
    const recipe = this.recipe;
    if (recipe && !this.derived.has(ds) && timeOrderedPerUnit(ds)) {
      // Window features computed inside the scoring pass, from a fresh per-unit state.
      const transform = new FeatureTransform(this.engine, recipe);
      try {
        const { scores, unscorable } = transform.scoreColumns(
          this.handle,
          featureColumns(ds, recipe.inputs),
          columnByRole(ds, 'unit')?.values,
          recipe.regimes ? featureColumns(ds, recipe.regimes.settings) : [],
        );
        return { scores, flags: flagAnomalies(scores, this.offset), unscorable };
      } finally {
        transform.dispose();
      }
    }
    const { scores, unscorable } = this.engine.score(this.handle, featureColumns(this.featureData(ds), this.model.features));
    return { scores, flags: flagAnomalies(scores, this.offset), unscorable };
  }

  scoreColumns(columns: Float64Array[]): Scored {
    const { scores, unscorable } = this.engine.score(this.handle, columns);
    return { scores, flags: flagAnomalies(scores, this.offset), unscorable };
  }

  private stream?: FeatureTransform;

  /** Raw columns a stream must supply per reading, in order (then the regime settings, if any). */
  get streamInputs(): string[] {
    const r = this.recipe;
    return r ? [...r.inputs, ...(r.regimes?.settings ?? [])] : this.model.features;
  }

  /**
   * A streamed batch of raw readings (`stride` values per row, streamInputs first) from
   * units whose readings arrive in time order; window state carries over between batches.
   */
  scoreStream(block: Float64Array, stride: number, units: Float64Array, n: number): { scores: Float64Array; unscorable: number } {
    const r = this.recipe;
    if (!r) return this.engine.scoreRowMajor(this.handle, block.subarray(0, n * stride), stride);
    this.stream ??= new FeatureTransform(this.engine, r);
    let settings: Float64Array | undefined;
    if (r.regimes) {
      const k = r.regimes.settings.length;
      const d = r.inputs.length;
      settings = new Float64Array(n * k);
      for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) settings[i * k + j] = block[i * stride + d + j];
    }
    return this.stream.scoreRows(this.handle, block, stride, units, n, settings);
  }

  /** Forgets every unit's window state (a replay restarting from the beginning). */
  resetStream(): void {
    this.stream?.reset();
  }

  explain(row: Float64Array): Explanation {
    const { attribution, meanPathLength } = this.engine.explain(this.handle, row);
    const { mean, scale } = this.model.scaler;
    return {
      features: this.model.features,
      attribution: Array.from(attribution),
      zscores: Array.from(row, (x, i) => (x - mean[i]) / scale[i]),
      meanPathLength,
      averagePathLength: this.engine.averagePathLength(this.model.forest.maxSamples),
    };
  }

  dispose(): void {
    this.stream?.dispose();
    this.stream = undefined;
    if (this.handle) this.engine.freeForest(this.handle);
    this.handle = 0;
  }
}
