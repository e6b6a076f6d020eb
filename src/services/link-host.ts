import type { WasmEngine } from '../engine/wasm-engine.js';
import type { LoadedModel } from '../model/loaded-model.js';
import type { ModelJson } from '../model/types.js';
import type { Dataset } from '../data/dataset.js';

/** What the Azure side of the engine worker needs from the engine service. */
export interface LinkHost {
  engine(): WasmEngine;
  loadedModel(): LoadedModel | undefined;
  dataset(): Dataset | undefined;
  /** Makes a model current (validated, scored against the data if any). */
  adopt(model: ModelJson): unknown;
  /** Replay and the hub share the model's stream state: one live source at a time. */
  stopReplay(): void;
}
