// Thresholding cached scores: numpy's default (linear) percentile, as scikit-learn
// uses for offset_, and the decision/flag derived from an offset.

/** q in [0, 1]; NaN scores are ignored. */
export function percentile(values: Float64Array, q: number): number {
  const finite = values.filter((v) => !Number.isNaN(v)).sort();
  if (finite.length === 0) return NaN;
  const pos = (finite.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, finite.length - 1);
  return finite[lo] + (finite[hi] - finite[lo]) * (pos - lo);
}

/** scikit-learn's offset_: -0.5 for 'auto', else the contamination-th percentile of training scores. */
export function offsetFor(contamination: 'auto' | number, trainingScores: Float64Array): number {
  return contamination === 'auto' ? -0.5 : percentile(trainingScores, contamination);
}

/** Anomalous when decision = score - offset < 0, as scikit-learn's predict. Unscorable rows are never flagged. */
export function flagAnomalies(scores: Float64Array, offset: number, out = new Uint8Array(scores.length)): Uint8Array {
  for (let i = 0; i < scores.length; i++) out[i] = scores[i] - offset < 0 ? 1 : 0;
  return out;
}
