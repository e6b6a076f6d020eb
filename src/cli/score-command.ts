import { columnByRole } from '../data/dataset.js';
import { scoresCsv } from '../data/scores-csv.js';
import { alarmTrace } from '../alarms/alarm-trace.js';
import { alarmRule } from '../model/alarm-rule.js';
import { LoadedModel } from '../model/loaded-model.js';
import { checkModelData, dataReport, verdictLine } from '../model/model-check.js';
import type { WasmEngine } from '../engine/wasm-engine.js';
import { oneFile, parse } from './args.js';
import { UsageError } from './errors.js';
import { readDataset, readModel, writeText } from './files.js';

export const SCORE_USAGE = 'isoscope score <file> --model model.json [-o scores.csv] [--report check.json] [--timings] [--entry name]';

export async function scoreCommand(
  argv: string[],
  engine: () => Promise<WasmEngine>,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<void> {
  const { values, positionals } = parse(
    argv,
    {
      model: { type: 'string' },
      output: { type: 'string', short: 'o' },
      timings: { type: 'boolean' },
      report: { type: 'string' },
      entry: { type: 'string' },
    },
    SCORE_USAGE,
  );
  if (values.help) return out(SCORE_USAGE);
  const file = oneFile(positionals, SCORE_USAGE);
  if (!values.model) throw new UsageError(`score needs --model model.json\nusage: ${SCORE_USAGE}`);
  const model = readModel(values.model);
  const t0 = performance.now();
  const ds = readDataset(file, { entry: values.entry, runToFailure: false });
  const parseMs = performance.now() - t0;
  const loaded = new LoadedModel(await engine(), model);
  const t1 = performance.now();
  const { scores, flags, unscorable } = loaded.scoreDataset(ds);
  const scoreMs = performance.now() - t1;
  loaded.dispose();
  const unit = columnByRole(ds, 'unit');
  const time = columnByRole(ds, 'time');
  // With units, each reading also gets its unit's alarm state under the model's k-of-n rule.
  const alarm = unit ? alarmTrace(ds, flags, alarmRule(model), scores).state : undefined;
  const csv = scoresCsv({ unit, time, scores, offset: model.threshold.offset, flags, alarm });
  if (values.output) writeText(values.output, csv);
  else out(csv.trimEnd());
  const check = checkModelData(model, ds);
  if (check && check.verdict !== 'ok') err(`isoscope: ${verdictLine(check)}`);
  if (values.report) writeText(values.report, JSON.stringify(dataReport(check, ds.rows, ds.rows - unscorable), null, 2));
  if (unscorable) err(`isoscope: ${unscorable} row(s) have a missing or non-numeric feature and were not scored (empty score)`);
  if (values.timings) err(JSON.stringify({ rows: ds.rows, parse_ms: round(parseMs), score_ms: round(scoreMs) }));
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
