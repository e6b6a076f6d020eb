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
