import { parseBaseline } from '../data/baseline.js';
import { trainModel } from '../core/train.js';
import type { WasmEngine } from '../core/wasm-engine.js';
import { autoOrNum, list, num, oneFile, parse } from './args.js';
import { UsageError } from './errors.js';
import { readDataset, writeText } from './files.js';

const USAGE = 'isoscope train <file> [--features a,b] [--exclude c] [--baseline all|first:30|first:50%] [--trees 100] '
  + '[--max-samples auto] [--max-features 1.0] [--bootstrap] [--contamination auto|0.01] [--seed 42] [--rul RUL_file] [--entry name] -o model.json';

export async function trainCommand(argv: string[], engine: () => Promise<WasmEngine>, out: (s: string) => void, err: (s: string) => void): Promise<void> {
  const { values, positionals } = parse(argv, {
    features: { type: 'string' }, exclude: { type: 'string' }, baseline: { type: 'string' }, trees: { type: 'string' },
    'max-samples': { type: 'string' }, 'max-features': { type: 'string' }, bootstrap: { type: 'boolean' },
    contamination: { type: 'string' }, seed: { type: 'string' }, output: { type: 'string', short: 'o' },
    rul: { type: 'string' }, entry: { type: 'string' },
  }, USAGE);
  if (values.help) return out(USAGE);
  const file = oneFile(positionals, USAGE);
  if (!values.output) throw new UsageError(`train needs -o model.json\nusage: ${USAGE}`);
  const baseline = parseBaseline(values.baseline ?? 'all');
  const params = {
    trees: num(values.trees, '--trees', 100),
    maxSamples: autoOrNum(values['max-samples'], '--max-samples', 'auto'),
    maxFeatures: num(values['max-features'], '--max-features', 1.0),
    bootstrap: values.bootstrap ?? false,
    contamination: autoOrNum(values.contamination, '--contamination', 'auto'),
    seed: num(values.seed, '--seed', 42),
  };
  const ds = readDataset(file, { rul: values.rul, entry: values.entry });
  const result = await trainModel(await engine(), ds, { features: list(values.features), exclude: list(values.exclude), baseline, params });
  writeText(values.output, JSON.stringify(result.model));
  if (result.droppedMissing) err(`isoscope: ${result.droppedMissing} baseline row(s) with a missing feature were left out of training`);
  err(`isoscope: trained ${params.trees} trees on ${result.trainingRows} rows × ${result.model.features.length} features `
    + `(${result.model.features.join(', ')}) in ${result.trainMs.toFixed(0)} ms; offset ${result.model.threshold.offset}; wrote ${values.output}`);
}
