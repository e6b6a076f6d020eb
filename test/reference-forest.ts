// An independent, deliberately naive scorer over the model JSON's sparse trees, in
// plain TypeScript: the oracle the Wasm engine's compiled layout is checked against.
import type { ModelJson } from '../src/model/types.js';

function c(n: number): number {
  if (n <= 1) return 0;
  if (n <= 2) return 1;
  return 2 * (Math.log(n - 1) + 0.5772156649015329) - (2 * (n - 1)) / n;
}

/** Per feature, the span of its split thresholds (at least 3, in scaled units) widened by three spans each way; none for a feature split fewer than 16 times. */
export function referenceRanges(model: ModelJson): [number, number][] {
  return model.features.map((_, f) => {
    const cuts = model.forest.trees.flatMap((t) => t.threshold.filter((_, n) => t.feature[n] === f));
    const [lo, hi] = [Math.min(...cuts), Math.max(...cuts)];
    const span = Math.max(hi - lo, 3);
    return cuts.length >= 16 ? [lo - 3 * span, hi + 3 * span] : [-Infinity, Infinity];
  });
}

export function referenceScore(model: ModelJson, row: number[]): number {
  const z = row.map((x, i) => Math.fround((x - model.scaler.mean[i]) / model.scaler.scale[i]));
  // A reading past a feature's range is isolated at once (the engine's range rule).
  const ranges = referenceRanges(model);
  if (z.some((v, f) => v < ranges[f][0] || v > ranges[f][1])) return -1;
  let total = 0;
  for (const tree of model.forest.trees) {
    let node = 0;
    let depth = 0;
    while (tree.feature[node] !== -1) {
      node = z[tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
      depth++;
    }
    total += depth + c(tree.size[node]);
  }
  return -(2 ** (-(total / model.forest.trees.length) / c(model.forest.maxSamples)));
}
