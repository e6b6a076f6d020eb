// Flags that shape detection: the feature recipe, the alarm rule and the threshold,
// with the measured defaults (src/features/defaults.ts), for fleets and single streams alike.
import type { RecipeChoice } from '../features/recipe.js';
import { detectionDefaults } from '../features/defaults.js';
import { RECIPE_CHECKS, STAT_BITS, type WindowStat } from '../features/recipe.js';
import { PARAM_CHECKS } from '../engine/params.js';
import { autoOrNum, checked, num } from './args.js';
import { UsageError } from './errors.js';

export const RECIPE_OPTIONS = {
  recipe: { type: 'string' },
  'unit-baseline': { type: 'string' },
  window: { type: 'string' },
  stats: { type: 'string' },
  regimes: { type: 'string' },
  alarm: { type: 'string' },
  'alarm-clear': { type: 'string' },
  'threshold-quantile': { type: 'string' },
  contamination: { type: 'string' },
} as const;

type Values = Partial<Record<keyof typeof RECIPE_OPTIONS, string>>;

/** Data without a unit column: one series in time order, with this many healthy (baseline) readings. */
export interface SingleStream {
  healthyReadings: number;
}

export function recipeFromFlags(v: Values, single?: SingleStream): RecipeChoice | undefined {
  // A file without a unit column is one unit in time order: its own default recipe, the same flags.
  const preset = v.recipe ?? 'default';
  if (preset !== 'default' && preset !== 'raw') throw new UsageError(`--recipe is default or raw, got "${preset}"`);
  const base: RecipeChoice =
    preset === 'raw' ? { unitBaseline: 0, window: { size: 1, stats: ['value'] }, regimes: 'off' } : detectionDefaults(single).recipe;
  if (v['unit-baseline'] !== undefined)
    base.unitBaseline = checked('--unit-baseline', num(v['unit-baseline'], '--unit-baseline', 0), RECIPE_CHECKS.unitBaseline);
  if (v.window !== undefined)
    base.window = { ...base.window, size: checked('--window', num(v.window, '--window', 1), RECIPE_CHECKS.windowSize) };
  if (v.stats !== undefined) {
    const stats = v.stats
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = stats.filter((s) => !(s in STAT_BITS));
    if (bad.length || stats.length === 0) throw new UsageError(`--stats takes some of value,mean,std,slope; got "${v.stats}"`);
    const twice = stats.find((s, i) => stats.indexOf(s) !== i);
    if (twice !== undefined) throw new UsageError(`--stats names "${twice}" twice`);
    base.window = { ...base.window, stats: stats as WindowStat[] };
  }
  if (v.regimes !== undefined) {
    if (v.regimes !== 'auto' && v.regimes !== 'off') throw new UsageError(`--regimes is auto or off, got "${v.regimes}"`);
    base.regimes = v.regimes;
  }
  return base;
}

export function alarmFromFlags(v: Values, single?: SingleStream): { k: number; n: number; clear: number } {
  const rule = detectionDefaults(single).alarm;
  if (v.alarm !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(v.alarm.trim());
    if (!m) throw new UsageError(`--alarm takes K/N (alarm when K of the last N readings are anomalous), got "${v.alarm}"`);
    rule.k = Number(m[1]);
    rule.n = Number(m[2]);
    rule.clear = Math.min(rule.clear, rule.k - 1);
  }
  if (v['alarm-clear'] !== undefined) rule.clear = num(v['alarm-clear'], '--alarm-clear', 0);
  if (!(Number.isInteger(rule.n) && rule.n >= 1 && rule.n <= 1000 && Number.isInteger(rule.k) && rule.k >= 1 && rule.k <= rule.n)) {
    throw new UsageError(`--alarm needs 1 <= K <= N <= 1000, got ${rule.k}/${rule.n}`);
  }
  if (!(Number.isInteger(rule.clear) && rule.clear >= 0 && rule.clear < rule.k)) {
    throw new UsageError(`--alarm-clear must be a whole number from 0 to K-1, got ${rule.clear}`);
  }
  return rule;
}

/** --threshold-quantile Q (of the baseline's scores) is contamination 1 - Q. */
export function contaminationFromFlags(v: Values, single?: SingleStream): 'auto' | number {
  if (v['threshold-quantile'] !== undefined) {
    if (v.contamination !== undefined) throw new UsageError('give --contamination or --threshold-quantile, not both');
    const q = num(v['threshold-quantile'], '--threshold-quantile', 0);
    if (!(q >= 0.5 && q < 1)) throw new UsageError(`--threshold-quantile must be in [0.5, 1), got ${q}`);
    return Math.round((1 - q) * 1e9) / 1e9;
  }
  return checked(
    '--contamination',
    autoOrNum(v.contamination, '--contamination', detectionDefaults(single).contamination),
    PARAM_CHECKS.contamination,
  );
}
