import { parseBaseline } from '../data/baseline.js';
import { trainModel } from '../model/train.js';
import type { WasmEngine } from '../engine/wasm-engine.js';
import { autoOrNum, list, num, oneFile, parse } from './args.js';
import { RECIPE_OPTIONS, alarmFromFlags, contaminationFromFlags, recipeFromFlags } from './recipe-flags.js';
import { UsageError } from './errors.js';
import { readDataset, writeText } from './files.js';

export const TRAIN_USAGE =
  'isoscope train <file> [--features a,b] [--exclude c] [--baseline all|first:30|first:50%] [--trees 100] ' +
  '[--max-samples auto] [--max-features 1.0] [--bootstrap] [--contamination auto|0.002 | --threshold-quantile 0.998] [--seed 42] ' +
  '[--recipe default|raw] [--unit-baseline 20] [--window 5] [--stats mean,std,slope,value] [--regimes auto|off] ' +
  '[--alarm 5/8] [--alarm-clear 1] [--extension-level N|full] [--rul RUL_file] [--entry name] -o model.json';

export async function trainCommand(
  argv: string[],
  engine: () => Promise<WasmEngine>,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<void> {
  const { values, positionals } = parse(
    argv,
    {
      features: { type: 'string' },
      exclude: { type: 'string' },
      baseline: { type: 'string' },
      trees: { type: 'string' },
      'max-samples': { type: 'string' },
      'max-features': { type: 'string' },
      bootstrap: { type: 'boolean' },
      seed: { type: 'string' },
      output: { type: 'string', short: 'o' },
      'extension-level': { type: 'string' },
      rul: { type: 'string' },
      entry: { type: 'string' },
      ...RECIPE_OPTIONS,
    },
    TRAIN_USAGE,
  );
  if (values.help) return out(TRAIN_USAGE);
  const file = oneFile(positionals, TRAIN_USAGE);
  if (!values.output) throw new UsageError(`train needs -o model.json\nusage: ${TRAIN_USAGE}`);
  const ds = readDataset(file, { rul: values.rul, entry: values.entry });
  const hasUnits = ds.columns.some((c) => c.role === 'unit');
  // Predictive maintenance learns normal behaviour: with units, each unit's healthy first half by default.
  const baseline = parseBaseline(values.baseline ?? (hasUnits ? 'first:50%' : 'all'));
  const recipe = recipeFromFlags(values);
  const alarm = alarmFromFlags(values);
  const params = {
    trees: num(values.trees, '--trees', 100),
    maxSamples: autoOrNum(values['max-samples'], '--max-samples', 'auto'),
    maxFeatures: num(values['max-features'], '--max-features', 1.0),
    bootstrap: values.bootstrap ?? false,
    contamination: contaminationFromFlags(values),
    seed: num(values.seed, '--seed', 42),
    ...(values['extension-level'] !== undefined
      ? {
          extensionLevel: values['extension-level'] === 'full' ? ('full' as const) : num(values['extension-level'], '--extension-level', 0),
        }
      : {}),
  };
  const result = await trainModel(await engine(), ds, {
    features: list(values.features),
    exclude: list(values.exclude),
    baseline,
    params,
    recipe,
    alarm,
  });
  writeText(values.output, JSON.stringify(result.model));
  if (result.droppedMissing) err(`isoscope: ${result.droppedMissing} baseline row(s) with a missing feature were left out of training`);
  const m = result.model;
  const r = m.recipe;
  err(
    `isoscope: trained ${params.trees} trees on ${result.trainingRows} rows (baseline ${m.training.baseline}) × ${m.features.length} features ` +
      `(${r ? `${r.inputs.length} inputs${r.regimes ? `, ${r.regimes.centers.length} operating regimes` : ''}${r.unitBaseline ? `, own-unit baseline ${r.unitBaseline}` : ''}, window ${r.window.size} ${r.window.stats.join('/')}` : m.features.join(', ')}) ` +
      `${m.forest.kind === 'extended-isolation-forest' ? `, hyperplane splits (extension level ${m.forest.extensionLevel})` : ''} in ${result.trainMs.toFixed(0)} ms; contamination ${m.threshold.contamination}, offset ${m.threshold.offset.toFixed(6)}; alarm ${alarm.k} of ${alarm.n}; wrote ${values.output}`,
  );
  const c = m.threshold.calibration;
  if (c) {
    const pc = (x: number) => `${Number((x * 100).toPrecision(2))}%`;
    err(
      `isoscope: threshold calibrated out of sample (${c.folds}-fold cross-fit over ${c.readings} healthy readings of ${c.units} unit${c.units === 1 ? '' : 's'}): ` +
        `expected ${c.falseAlarmsPerUnit.toFixed(3)} false alarms per unit; units with a false alarm ${pc(c.unitsWithFalseAlarm.estimate)} (95% CI ${pc(c.unitsWithFalseAlarm.low)}–${pc(c.unitsWithFalseAlarm.high)}); ` +
        `healthy readings in alarm ${pc(c.readingsInAlarm.estimate)} (95% CI ${pc(c.readingsInAlarm.low)}–${pc(c.readingsInAlarm.high)})`,
    );
  }
}
