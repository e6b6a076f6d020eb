import { mixedSeriesNote } from '../data/mixed-series.js';
import { unitTimeNotes } from '../data/time-axis.js';
import { shortUnitsWords } from '../model/short-units.js';
import { UNIT_COLUMN_OPTION, UNIT_COLUMN_USAGE, unitColumnChoice } from './unit-column.js';
import { labelledWords } from '../model/calibration-words.js';
import { regimeConstantLine } from '../features/feature-words.js';
import { statSync } from 'node:fs';
import { trainModel } from '../model/train.js';
import type { WasmEngine } from '../engine/wasm-engine.js';
import { columnByRole, type Dataset } from '../data/dataset.js';
import { num, parseFileCommand } from './args.js';
import {
  inSampleLine,
  calibrationLine,
  checkTrainFlags,
  TRAIN_FLAGS_USAGE,
  TRAIN_OPTIONS,
  trainChoice,
  trainedLine,
  leftOutLine,
} from './train-flags.js';
import { UsageError } from './errors.js';
import { baselineMask, parseBaseline } from '../data/baseline.js';
import { isZipFile, readDataset, ReaderWarnings } from './files.js';
import { shortBaselineWords } from '../data/baseline-span.js';
import { FEWEST_HEALTHY, labelledInBaseline, tooEarlyWords } from '../data/labelled-baseline.js';
import { refuseOverwrite, writeText } from './output-file.js';
import { DEFAULT_SAMPLE_READINGS, SAMPLE_ABOVE_BYTES, readTrainingSample, sampleLine, type TrainingSample } from './training-sample.js';

export const TRAIN_USAGE = `isoscope train <file> ${TRAIN_FLAGS_USAGE} [--rul RUL_file] [--entry name] ${UNIT_COLUMN_USAGE} [--sample-readings N] -o model.json`;

export async function trainCommand(
  argv: string[],
  engine: () => Promise<WasmEngine>,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<void> {
  const parsed = parseFileCommand(
    argv,
    { ...TRAIN_OPTIONS, rul: { type: 'string' }, 'sample-readings': { type: 'string' }, ...UNIT_COLUMN_OPTION },
    TRAIN_USAGE,
    out,
  );
  if (!parsed) return;
  const { values, file } = parsed;
  if (!values.output) throw new UsageError(`train needs -o model.json\nusage: ${TRAIN_USAGE}`);
  refuseOverwrite(values.output, '-o', [file, values.rul]);
  checkTrainFlags(values);
  const budget = num(values['sample-readings'], '--sample-readings', DEFAULT_SAMPLE_READINGS);
  if (!(Number.isInteger(budget) && budget >= 1))
    throw new UsageError(`--sample-readings must be a whole number >= 1, got ${values['sample-readings']}`);
  // A big file (or an explicit budget) is streamed once into a sample of whole units; --rul needs the whole test file.
  const unitColumn = unitColumnChoice(values['unit-column']);
  const streamed = !values.rul && !isZipFile(file) && (values['sample-readings'] !== undefined || statSync(file).size > SAMPLE_ABOVE_BYTES);
  let sample: TrainingSample | undefined;
  let ds: Dataset;
  if (streamed) {
    const seed = num(values.seed, '--seed', 42);
    sample = await readTrainingSample(file, { entry: values.entry, budget, seed, warn: err, unitColumn });
    ds = sample.ds;
  } else {
    ds = readDataset(file, { rul: values.rul, entry: values.entry, unitColumn });
    const times = new ReaderWarnings();
    times.add(ds);
    times.report(err);
  }
  const hasUnits = ds.columns.some((c) => c.role === 'unit');
  // Machines merged into one series would train windows across them: said before training, as `profile` says it.
  const mixed = hasUnits
    ? undefined
    : mixedSeriesNote(
        ds,
        ds.columns.map((c) => ({
          name: c.name,
          role: c.role,
          nonNumeric: c.nonNumeric,
          count: c.values.length - c.missing - c.nonNumeric,
        })),
      );
  for (const n of unitTimeNotes(ds, mixed, !!sample)) err(`isoscope: warning: ${n}`);
  const choice = trainChoice(values, hasUnits, hasUnits ? undefined : { healthyReadings: healthyReadings(ds, values.baseline) });
  if (sample && !choice.features) choice.features = sample.defaultFeatures;
  const result = await trainModel(await engine(), ds, choice);
  if (sample && sample.figures.rows !== sample.figures.ofRows) {
    result.model.training.sample = { ...sample.figures, budget };
    // The fingerprint is the sample's, not the file's: in-sample is then told by name.
    delete result.model.training.inputsFingerprint;
  }
  writeText(values.output, JSON.stringify(result.model));
  if (result.labelledAnomalous) {
    // The N that ends before every unit's first labelled anomaly is known.
    const found = labelledInBaseline(ds, choice.baseline ?? { kind: 'all' });
    const labels = columnByRole(ds, 'unit')?.labels;
    const how = !found
      ? 'Give --baseline first:N that ends before the first labelled anomaly.'
      : found.before < FEWEST_HEALTHY
        ? tooEarlyWords(found, (u) => labels?.[u - 1] ?? String(u))
        : `Give --baseline first:${found.before} to end them before ${found.unit === undefined ? 'the' : "every unit's"} first labelled anomaly.`;
    err(`isoscope: warning: ${labelledWords(result.labelledAnomalous, result.trainingRows, how)}`);
  }
  if (result.droppedMissing) err(leftOutLine(result, ds));
  const short = shortBaselineWords(ds, choice.baseline);
  if (short) err(`isoscope: warning: ${short}`);
  if (result.constantInRegime.length) err(`isoscope: ${regimeConstantLine(result.constantInRegime)}`);
  // A sample's units are cut short by the sampling: only a whole file's are counted.
  if (result.shortUnits && !sample) err(`isoscope: warning: ${shortUnitsWords(result.shortUnits)}`);
  const sampled = sample && sampleLine(sample.figures, budget);
  if (sampled) err(sampled);
  err(trainedLine(result, choice, values.output));
  const calibrated = calibrationLine(result.model);
  if (calibrated) err(calibrated);
  else if (result.model.threshold.contamination !== 'auto') err(inSampleLine(result));
}

/** Readings in a single series' healthy baseline (the whole file unless --baseline says otherwise). */
function healthyReadings(ds: Dataset, spec: string | undefined): number {
  return baselineMask(ds, parseBaseline(spec ?? 'all')).reduce((n, b) => n + b, 0);
}
