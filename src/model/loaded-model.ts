// A model loaded into an engine: scores datasets or row blocks with the model's own
// feature order, and explains single readings. A model is validated, then compiled and
// probed in the engine's sandbox instance before it enters the shared one, so a bad model
// is refused without disturbing the models already loaded. Should the shared instance
// ever trap anyway, the engine discards it and each model recompiles on its next call.
import { featureColumns, requireColumns, type Dataset } from '../data/dataset.js';
import { Scratch, readRange, readRows, selectRows } from '../data/compact-columns.js';
import type { ModelJson } from './types.js';
import { validateModel } from './validate.js';
import { flagAnomalies } from '../alarms/threshold.js';
import { deriveDataset, timeOrderedPerUnit } from '../features/derive.js';
import { FeatureTransform } from '../features/transform.js';
import { isIdentity, type FeatureRecipe } from '../features/recipe.js';
import { columnByRole } from '../data/dataset.js';
import type { ForestSpec, WasmEngine } from '../engine/wasm-engine.js';
import { engineRefused, probeForest } from './probe.js';

/** Rows decoded and scored at a time: 256K rows of 24 inputs are 50 MB. */
const SCORE_PIECE_ROWS = 262144;

/** A sandbox that grew past this while probing a large model is dropped rather than kept. */
const SANDBOX_KEEP_BYTES = 64 * 2 ** 20;

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
  /** The engine generation the handle belongs to. */
  private generation: number;
  private readonly engine: WasmEngine;
  readonly model: ModelJson;

  /** The model's recipe unless it is the identity (features are raw columns). */
  private readonly recipe?: FeatureRecipe;

  constructor(engine: WasmEngine, model: ModelJson) {
    this.engine = engine;
    this.model = model;
    this.recipe = model.recipe && !isIdentity(model.recipe) ? model.recipe : undefined;
    const { spec } = validateModel(model);
    try {
      probeForest(engine.sandbox(), spec);
    } finally {
      engine.releaseSandbox(SANDBOX_KEEP_BYTES);
    }
    this.generation = engine.generation;
    this.handle = compile(engine, spec);
  }

  /** The forest's handle, recompiled if the engine restarted after a trap since it was loaded. */
  private forest(): number {
    if (this.generation !== this.engine.generation && this.handle) {
      // The window state lived in the discarded instance too: streams start afresh.
      this.stream = undefined;
      const generation = this.engine.generation;
      this.handle = compile(this.engine, validateModel(this.model).spec);
      // Only once compiled: if compiling failed, the next call tries again.
      this.generation = generation;
    }
    return this.handle;
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

  /**
   * The model's feature values for one row of a dataset (derived when the model has a
   * recipe). `unitRows`, the rows of that row's unit in file order, lets a recipe derive
   * that unit alone: its window and baseline state is its own, so the values are the
   * whole dataset's.
   */
  featureRow(ds: Dataset, row: number, unitRows?: Int32Array): Float64Array {
    if (!this.recipe) return Float64Array.from(requireColumns(ds, this.model.features), (c) => readRows(c, [row])[0]);
    const at = unitRows ? unitRows.indexOf(row) : -1;
    const part = at >= 0 ? selectRows(ds, ds.columns, unitRows!) : ds;
    const cols = featureColumns(this.featureData(part), this.model.features);
    return Float64Array.from(cols, (c) => c[at >= 0 ? at : row]);
  }

  scoreDataset(ds: Dataset): Scored {
    const recipe = this.recipe;
    if (recipe && !this.derived.has(ds) && timeOrderedPerUnit(ds)) {
      // Window features computed inside the scoring pass, from a fresh per-unit state that
      // carries from one piece to the next (so pieces score as the whole would).
      const transform = new FeatureTransform(this.engine, recipe);
      try {
        const inputs = requireColumns(ds, recipe.inputs);
        const settings = recipe.regimes ? requireColumns(ds, recipe.regimes.settings) : [];
        const unit = columnByRole(ds, 'unit')?.values;
        const scratch = new Scratch(SCORE_PIECE_ROWS);
        const d = inputs.length;
        const { scores, unscorable } = inPieces(ds.rows, (from, to) =>
          transform.scoreColumns(
            this.forest(),
            inputs.map((c, f) => readRange(c, from, to, true, scratch.for(f))),
            unit?.subarray(from, to),
            settings.map((c, j) => readRange(c, from, to, true, scratch.for(d + j))),
          ),
        );
        return { scores, flags: flagAnomalies(scores, this.offset), unscorable };
      } finally {
        transform.dispose();
      }
    }
    const features = requireColumns(this.featureData(ds), this.model.features);
    const scratch = new Scratch(SCORE_PIECE_ROWS);
    const { scores, unscorable } = inPieces(ds.rows, (from, to) =>
      this.engine.score(
        this.forest(),
        features.map((c, f) => readRange(c, from, to, true, scratch.for(f))),
      ),
    );
    return { scores, flags: flagAnomalies(scores, this.offset), unscorable };
  }

  scoreColumns(columns: Float64Array[]): Scored {
    const { scores, unscorable } = this.engine.score(this.forest(), columns);
    return { scores, flags: flagAnomalies(scores, this.offset), unscorable };
  }

  /** Rows already holding the model's features (no recipe), `stride` values each, features first. */
  scoreRowMajor(block: Float64Array | Float32Array, stride: number): { scores: Float64Array; unscorable: number } {
    return this.engine.scoreRowMajor(this.forest(), block, stride);
  }

  private stream?: FeatureTransform;

  /** Raw columns a stream must supply per reading, in order (then the regime settings, if any). */
  get streamInputs(): string[] {
    return streamInputsOf(this.model);
  }

  /**
   * A streamed batch of raw readings (`stride` values per row, streamInputs first) from
   * units whose readings arrive in time order; window state carries over between batches.
   */
  scoreStream(block: Float64Array, stride: number, units: Float64Array, n: number): { scores: Float64Array; unscorable: number } {
    const r = this.recipe;
    const forest = this.forest();
    if (!r) return this.engine.scoreRowMajor(forest, block.subarray(0, n * stride), stride);
    const stream = this.streamTransform();
    let settings: Float64Array | undefined;
    if (r.regimes) {
      const k = r.regimes.settings.length;
      const d = r.inputs.length;
      settings = new Float64Array(n * k);
      for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) settings[i * k + j] = block[i * stride + d + j];
    }
    return stream.scoreRows(forest, block, stride, units, n, settings);
  }

  /** Bytes of window state per streamed unit (0 when the model has no window). */
  get streamUnitBytes(): number {
    return this.recipe ? this.streamTransform().unitBytes : 0;
  }

  /** A streamed unit's window state, for a checkpoint (empty without a window; undefined when never seen). */
  streamUnitState(unit: number): Float64Array | undefined {
    return this.recipe ? this.streamTransform().unitState(unit) : new Float64Array(0);
  }

  setStreamUnitState(unit: number, words: Float64Array): void {
    if (this.recipe) this.streamTransform().setUnitState(unit, words);
  }

  /** Forgets one streamed unit's window state (evicted, or about to be restored). */
  forgetStreamUnit(unit: number): void {
    this.stream?.forgetUnit(unit);
  }

  private streamTransform(): FeatureTransform {
    return (this.stream ??= new FeatureTransform(this.engine, this.recipe!));
  }

  /**
   * One piece of a dataset streamed in file order (each unit's readings in time order), as
   * columns: window state carries over to the next piece, so a file scored piece by piece
   * gets exactly the scores of scoreDataset on the whole file.
   */
  scoreStreamColumns(ds: Dataset): { scores: Float64Array; unscorable: number } {
    const r = this.recipe;
    const forest = this.forest();
    if (!r) return this.engine.score(forest, featureColumns(ds, this.model.features));
    this.stream ??= new FeatureTransform(this.engine, r);
    const settings = r.regimes ? featureColumns(ds, r.regimes.settings) : [];
    return this.stream.scoreColumns(forest, featureColumns(ds, r.inputs), columnByRole(ds, 'unit')?.values, settings);
  }

  /** Forgets every unit's window state (a replay restarting from the beginning). */
  resetStream(): void {
    this.stream?.reset();
  }

  explain(row: Float64Array): Explanation {
    const { attribution, meanPathLength } = this.engine.explain(this.forest(), row);
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
    // A handle from a discarded instance is ignored by the engine.
    if (this.handle) this.engine.freeForest(this.handle);
    this.handle = 0;
  }
}

/** The raw columns a model reads: its recipe's inputs and regime settings, or its features when it has no recipe. */
export function streamInputsOf(model: ModelJson): string[] {
  const r = model.recipe && !isIdentity(model.recipe) ? model.recipe : undefined;
  return r ? [...r.inputs, ...(r.regimes?.settings ?? [])] : model.features;
}

function compile(engine: WasmEngine, spec: ForestSpec): number {
  try {
    return engine.loadForest(spec);
  } catch (e) {
    throw engineRefused(e);
  }
}

/** Rows scored a piece at a time (compact columns are decoded a piece at a time), the scores joined. */
function inPieces(rows: number, score: (from: number, to: number) => { scores: Float64Array; unscorable: number }) {
  const scores = new Float64Array(rows);
  let unscorable = 0;
  for (let from = 0; from < rows; from += SCORE_PIECE_ROWS) {
    const to = Math.min(rows, from + SCORE_PIECE_ROWS);
    const piece = score(from, to);
    scores.set(piece.scores, from);
    unscorable += piece.unscorable;
  }
  return { scores, unscorable };
}
