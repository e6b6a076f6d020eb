// Scores the loaded data with two published models in the engine worker (the page's main
// thread only draws the figures) and compares them; the models leave the engine after.
import type { WasmEngine } from '../engine/wasm-engine.js';
import type { Dataset } from '../data/dataset.js';
import { LoadedModel } from '../model/loaded-model.js';
import type { PublishedModel } from '../connectors/model-registry.js';
import { compareModels, type ModelComparison, type ScoredModel } from '../metrics/model-comparison.js';

export function scoreAndCompare(engine: WasmEngine, ds: Dataset, champion: PublishedModel, candidate: PublishedModel): ModelComparison {
  return compareModels(ds, scoreWith(engine, ds, champion), scoreWith(engine, ds, candidate));
}

function scoreWith(engine: WasmEngine, ds: Dataset, published: PublishedModel): ScoredModel {
  const loaded = new LoadedModel(engine, published.model);
  try {
    const { scores, flags } = loaded.scoreDataset(ds);
    return { version: published.id, model: published.model, scores, flags };
  } catch (e) {
    throw new Error(`${published.id} cannot score this data: ${(e as Error).message}`, { cause: e });
  } finally {
    loaded.dispose();
  }
}
