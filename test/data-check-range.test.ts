// The file check judges every input against the same range, rangeOf(q), as the stream check
// does: an input's place among the model's inputs must not change its margin.
import { expect, test } from 'vitest';
import { checkDataset, rangeOf } from '../src/model/data-check.js';
import { ENVELOPE_QUANTILES, type TrainingEnvelope } from '../src/model/envelope.js';
import type { Dataset } from '../src/data/dataset.js';

test('a reading inside the widened range of any input, first or fifth, is neither below nor above', () => {
  const q = ENVELOPE_QUANTILES.map((p) => 10 + 10 * p); // quantiles spread over 10..20
  const names = ['a', 'b', 'c', 'd', 'e'];
  const env: TrainingEnvelope = {
    quantiles: ENVELOPE_QUANTILES,
    inputs: names.map((name) => ({ name, missing: 0, q, flatRun: 1 })),
  };
  const [lo, hi] = rangeOf(q);
  // Per input: readings just inside each edge of the widened range, and a few just outside.
  const rows = 400;
  const column = (k: number) =>
    Float64Array.from({ length: rows }, (_, i) =>
      i < 4 ? (i % 2 ? hi + 0.01 : lo - 0.01) : i % 2 ? hi - 0.01 * (k + 1) : lo + 0.01 * (k + 1),
    );
  const ds: Dataset = {
    name: 'edges.csv',
    format: 'csv',
    rows,
    notes: [],
    columns: names.map((name, k) => ({ name, role: 'feature' as const, values: column(k), missing: 0, nonNumeric: 0 })),
  };
  const check = checkDataset(env, ds, undefined);
  for (const input of check.inputs) expect([input.name, input.below, input.above]).toEqual([input.name, 2 / rows, 2 / rows]);
});
