// The portable model JSON (format "isoscope-model", version 1). Schema: models/isoscope-model.schema.json.

import type { FeatureRecipe } from '../features/recipe.js';
import type { DebounceSettings } from '../alarms/k-of-n.js';
import type { TrainingEnvelope } from './envelope.js';
import type { Calibration } from './calibrate.js';

export const MODEL_FORMAT = 'isoscope-model';
export const MODEL_VERSION = 1;

export interface TreeJson {
  /** Feature index per node (into `features`); -1 at a leaf. */
  feature: number[];
  /** Go left when the scaled value, cast to float32, is <= threshold. */
  threshold: number[];
  /** Child node indices within this tree; -1 at a leaf. */
  left: number[];
  right: number[];
  /** Training rows that reached the node; a leaf's path length is depth + c(size). */
  size: number[];
  /**
   * Extended forests only: d values per node, the normal of its hyperplane; a reading goes
   * left when normal · x <= threshold (f64, in feature order). `feature` then names the
   * normal's largest component, for display.
   */
  normal?: number[];
}

export interface StreamKeyColumns {
  unit: string | null;
  time: string | null;
}

export interface ModelJson {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  id: string;
  createdAt: string;
  features: string[];
  scaler: { mean: number[]; scale: number[] };
  forest: {
    kind: 'isolation-forest' | 'extended-isolation-forest';
    /** Extended forests: non-zero components per normal, minus one (0 = one axis, d - 1 = all). */
    extensionLevel?: number;
    /** psi: the subsample size each tree was grown from; c(psi) normalises the score. */
    maxSamples: number;
    trees: TreeJson[];
  };
  threshold: {
    contamination: 'auto' | number;
    /** decision = score_samples - offset; a reading is anomalous when decision < 0. */
    offset: number;
    /** How the offset was set out of sample, and the false-alarm rate expected on new units. */
    calibration?: Calibration;
    /**
     * The threshold calibrated out of sample at training, kept when the threshold was moved
     * since (the workbench's contamination slider): other contaminations keep their distance
     * from the in-sample quantile, and the calibrated one returns, after an export or a reload too.
     */
    calibratedAt?: { contamination: 'auto' | number; offset: number; calibration: Calibration };
  };
  training: {
    producer: string;
    params: {
      trees: number;
      maxSamples: 'auto' | number;
      maxFeatures: number;
      bootstrap: boolean;
      contamination: 'auto' | number;
      seed: number | null;
      extensionLevel?: number;
    };
    rows: number;
    baseline: string;
    fingerprint: string;
    /** The training file's raw inputs, row by row (inputs-fingerprint.ts): in-sample is told by content. */
    inputsFingerprint?: string;
    source: string;
    /** Present when a file too big to read whole was trained on a seeded sample of whole units. */
    sample?: { rows: number; units: number; ofRows: number; ofUnits: number; budget: number };
  };
  metrics: Record<string, number>;
  /** How raw readings become `features`; absent when the features are raw columns. */
  recipe?: FeatureRecipe;
  /**
   * The columns that key a reading, as the training data named them: its unit (null: the data
   * had none, so a stream is one unit) and its time. Absent in models from before isoscope kept them.
   */
  keys?: StreamKeyColumns;
  /** The alarm rule every consumer of the model applies per unit. */
  alarm?: Required<DebounceSettings>;
  /** The healthy baseline's range per input (and regime); scored data is checked against it. Absent in older models. */
  envelope?: TrainingEnvelope;
}
