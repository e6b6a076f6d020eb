// Thresholding cached scores: numpy's default (linear) percentile, as scikit-learn
// uses for offset_, and the decision/flag derived from an offset.
import { sortDoubles } from './radix-sort.js';

/** q in [0, 1]; NaN scores are ignored. */
export function percentile(values: Float64Array, q: number): number {
  return percentileOfSorted(sortedScores(values), q);
}

/** numpy's linear percentile of values already sorted ascending (NaN-free). */
export function percentileOfSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** scikit-learn's offset_: -0.5 for 'auto', else the contamination-th percentile of training scores. */
export function offsetFor(contamination: 'auto' | number, trainingScores: Float64Array): number {
  return contamination === 'auto' ? -0.5 : percentile(trainingScores, contamination);
}

/** Anomalous when decision = score - offset < 0, as scikit-learn's predict. Unscorable rows are never flagged. */
export function flagAnomalies(scores: Float64Array, offset: number, out = new Uint8Array(scores.length)): Uint8Array {
  for (let i = 0; i < scores.length; i++) out[i] = isFlagged(scores[i], offset);
  return out;
}

/** 1 when decision = score - offset < 0 (scikit-learn's predict); 0 for NaN, an unscored reading. */
export function isFlagged(score: number, offset: number): 0 | 1 {
  return score - offset < 0 ? 1 : 0;
}

/** The scores that are numbers (where `mask`, if given, is set), ascending. A counted loop: TypedArray.filter's callback costs ~10× on a million rows. */
export function sortedScores(values: Float64Array, mask?: Uint8Array): Float64Array {
  let kept = 0;
  for (let i = 0; i < values.length; i++) if ((!mask || mask[i]) && values[i] === values[i]) kept++;
  const out = new Float64Array(kept);
  for (let i = 0, j = 0; i < values.length; i++) if ((!mask || mask[i]) && values[i] === values[i]) out[j++] = values[i];
  return sortDoubles(out);
}
