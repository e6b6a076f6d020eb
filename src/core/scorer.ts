// A model loaded into an engine: scores datasets or row blocks with the model's own
// feature order, and explains single readings.
import { featureColumns, type Dataset } from '../data/dataset.js';
import type { ModelJson } from '../model/types.js';
import { validateModel } from '../model/validate.js';
import { flagAnomalies } from './threshold.js';
import type { WasmEngine } from './wasm-engine.js';

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

  constructor(engine: WasmEngine, model: ModelJson) {
    this.engine = engine;
    this.model = model;
    this.handle = engine.loadForest(validateModel(model).spec);
  }

  get offset(): number {
    return this.model.threshold.offset;
  }

  scoreDataset(ds: Dataset): Scored {
    const { scores, unscorable } = this.engine.score(this.handle, featureColumns(ds, this.model.features));
    return { scores, flags: flagAnomalies(scores, this.offset), unscorable };
  }

  scoreColumns(columns: Float64Array[]): Scored {
    const { scores, unscorable } = this.engine.score(this.handle, columns);
    return { scores, flags: flagAnomalies(scores, this.offset), unscorable };
  }

  /** A streamed batch: `stride` values per row, the model's features first. */
  scoreRowMajor(block: Float64Array | Float32Array, stride: number): { scores: Float64Array; unscorable: number } {
    return this.engine.scoreRowMajor(this.handle, block, stride);
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
    if (this.handle) this.engine.freeForest(this.handle);
    this.handle = 0;
  }
}
