// A model's data check on a dataset, in the words people read: the inputs named as
// engineers know them (C-MAPSS symbols where they apply), the verdict on one line, and
// the JSON report `isoscope score --report` writes.
import type { Dataset } from '../data/dataset.js';
import { columnNamer } from '../features/feature-words.js';
import { checkDataset, type DataCheck } from './data-check.js';
import type { ModelJson } from './types.js';

/**
 * The check, or undefined for a model saved before models recorded their envelope. `names`:
 * the file's column names, when `ds` holds only the columns the check reads.
 */
export function checkModelData(model: ModelJson, ds: Dataset, names = ds.columns.map((c) => c.name)): DataCheck | undefined {
  if (!model.envelope) return undefined;
  const name = columnNamer(names);
  return checkDataset(model.envelope, ds, model.recipe?.regimes, (input) => name(input).label);
}

/** "data check: mismatch: …" on one line. */
export function verdictLine(check: DataCheck): string {
  return `data check: ${check.verdict}${check.reasons.length ? `: ${check.reasons.join(' ')}` : ' (the data fits the training envelope)'}`;
}

export interface DataReport {
  rows: number;
  scored: number;
  /** null: the model records no envelope, so nothing was checked. */
  verdict: DataCheck['verdict'] | null;
  reasons: string[];
  inputs: Array<{ name: string; missing: number; below: number; above: number; flat: number }>;
  unknown_regime: number | null;
}

export function dataReport(check: DataCheck | undefined, rows: number, scored: number): DataReport {
  if (!check)
    return {
      rows,
      scored,
      verdict: null,
      reasons: ['the model records no training envelope (saved before isoscope checked data); retrain to check'],
      inputs: [],
      unknown_regime: null,
    };
  return {
    rows,
    scored,
    verdict: check.verdict,
    reasons: check.reasons,
    inputs: check.inputs.map(({ name, missing, below, above, flat }) => ({ name, missing, below, above, flat })),
    unknown_regime: check.unknownRegime,
  };
}
