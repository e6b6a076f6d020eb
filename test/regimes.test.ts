// Only FD001 (one flight condition) is at hand, so regimes are tested on data made to
// look like FD002: six operating conditions that shift every sensor, and units that
// degrade near their end.
import { describe, expect, test } from 'vitest';
import { getEngine, lcg } from './helpers.js';
import { trainModel } from '../src/model/train.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { parseBaseline } from '../src/data/baseline.js';
import { evaluateScores } from '../src/metrics/evaluate.js';
import { flagAnomalies } from '../src/alarms/threshold.js';
import { attachRul } from '../src/data/rul.js';
import type { Column, Dataset } from '../src/data/dataset.js';
import { DEFAULT_CONTAMINATION, DEFAULT_QUALITY } from '../src/features/defaults.js';
import { regimeOf } from '../src/features/regimes.js';
import { calibrationLine } from '../src/cli/train-flags.js';
import { validateModel } from '../src/model/validate.js';
import { regimeConstantLine } from '../src/features/feature-words.js';
import { checkDataset } from '../src/model/data-check.js';

const CONDITIONS = [
  [0, 0, 100],
  [10, 0.25, 100],
  [20, 0.7, 100],
  [25, 0.62, 60],
  [35, 0.84, 100],
  [42, 0.84, 100],
];

function multiRegime(units = 40, setByCondition = false): Dataset {
  const r = lcg(99);
  const cols: Record<string, number[]> = {
    unit: [],
    time: [],
    op_setting_1: [],
    op_setting_2: [],
    op_setting_3: [],
    s1: [],
    s2: [],
    s3: [],
    ...(setByCondition ? { inlet: [] } : {}),
  };
  for (let u = 1; u <= units; u++) {
    const life = 150 + Math.floor(r() * 100);
    for (let t = 1; t <= life; t++) {
      const c = CONDITIONS[Math.floor(r() * CONDITIONS.length)];
      const wear = t > life - 40 ? ((t - (life - 40)) / 40) ** 2 : 0;
      cols.unit.push(u);
      cols.time.push(t);
      cols.op_setting_1.push(c[0] + (r() - 0.5) * 0.01);
      cols.op_setting_2.push(c[1] + (r() - 0.5) * 0.001);
      cols.op_setting_3.push(c[2]);
      // Conditions move the sensors far more than wear does.
      cols.s1.push(500 + 8 * c[0] + (r() - 0.5) * 2 + 1.2 * wear);
      cols.s2.push(100 - 30 * c[1] + (r() - 0.5) * 1 - 0.6 * wear);
      cols.s3.push(20 + c[2] / 10 + (r() - 0.5) * 0.5 + 0.3 * wear);
      // Like FD002's T2: fixed by the condition, to two decimals.
      if (setByCondition) cols.inlet.push([518.67, 491.19, 462.54, 445.0, 449.44, 489.05][CONDITIONS.indexOf(c)]);
    }
  }
  const role = (n: string): Column['role'] => (n === 'unit' ? 'unit' : n === 'time' ? 'time' : n.startsWith('op_') ? 'setting' : 'feature');
  const rows = cols.unit.length;
  return attachRul({
    name: 'fd002-like',
    format: 'cmapss',
    rows,
    notes: [],
    columns: Object.entries(cols).map(([name, v]) => ({ name, role: role(name), values: Float64Array.from(v), missing: 0, nonNumeric: 0 })),
  });
}

describe('operating-regime normalisation', () => {
  test('finds the six conditions and records them in the model', async () => {
    const ds = multiRegime();
    const { model } = await trainModel(await getEngine(), ds, {
      baseline: parseBaseline('first:50%'),
      recipe: { unitBaseline: 0, window: { size: 1, stats: ['value'] }, regimes: 'auto' },
    });
    expect(model.recipe?.regimes?.centers).toHaveLength(6);
    expect(model.recipe?.regimes?.settings).toEqual(['op_setting_1', 'op_setting_2', 'op_setting_3']);
    expect(model.features).toEqual(['s1:regime', 's2:regime', 's3:regime']);
  });

  test('an input fixed by the operating condition is left out, and the rest are trained on as before', async () => {
    const engine = await getEngine();
    const opts = { baseline: parseBaseline('first:50%'), recipe: DEFAULT_QUALITY.recipe, params: { seed: 5 } };
    const withInlet = await trainModel(engine, multiRegime(40, true), opts);
    expect(withInlet.constantInRegime).toEqual(['inlet']);
    expect(withInlet.model.recipe!.inputs).toEqual(['s1', 's2', 's3']);
    expect(withInlet.model.recipe!.regimes!.mean.every((row) => row.length === 3)).toBe(true);
    expect(regimeConstantLine(withInlet.constantInRegime)).toBe(
      'left out inlet: in the training rows it is constant within each operating regime, so the forest could not split on it',
    );
    // Its standardised values were the rounding of six means: without it the forest is the one grown on the rest.
    const without = await trainModel(engine, multiRegime(40), opts);
    expect(without.constantInRegime).toEqual([]);
    expect(withInlet.model.forest).toEqual(without.model.forest);
    // Nothing else left: a specific error, not a forest of nothing.
    const onlyInlet = trainModel(engine, multiRegime(40, true), { ...opts, features: ['inlet'] });
    await expect(onlyInlet).rejects.toThrow('every input (inlet) is constant within each operating regime: nothing is left to learn from');
  });

  test('a missing sensor reading in the baseline counts for neither its regime mean nor its spread', async () => {
    const ds = multiRegime();
    const s1 = ds.columns.find((c) => c.name === 's1')!;
    const holed: Dataset = {
      ...ds,
      columns: ds.columns.map((c) => (c === s1 ? { ...c, values: c.values.map((v, i) => (i === 5 ? NaN : v)) } : c)),
    };
    const opts = {
      baseline: parseBaseline('first:50%'),
      recipe: { unitBaseline: 0, window: { size: 1, stats: ['value' as const] }, regimes: 'auto' as const },
    };
    const { model } = await trainModel(await getEngine(), holed, opts);
    const g = model.recipe!.regimes!;
    expect([...g.mean.flat(), ...g.scale.flat()].every(Number.isFinite)).toBe(true);
    expect(() => validateModel(JSON.parse(JSON.stringify(model)))).not.toThrow();
  });

  test('a reading without its settings is not scored as some regime, and the data check names the setting', async () => {
    const engine = await getEngine();
    const ds = multiRegime();
    const { model } = await trainModel(engine, ds, { baseline: parseBaseline('first:50%'), recipe: DEFAULT_QUALITY.recipe });
    const setting = ds.columns.find((c) => c.name === 'op_setting_1')!;
    const blanked: Dataset = {
      ...ds,
      columns: ds.columns.map((c) => (c === setting ? { ...c, values: c.values.map((v, i) => (i % 10 === 3 ? NaN : v)) } : c)),
    };
    const { scores } = new LoadedModel(engine, model).scoreDataset(blanked);
    const whole = new LoadedModel(engine, model).scoreDataset(ds).scores;
    for (let i = 3; i < ds.rows; i += 10) expect(scores[i]).toBeNaN();
    expect(Number.isFinite(whole[3])).toBe(true);
    const check = checkDataset(model.envelope!, blanked, model.recipe!.regimes);
    expect(check.verdict).toBe('drift');
    expect(check.reasons).toContain(
      'op_setting_1 is missing in 10% of readings: the model needs it to tell the operating regime, so those readings are not scored.',
    );
    expect(check.unknownRegime).toBe(0);
  });

  test('makes the default recipe work across conditions: a rolling baseline over mixed regimes is noise without it', async () => {
    const engine = await getEngine();
    const ds = multiRegime();
    const baseline = parseBaseline('first:50%');
    const auc = async (regimes: 'auto' | 'off') => {
      const { model } = await trainModel(engine, ds, { baseline, recipe: { ...DEFAULT_QUALITY.recipe, regimes } });
      const { scores } = new LoadedModel(engine, model).scoreDataset(ds);
      return evaluateScores(ds, scores, flagAnomalies(scores, model.threshold.offset), { horizon: 15, baseline }).rocAuc;
    };
    const without = await auc('off');
    const withRegimes = await auc('auto');
    expect(withRegimes).toBeGreaterThan(0.95);
    expect(withRegimes).toBeGreaterThan(without + 0.1);
  });

  test('the threshold is checked in each regime: held-out rates per regime, and a warning for a regime it holds less well in', async () => {
    const { model } = await trainModel(await getEngine(), multiRegime(), {
      baseline: parseBaseline('first:50%'),
      recipe: DEFAULT_QUALITY.recipe,
      alarm: DEFAULT_QUALITY.alarm,
      params: { contamination: DEFAULT_CONTAMINATION },
    });
    const cal = model.threshold.calibration!;
    expect(cal.method).toBe('cross-fit');
    expect(cal.regimes!.map((g) => g.regime)).toEqual([0, 1, 2, 3, 4, 5]);
    // Every held-out reading has finite settings here, so the regimes share them all, about evenly.
    expect(cal.regimes!.reduce((a, g) => a + g.readings, 0)).toBe(cal.readings);
    for (const g of cal.regimes!) expect(g.readings).toBeGreaterThan(cal.readings / 12);
    expect(calibrationLine(model)).not.toContain('warning');
    // The same model, had one regime's held-out readings flagged at 3%: the line warns of that regime alone.
    const centre = regimeOf(model.recipe!.regimes!, CONDITIONS[3]);
    const skewed = structuredClone(model);
    skewed.threshold.calibration!.regimes![centre].flagged = { estimate: 0.03, low: 0.02, high: 0.045 };
    const line = calibrationLine(skewed)!;
    expect(line).toContain(`regime ${centre + 1} (op_setting_1 25, op_setting_2 0.62, op_setting_3 60): `);
    expect(line).toMatch(new RegExp(`warning: in regime ${centre + 1} more held-out healthy readings than the contamination \\(0\\.2%\\)`));
    // A model file naming a regime its recipe lacks is refused, with the field named.
    const stray = structuredClone(model);
    stray.threshold.calibration!.regimes![0].regime = 6;
    expect(() => validateModel(stray)).toThrow('/threshold/calibration/regimes: it names a regime the recipe does not have');
  });
});
