// A feature recipe turns raw readings into the features a model sees, the same way
// in the workbench, the CLI and the stream consumer. It is stored in the model JSON.
//   1. regimes (optional): standardise each input within its operating regime;
//   2. unitBaseline B: subtract the unit's own mean over its first B readings (causal);
//   3. window k: per input, the chosen statistics over the unit's last k values.

import type { RegimeModel } from './regimes.js';

export type WindowStat = 'value' | 'mean' | 'std' | 'slope';

export interface FeatureRecipe {
  /** Raw columns read from the data, in order. */
  inputs: string[];
  unitBaseline: number;
  window: { size: number; stats: WindowStat[] };
  regimes?: RegimeModel;
}

/** A recipe as chosen before training: the inputs and regimes are fitted from the data. */
export type RecipeChoice = Omit<FeatureRecipe, 'inputs' | 'regimes'> & { regimes?: 'auto' | 'off' };

export const STAT_BITS: Record<WindowStat, number> = { mean: 1, std: 2, slope: 4, value: 8 };
/** Output order within an input, fixed by the engine: value, mean, std, slope. */
const ORDER: WindowStat[] = ['value', 'mean', 'std', 'slope'];

export function isIdentity(r: FeatureRecipe): boolean {
  return !r.regimes && r.unitBaseline === 0 && r.window.size === 1 && r.window.stats.length === 1 && r.window.stats[0] === 'value';
}

export function statBits(r: FeatureRecipe): number {
  return r.window.stats.reduce((b, s) => b | STAT_BITS[s], 0);
}

/** Names of the derived features, in the engine's output order. */
export function derivedNames(r: FeatureRecipe): string[] {
  if (isIdentity(r)) return [...r.inputs];
  const stats = ORDER.filter((s) => r.window.stats.includes(s));
  return r.inputs.flatMap((input) => {
    const base = `${input}${r.regimes ? ':regime' : ''}${r.unitBaseline > 0 ? `:dev${r.unitBaseline}` : ''}`;
    return stats.map((s) => (s === 'value' ? base : `${base}:${s}${r.window.size}`));
  });
}

export class RecipeError extends Error {
  override name = 'ParamError';
}

/** The recipe's settings that need no data, so a command line can name its flag before reading a file. */
export const RECIPE_CHECKS = {
  unitBaseline: (n: number): void => {
    if (!(Number.isInteger(n) && n >= 0 && n <= 100000)) {
      throw new RecipeError(`unit baseline must be a whole number of readings from 0 to 100000, got ${n}`);
    }
  },
  windowSize: (n: number): void => {
    if (!(Number.isInteger(n) && n >= 1 && n <= 1000)) throw new RecipeError(`window size must be a whole number from 1 to 1000, got ${n}`);
  },
};

export function checkRecipe(r: FeatureRecipe): void {
  if (!Array.isArray(r.inputs) || r.inputs.length === 0) throw new RecipeError('a feature recipe needs at least one input column');
  RECIPE_CHECKS.unitBaseline(r.unitBaseline);
  RECIPE_CHECKS.windowSize(r.window.size);
  if (r.window.stats.length === 0 || r.window.stats.some((s) => !(s in STAT_BITS))) {
    throw new RecipeError(`window statistics must be some of value, mean, std, slope; got ${r.window.stats.join(',') || 'none'}`);
  }
  if (new Set(r.window.stats).size !== r.window.stats.length) throw new RecipeError('window statistics repeat');
}
