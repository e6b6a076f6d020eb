// Every flag of `isoscope train` that shapes the model, read once for train (from a file) and
// retrain (from stored readings), so the same flags give the same model from either source.
import { parseBaseline, type Baseline } from '../data/baseline.js';
import type { TrainResult } from '../model/train.js';
import type { ModelJson } from '../model/types.js';
import { PARAM_CHECKS, type ForestParams } from '../engine/params.js';
import type { RecipeChoice } from '../features/recipe.js';
import { regimeLabel } from '../features/regimes.js';
import { raisedWords } from '../model/calibration-words.js';
import { unscoredWhy } from '../model/unscored-words.js';
import { columnByRole, type Dataset } from '../data/dataset.js';
import { autoOrNum, checked, fromFlag, list, num } from './args.js';
import { RECIPE_OPTIONS, alarmFromFlags, contaminationFromFlags, recipeFromFlags, type SingleStream } from './recipe-flags.js';

export const TRAIN_OPTIONS = {
  features: { type: 'string' },
  exclude: { type: 'string' },
  baseline: { type: 'string' },
  trees: { type: 'string' },
  'max-samples': { type: 'string' },
  'max-features': { type: 'string' },
  bootstrap: { type: 'boolean' },
  seed: { type: 'string' },
  'extension-level': { type: 'string' },
  ...RECIPE_OPTIONS,
} as const;

/** The usage text of TRAIN_OPTIONS, in the order the help has always shown. */
export const TRAIN_FLAGS_USAGE =
  '[--features a,b] [--exclude c] [--baseline all|first:30|first:50%] [--trees 100] ' +
  '[--max-samples auto] [--max-features 1.0] [--bootstrap] [--contamination auto|0.002 | --threshold-quantile 0.998] [--seed 42] ' +
  '[--recipe default|raw] [--unit-baseline 20] [--window 5] [--stats mean,std,slope,value] [--regimes auto|off] ' +
  '[--alarm 5/8] [--alarm-clear 1] [--extension-level N|full]';

type Values = { [K in keyof typeof TRAIN_OPTIONS]?: (typeof TRAIN_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

export interface TrainChoice {
  features?: string[];
  exclude?: string[];
  baseline: Baseline;
  params: Partial<ForestParams> & { trees: number };
  recipe?: RecipeChoice;
  alarm: { k: number; n: number; clear: number };
}

/**
 * Training options from the flags; with units, each unit's healthy first half is the default baseline.
 * `single`: the data has no unit column (one series), so the single-stream defaults apply.
 */
export function trainChoice(values: Values, hasUnits: boolean, single?: SingleStream): TrainChoice {
  const params = {
    trees: checked('--trees', num(values.trees, '--trees', 100), PARAM_CHECKS.trees),
    maxSamples: checked('--max-samples', autoOrNum(values['max-samples'], '--max-samples', 'auto'), PARAM_CHECKS.maxSamples),
    maxFeatures: checked('--max-features', num(values['max-features'], '--max-features', 1.0), PARAM_CHECKS.maxFeatures),
    bootstrap: values.bootstrap ?? false,
    contamination: contaminationFromFlags(values, single),
    seed: checked('--seed', num(values.seed, '--seed', 42), PARAM_CHECKS.seed),
    ...(values['extension-level'] !== undefined
      ? {
          extensionLevel: checked(
            '--extension-level',
            values['extension-level'] === 'full' ? ('full' as const) : num(values['extension-level'], '--extension-level', 0),
            PARAM_CHECKS.extensionLevel,
          ),
        }
      : {}),
  };
  return {
    features: list(values.features, '--features'),
    exclude: list(values.exclude),
    // Predictive maintenance learns normal behaviour: with units, each unit's healthy first half by default.
    baseline: fromFlag('--baseline', () => parseBaseline(values.baseline ?? (hasUnits ? 'first:50%' : 'all'))),
    params,
    recipe: recipeFromFlags(values, single),
    alarm: alarmFromFlags(values, single),
  };
}

/**
 * Every flag that needs no data, checked before a file is read: a mistyped value exits 2 at once, not
 * after minutes of reading a big file.
 */
export function checkTrainFlags(values: Values): void {
  trainChoice(values, true);
}

/** The one line train and retrain print about the model they wrote. */
export function trainedLine(result: TrainResult, choice: TrainChoice, output: string): string {
  const m = result.model;
  const r = m.recipe;
  return (
    `isoscope: trained ${choice.params.trees} trees on ${result.trainingRows} rows (baseline ${m.training.baseline}) × ${m.features.length} features ` +
    `(${r ? `${r.inputs.length} input${r.inputs.length === 1 ? '' : 's'}${r.regimes ? `, ${r.regimes.centers.length} operating regimes` : ''}${r.unitBaseline ? `, own-unit baseline ${r.unitBaseline}` : ''}, window ${r.window.size} ${r.window.stats.join('/')}` : m.features.join(', ')})` +
    `${m.forest.kind === 'extended-isolation-forest' ? `, hyperplane splits (extension level ${m.forest.extensionLevel})` : ''} in ${result.trainMs.toFixed(0)} ms; contamination ${m.threshold.contamination}, offset ${m.threshold.offset.toFixed(6)}; alarm ${choice.alarm.k} of ${choice.alarm.n}; wrote ${output}`
  );
}

/** Why the threshold was left in sample (the README promises out-of-sample calibration), as training found it. */
export function inSampleLine(result: TrainResult): string {
  const why = result.inSample ?? 'no healthy readings could be held out';
  return `isoscope: threshold in sample, the quantile of the training readings' own scores: ${why}. New healthy readings will be flagged more often than the contamination says`;
}

/** What the out-of-sample calibration expects of the threshold, for a model that has one. */
export function calibrationLine(m: ModelJson): string | undefined {
  const c = m.threshold.calibration;
  if (!c) return undefined;
  const pc = (x: number) => `${Number((x * 100).toPrecision(2))}%`;
  return (
    `isoscope: threshold calibrated out of sample (${c.method === 'time-split' ? 'the later 30% of the healthy series held out' : `${c.folds}-fold cross-fit`} over ${c.readings} healthy readings of ${c.units} unit${c.units === 1 ? '' : 's'}): ` +
    // One series has no share of units to estimate: its false alarms are a count over the held-out stretch.
    (c.units === 1
      ? `${c.falseAlarmsPerUnit} false alarm${c.falseAlarmsPerUnit === 1 ? '' : 's'} raised in that stretch; `
      : `expected ${c.falseAlarmsPerUnit.toFixed(3)} false alarms per unit; units with a false alarm ${pc(c.unitsWithFalseAlarm.estimate)} (95% CI ${pc(c.unitsWithFalseAlarm.low)}–${pc(c.unitsWithFalseAlarm.high)}); `) +
    `healthy readings in alarm ${pc(c.readingsInAlarm.estimate)} (95% CI ${pc(c.readingsInAlarm.low)}–${pc(c.readingsInAlarm.high)})` +
    (c.raised ? `\nisoscope: ${raisedWords(c.raised, m.threshold.contamination)}` : '') +
    byRegime(m, pc)
  );
}

/** The same held-out readings per operating regime, and a warning for a regime the threshold holds less well in. */
function byRegime(m: ModelJson, pc: (x: number) => string): string {
  const rates = m.threshold.calibration?.regimes;
  const regimes = m.recipe?.regimes;
  if (!rates?.length || !regimes) return '';
  const c = m.threshold.contamination;
  const lines = rates.map(
    (g) =>
      `\n  regime ${g.regime + 1} (${regimeLabel(regimes, g.regime)}): ${g.readings} readings, ${pc(g.flagged.estimate)} over the threshold (95% CI ${pc(g.flagged.low)}–${pc(g.flagged.high)}), ${pc(g.readingsInAlarm.estimate)} in alarm (${pc(g.readingsInAlarm.low)}–${pc(g.readingsInAlarm.high)})`,
  );
  // Flagging clearly more than the contamination: that regime's healthy readings will raise more false alarms than the rest.
  const worse = typeof c === 'number' ? rates.filter((g) => g.flagged.low > c) : [];
  const warn = worse.length
    ? `\nisoscope: warning: in regime ${worse.map((g) => g.regime + 1).join(', ')} more held-out healthy readings than the contamination (${pc(c as number)}) are over the threshold: expect more false alarms there`
    : '';
  return `\nisoscope: held out by operating regime:${lines.join('')}${warn}`;
}

/** Baseline rows the forest could not use, and why: the window's warm-up as well as missing inputs. */
export function leftOutLine(result: Pick<TrainResult, 'droppedMissing' | 'model'>, ds: Dataset): string {
  return `isoscope: ${result.droppedMissing} baseline row(s) left out of training: ${unscoredWhy(result.model, !columnByRole(ds, 'unit'))}`;
}
