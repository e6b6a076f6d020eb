// The product's detection defaults, chosen by measurement (npm run bench:quality; the
// sweep is recorded in docs/evaluation.md): each unit compared with its own first 20
// readings, smoothed over 5; threshold at the 0.998 quantile of the healthy baseline's
// scores (contamination 0.002 of the baseline); alarm when 5 of the last 8 readings
// exceed it, clear when at most 1 does.
import type { RecipeChoice } from './recipe.js';

export const DEFAULT_QUALITY = {
  recipe: { unitBaseline: 20, window: { size: 5, stats: ['mean'] }, regimes: 'auto' } as RecipeChoice,
  quantile: 0.998,
  alarm: { k: 5, n: 8, clear: 1 },
};

/** contamination = 1 - quantile: the share of baseline readings allowed above the threshold. */
export const DEFAULT_CONTAMINATION = Math.round((1 - DEFAULT_QUALITY.quantile) * 1e6) / 1e6;

/**
 * Single-stream data (no unit column: one machine in time order), chosen on the labelled
 * recordings of bench:single (docs/evaluation.md, "Single-stream data"). No own-unit
 * baseline: the whole series is one unit, the scaler already centres it, and a baseline
 * taken from the first readings of a scored file would move with where that file starts.
 * Per input the reading itself, its window mean (smooths noise) and window std (catches
 * vibration and oscillation); the window from the data's own length (singleStreamWindow).
 * The threshold: the 0.95 quantile of the later 30% of the healthy series, scored by a
 * forest grown on the earlier 70% (out of sample); alarm when 5 of the last 8 exceed it.
 */
export const SINGLE_STREAM_QUALITY = {
  recipe: { unitBaseline: 0, window: { size: 5, stats: ['value', 'mean', 'std'] }, regimes: 'auto' } as RecipeChoice,
  quantile: 0.95,
  alarm: { k: 5, n: 8, clear: 1 },
};

export const SINGLE_STREAM_CONTAMINATION = Math.round((1 - SINGLE_STREAM_QUALITY.quantile) * 1e6) / 1e6;

/**
 * The window of a single stream, from its healthy readings: a fortieth of them (about the
 * span of one slow cycle the model has seen forty times), from 5 to 60 readings. The
 * sampling period is not a fixed count of seconds or cycles, so the data sets it.
 */
export function singleStreamWindow(healthyReadings: number): number {
  return Math.max(5, Math.min(60, Math.round(healthyReadings / 40)));
}

export interface DetectionDefaults {
  recipe: RecipeChoice;
  alarm: { k: number; n: number; clear: number };
  contamination: number;
}

/** The measured defaults for a fleet, or for one series with this many healthy readings: the CLI's and the page's. */
export function detectionDefaults(single?: { healthyReadings: number }): DetectionDefaults {
  if (!single)
    return structuredClone({ recipe: DEFAULT_QUALITY.recipe, alarm: DEFAULT_QUALITY.alarm, contamination: DEFAULT_CONTAMINATION });
  const recipe = structuredClone(SINGLE_STREAM_QUALITY.recipe);
  recipe.window = { ...recipe.window, size: singleStreamWindow(single.healthyReadings) };
  return { recipe, alarm: { ...SINGLE_STREAM_QUALITY.alarm }, contamination: SINGLE_STREAM_CONTAMINATION };
}
