// Average path length of an unsuccessful search in a binary search tree of n
// points, c(n) in Liu et al. (2008), with scikit-learn's conventions for n <= 2.
// Kept in Wasm so every runtime computes the same bits (host Math.log may differ).

const EULER_GAMMA: f64 = 0.5772156649015329;

export function averagePathLength(n: f64): f64 {
  if (n <= 1.0) return 0.0;
  if (n <= 2.0) return 1.0;
  return 2.0 * (Math.log(n - 1.0) + EULER_GAMMA) - (2.0 * (n - 1.0)) / n;
}

/** Isolation score in (0, 1]: 2^(-E[h] / c(psi)). scikit-learn's score_samples is its negation. */
export function isolationScore(meanPath: f64, cPsi: f64): f64 {
  return Math.pow(2.0, -meanPath / cPsi);
}
