// Champion against candidate on one dataset (what the Models panel shows): figures per model
// at its own threshold, ground truth only when the data has it, agreement over readings both scored.
import { describe, expect, test } from 'vitest';
import { flagAnomalies } from '../src/alarms/threshold.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { compareModels, type ScoredModel } from '../src/metrics/model-comparison.js';
import type { Dataset } from '../src/data/dataset.js';
import { getEngine, loadFd001, shippedModel } from './helpers.js';
import { fingerprintInputs, inputsFingerprint } from '../src/model/inputs-fingerprint.js';

async function scored(): Promise<{ ds: Dataset; champion: ScoredModel; stricter: ScoredModel }> {
  const ds = loadFd001();
  const model = await shippedModel();
  const loaded = new LoadedModel(await getEngine(), model);
  const { scores, flags } = loaded.scoreDataset(ds);
  loaded.dispose();
  // The same forest with a lower threshold: it flags a subset of what the champion flags.
  const offset = model.threshold.offset - 0.03;
  const stricter = { ...model, id: 'stricter', threshold: { ...model.threshold, offset } };
  return {
    ds,
    champion: { version: 'v1', model, scores, flags },
    stricter: { version: 'v2', model: stricter, scores, flags: flagAnomalies(scores, offset) },
  };
}

describe('compareModels', () => {
  test('a model against itself agrees everywhere and has the same figures', async () => {
    const { ds, champion } = await scored();
    const c = compareModels(ds, champion, { ...champion, version: 'v2' });
    expect(c.truth).toBe('rul');
    expect(c.flagAgreement).toBe(1);
    expect(c.alarmAgreement).toBe(1);
    expect({ ...c.candidate, version: 'v1' }).toEqual(c.champion);
    expect(c.champion.rocAuc).toBeGreaterThan(0.9);
  });

  test('in-sample is told by content where the model records its training readings, else by file name', async () => {
    const { ds, champion } = await scored();
    expect(champion.model.training.inputsFingerprint).toBeUndefined();
    const named = compareModels(ds, champion, champion);
    expect(named.champion.inSample).toBe(true); // train_FD001.txt, the name it was trained on
    expect(compareModels({ ...ds, name: 'copy.txt' }, champion, champion).champion.inSample).toBe(false);
    const recorded = {
      ...champion,
      model: {
        ...champion.model,
        training: { ...champion.model.training, inputsFingerprint: inputsFingerprint(ds, fingerprintInputs(champion.model)) },
      },
    };
    // A copy under another name is in-sample; the same name with one reading changed, or a row fewer, is not.
    expect(compareModels({ ...ds, name: 'copy.txt' }, recorded, champion).champion.inSample).toBe(true);
    const changed = { ...ds, columns: ds.columns.map((c) => (c.name === 'sensor_4' ? { ...c, values: c.values.slice() } : c)) };
    changed.columns.find((c) => c.name === 'sensor_4')!.values[9000] += 0.5;
    const onChanged = compareModels(changed, recorded, champion);
    expect(onChanged.champion.inSample).toBe(false);
    expect(onChanged.candidate.inSample).toBe(true); // no fingerprint: by name
    expect(compareModels({ ...ds, rows: ds.rows - 1 }, recorded, recorded).champion.inSample).toBe(false);
  });

  test('a stricter threshold flags less; agreement is the share flagged alike', async () => {
    const { ds, champion, stricter } = await scored();
    const c = compareModels(ds, champion, stricter);
    expect(c.candidate.flagRate).toBeLessThan(c.champion.flagRate);
    // Nested flags: they disagree exactly where only the champion flags.
    expect(c.flagAgreement).toBeCloseTo(1 - (c.champion.flagRate - c.candidate.flagRate), 12);
    expect(c.candidate.alarmsRaised).toBeLessThanOrEqual(c.champion.alarmsRaised);
    expect(c.candidate.rocAuc).toBe(c.champion.rocAuc); // same scores, same ranking
  });

  test('without ground truth: no AUC or lead time, the alarm figures unchanged', async () => {
    const { ds, champion, stricter } = await scored();
    const withTruth = compareModels(ds, champion, stricter);
    const bare = { ...ds, columns: ds.columns.filter((col) => col.role !== 'rul') };
    const c = compareModels(bare, champion, stricter);
    expect(c.truth).toBeNull();
    expect(c.champion.rocAuc).toBeNull();
    expect(c.candidate.medianLeadTime).toBeNull();
    expect(c.candidate.alarmsRaised).toBe(withTruth.candidate.alarmsRaised);
    expect(c.flagAgreement).toBe(withTruth.flagAgreement);
  });

  test('readings one model cannot score are left out of the agreement', async () => {
    const { ds, champion } = await scored();
    const scores = champion.scores.slice();
    scores.fill(NaN, 0, 100);
    const c = compareModels(ds, champion, { ...champion, version: 'v2', scores });
    expect(c.bothScored).toBe(ds.rows - 100);
    expect(c.candidate.scored).toBe(ds.rows - 100);
    expect(c.flagAgreement).toBe(1);
  });
});
