// bench:quality's first section: in-sample figures (the training file, false alarms in
// its baseline) next to out-of-sample ones (the test file with its RUL file, which no
// forest saw), for FD001 and FD002, with the threshold set in sample (the quantile of the
// training rows' own scores) and out of sample (cross-fitting, the default).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trainModel } from '../src/model/train.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { ingestFiles } from '../src/data/ingest.js';
import { parseBaseline } from '../src/data/baseline.js';
import { evaluateScores, type Evaluation } from '../src/metrics/evaluate.js';
import { DEFAULT_CONTAMINATION, DEFAULT_QUALITY } from '../src/features/defaults.js';
import type { WasmEngine } from '../src/engine/wasm-engine.js';
import type { ModelJson } from '../src/model/types.js';
import type { Dataset } from '../src/data/dataset.js';

const BASELINE = parseBaseline('first:50%');
const HORIZON = 30;

function evaluate(engine: WasmEngine, model: ModelJson, ds: Dataset): Evaluation {
  const loaded = new LoadedModel(engine, model);
  const { scores, flags } = loaded.scoreDataset(ds);
  loaded.dispose();
  return evaluateScores(ds, scores, flags, { horizon: HORIZON, baseline: BASELINE, alarm: DEFAULT_QUALITY.alarm });
}

const lead = (e: Evaluation) => `${e.units!.medianLeadTime ?? '–'} / ${e.units!.p10LeadTime?.toFixed(0) ?? '–'}`;

export async function outOfSampleSection(engine: WasmEngine, dir: string): Promise<string[]> {
  const lines = [
    `## In sample and out of sample (defaults; train on train_FDxxx's first 50% per unit, test on test_FDxxx + RUL_FDxxx; degraded = RUL <= ${HORIZON})\n`,
    '| data | threshold set | IN-SAMPLE (train file): ROC AUC | median / p10 lead | false alarms / unit in baseline | never warned | OUT-OF-SAMPLE (test file): ROC AUC | near-failure units in alarm at the end | false alarms / unit at RUL > 125 | median / p10 lead (near-failure units) | stated: false alarms / unit; units with one (95% CI) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const read = (...names: string[]) => ingestFiles(names.map((n) => ({ name: n, bytes: readFileSync(join(dir, n)) })));
  for (const fd of ['FD001', 'FD002']) {
    const train = read(`train_${fd}.txt`);
    const test = read(`test_${fd}.txt`, `RUL_${fd}.txt`);
    for (const threshold of ['in-sample', 'cross-fit'] as const) {
      const { model } = await trainModel(engine, train, {
        baseline: BASELINE,
        recipe: DEFAULT_QUALITY.recipe,
        alarm: DEFAULT_QUALITY.alarm,
        params: { seed: 42, contamination: DEFAULT_CONTAMINATION },
        threshold,
        createdAt: '2026-01-01T00:00:00Z',
      });
      const ins = evaluate(engine, model, train);
      const oos = evaluate(engine, model, test);
      const near = oos.units!.perUnit.filter((o) => o.lastRul <= HORIZON && o.leadTime !== null).map((o) => o.leadTime!);
      near.sort((a, b) => a - b);
      const c = model.threshold.calibration;
      const pc = (x: number) => `${(x * 100).toFixed(1)}%`;
      lines.push(
        `| ${fd} | ${threshold === 'in-sample' ? 'in sample (quantile of training scores)' : 'out of sample (cross-fit, default)'} | ${ins.rocAuc.toFixed(4)} | ${lead(ins)} | ${ins.units!.falseAlarmsPerUnit.toFixed(3)} | ${ins.units!.neverWarned} | ` +
          `${oos.rocAuc.toFixed(4)} | ${oos.units!.nearFailureDetected} of ${oos.units!.nearFailure} | ${oos.units!.healthyAlarmsPerUnit.toFixed(3)} | ${near[Math.floor(near.length / 2)] ?? '–'} / ${near[Math.floor(near.length / 10)] ?? '–'} | ` +
          `${c ? `${c.falseAlarmsPerUnit.toFixed(3)}; ${pc(c.unitsWithFalseAlarm.estimate)} (${pc(c.unitsWithFalseAlarm.low)}–${pc(c.unitsWithFalseAlarm.high)})` : '–'} |`,
      );
    }
  }
  lines.push(
    '\nFloors (issue 11, FD002 test file): 61 of 61 near-failure units in alarm, at most 0.01 false alarms per unit at RUL > 125, ROC AUC >= 0.999.',
  );
  return lines;
}
