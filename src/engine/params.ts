// Training parameters with scikit-learn's meanings, resolved against the data size.

export type Contamination = 'auto' | number;

export interface ForestParams {
  trees: number;
  /** 'auto' = min(256, n); an integer count; or a fraction in (0, 1] of n. */
  maxSamples: 'auto' | number;
  /** An integer count of features per tree, or a fraction in (0, 1]. */
  maxFeatures: number;
  bootstrap: boolean;
  contamination: Contamination;
  seed: number;
  /** Set for an Extended Isolation Forest (hyperplane splits): 0 .. features - 1, or 'full'. */
  extensionLevel?: number | 'full';
}

export const DEFAULT_PARAMS: ForestParams = {
  trees: 100,
  maxSamples: 'auto',
  maxFeatures: 1.0,
  bootstrap: false,
  contamination: 'auto',
  seed: 42,
};

/** The engine lays trees out complete to this depth: 2^16 leaves per tree at most. */
export const MAX_DEPTH_LIMIT = 16;
export const MAX_TREES = 10000;

export interface ResolvedParams {
  trees: number;
  psi: number;
  depthLimit: number;
  featuresPerTree: number;
  extensionLevel?: number;
}

export class ParamError extends Error {
  override name = 'ParamError';
}

/**
 * The checks that need no data, one per setting, so a command line can name the flag it came from
 * before it reads a file. resolveParams runs them all again.
 */
export const PARAM_CHECKS = {
  trees: (trees: number): void => {
    if (!Number.isInteger(trees) || trees < 1 || trees > MAX_TREES) {
      throw new ParamError(`trees must be an integer from 1 to ${MAX_TREES}, got ${trees}`);
    }
  },
  seed: (seed: number): void => {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new ParamError(`seed must be an integer from 0 to 4294967295, got ${seed}`);
    }
  },
  contamination: (c: Contamination): void => {
    if (c !== 'auto' && !(c > 0 && c <= 0.5)) throw new ParamError(`contamination must be 'auto' or a number in (0, 0.5], got ${c}`);
  },
  maxSamples: (m: 'auto' | number): void => {
    if (m !== 'auto' && !((Number.isInteger(m) && m >= 2) || (m > 0 && m <= 1))) {
      throw new ParamError(`max samples must be 'auto', an integer >= 2 or a fraction in (0, 1], got ${m}`);
    }
  },
  maxFeatures: (m: number): void => {
    if (!((Number.isInteger(m) && m >= 1) || (m > 0 && m <= 1))) {
      throw new ParamError(`max features must be an integer >= 1 or a fraction in (0, 1], got ${m}`);
    }
  },
  extensionLevel: (level: number | 'full'): void => {
    if (level !== 'full' && !(Number.isInteger(level) && level >= 0)) {
      throw new ParamError(`extension level must be a whole number >= 0 (at most features - 1) or 'full', got ${level}`);
    }
  },
};

export function resolveParams(p: ForestParams, n: number, d: number): ResolvedParams {
  PARAM_CHECKS.trees(p.trees);
  PARAM_CHECKS.seed(p.seed);
  PARAM_CHECKS.contamination(p.contamination);
  PARAM_CHECKS.maxSamples(p.maxSamples);
  PARAM_CHECKS.maxFeatures(p.maxFeatures);
  if (n < 2) throw new ParamError(`training needs at least 2 rows without missing features, got ${n}`);
  if (d < 1) throw new ParamError('training needs at least one feature column');
  let psi: number;
  if (p.maxSamples === 'auto') psi = Math.min(256, n);
  else if (Number.isInteger(p.maxSamples) && p.maxSamples >= 2) psi = Math.min(p.maxSamples, n);
  else psi = Math.max(1, Math.floor(p.maxSamples * n));
  // One row per tree isolates nothing, and c(1) = 0 would make every score NaN or -0.
  if (psi < 2) throw new ParamError(`max samples ${p.maxSamples} of ${n} rows is ${psi} row per tree; each tree needs at least 2`);
  const depthLimit = Math.ceil(Math.log2(Math.max(psi, 2)));
  if (depthLimit > MAX_DEPTH_LIMIT) {
    throw new ParamError(`max samples ${psi} needs trees deeper than ${MAX_DEPTH_LIMIT}; use at most ${2 ** MAX_DEPTH_LIMIT}`);
  }
  let featuresPerTree: number;
  if (Number.isInteger(p.maxFeatures) && p.maxFeatures > 1) featuresPerTree = p.maxFeatures;
  else featuresPerTree = Math.max(1, Math.floor(p.maxFeatures * d));
  if (featuresPerTree > d) throw new ParamError(`max features ${featuresPerTree} exceeds the ${d} features`);
  let extensionLevel: number | undefined;
  if (p.extensionLevel !== undefined) {
    PARAM_CHECKS.extensionLevel(p.extensionLevel);
    extensionLevel = p.extensionLevel === 'full' ? d - 1 : p.extensionLevel;
    if (!(Number.isInteger(extensionLevel) && extensionLevel >= 0 && extensionLevel < d)) {
      throw new ParamError(`extension level must be a whole number from 0 to ${d - 1} (features - 1) or 'full', got ${p.extensionLevel}`);
    }
    if (featuresPerTree !== d)
      throw new ParamError('an extended forest splits on hyperplanes over every feature: leave max features at 1.0');
    if (p.bootstrap) throw new ParamError('bootstrap is not supported for extended forests');
  }
  return { trees: p.trees, psi, depthLimit, featuresPerTree, extensionLevel };
}
