// Champion against candidate on one dataset (what the Models panel shows): figures per model
// at its own threshold, ground truth only when the data has it, agreement over readings both scored.
import { describe, expect, test } from 'vitest';
import { flagAnomalies } from '../src/alarms/threshold.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { compareModels, type ScoredModel } from '../src/metrics/model-comparison.js';
import type { Dataset } from '../src/data/dataset.js';
import { getEngine, loadFd001, shippedModel } from './helpers.js';

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
