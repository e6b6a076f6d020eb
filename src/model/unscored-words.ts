// Why a reading has no score, in the words the CLI and the page share: with a window spread
// (std) a unit's first readings wait for the window to fill; otherwise an input is missing.
import type { ModelJson } from './types.js';

/** Readings a unit needs before its first score (the window spread's length), or 0 when one reading is scored at once. */
export function windowToFill(model: Pick<ModelJson, 'recipe'> | undefined): number {
  const w = model?.recipe?.window;
  return w && w.size > 1 && w.stats.includes('std') ? w.size : 0;
}

/** The reasons a reading of this model can be unscored, as a clause; data of one series has no "unit" to speak of. */
export function unscoredWhy(model: Pick<ModelJson, 'recipe'> | undefined, oneSeries = false): string {
  const fill = windowToFill(model);
  const whose = oneSeries ? ['the', 'the'] : ["a unit's", 'its'];
  return fill
    ? `${whose[0]} first ${fill - 1} readings wait for ${whose[1]} ${fill}-reading window spread to fill, and a reading with an input missing is not scored`
    : 'an input is missing or not a number';
}
