import { trainModel } from '../model/train.js';
import type { WasmEngine } from '../engine/wasm-engine.js';
import { parseFileCommand } from './args.js';
import { calibrationLine, TRAIN_FLAGS_USAGE, TRAIN_OPTIONS, trainChoice, trainedLine } from './train-flags.js';
import { UsageError } from './errors.js';
import { readDataset, writeText } from './files.js';

export const TRAIN_USAGE = `isoscope train <file> ${TRAIN_FLAGS_USAGE} [--rul RUL_file] [--entry name] -o model.json`;

export async function trainCommand(
  argv: string[],
  engine: () => Promise<WasmEngine>,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<void> {
  const parsed = parseFileCommand(argv, { ...TRAIN_OPTIONS, rul: { type: 'string' } }, TRAIN_USAGE, out);
  if (!parsed) return;
  const { values, file } = parsed;
  if (!values.output) throw new UsageError(`train needs -o model.json\nusage: ${TRAIN_USAGE}`);
  const ds = readDataset(file, { rul: values.rul, entry: values.entry });
  const choice = trainChoice(
    values,
    ds.columns.some((c) => c.role === 'unit'),
  );
  const result = await trainModel(await engine(), ds, choice);
  writeText(values.output, JSON.stringify(result.model));
  if (result.droppedMissing) err(`isoscope: ${result.droppedMissing} baseline row(s) with a missing feature were left out of training`);
  err(trainedLine(result, choice, values.output));
  const calibrated = calibrationLine(result.model);
  if (calibrated) err(calibrated);
}
