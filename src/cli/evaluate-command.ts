import { parseBaseline } from '../data/baseline.js';
import { columnByRole, DataError, type Dataset } from '../data/dataset.js';
import { dateSpan } from '../data/time-text.js';
import { evaluateScores } from '../metrics/evaluate.js';
import type { LabelEpisodes } from '../metrics/label-episodes.js';
import { alarmRule } from '../model/alarm-rule.js';
import { streamInputsOf } from '../model/loaded-model.js';
import { unscoredWhy } from '../model/unscored-words.js';
import { verdictLine } from '../model/model-check.js';
import type { WasmEngine } from '../engine/wasm-engine.js';
import { fromFlag, num, oneFile, parse } from './args.js';
import { UsageError } from './errors.js';
import { readModel } from './files.js';
import { scoreFile } from './scored-file.js';
import { isTrainingData } from '../model/inputs-fingerprint.js';
import { formatNumber, renderTable } from './table.js';
import { unitKeyNote } from '../model/unit-key-note.js';
import { UNIT_COLUMN_OPTION, UNIT_COLUMN_USAGE, unitColumnChoice } from './unit-column.js';

export const EVALUATE_USAGE = `isoscope evaluate <file> --model model.json [--rul RUL_file] [--label-column anomaly] [--horizon 30] [--baseline first:50%] [--entry name] ${UNIT_COLUMN_USAGE} [--json]`;

export async function evaluateCommand(
  argv: string[],
  engine: () => Promise<WasmEngine>,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<void> {
  const { values, positionals } = parse(
    argv,
    {
      model: { type: 'string' },
      rul: { type: 'string' },
      'label-column': { type: 'string' },
      horizon: { type: 'string' },
      baseline: { type: 'string' },
      json: { type: 'boolean' },
      entry: { type: 'string' },
      ...UNIT_COLUMN_OPTION,
    },
    EVALUATE_USAGE,
  );
  if (values.help) return out(EVALUATE_USAGE);
  const file = oneFile(positionals, EVALUATE_USAGE);
  if (!values.model) throw new UsageError(`evaluate needs --model model.json\nusage: ${EVALUATE_USAGE}`);
  if (values['label-column'] !== undefined && (values.horizon !== undefined || values.baseline !== undefined))
    throw new UsageError(
      `${values.horizon !== undefined ? '--horizon' : '--baseline'} applies to RUL ground truth; with --label-column the labels say which readings are anomalous`,
    );
  const horizon = num(values.horizon, '--horizon', 30);
  if (!(horizon >= 0)) throw new UsageError(`--horizon must be >= 0, got ${horizon}`);
  if (values.baseline !== undefined) fromFlag('--baseline', () => parseBaseline(values.baseline!));
  const model = readModel(values.model);
  const { ds, sample, scores, flags, inputs, columns } = await scoreFile(
    file,
    {
      rul: values.rul,
      entry: values.entry,
      labelColumn: values['label-column'],
      warn: err,
      unitColumn: unitColumnChoice(values['unit-column'], model),
    },
    model,
    await engine(),
  );
  const key = unitKeyNote(model, columnByRole(ds, 'unit')?.name ?? null, (n) => columns.includes(n));
  if (key) err(`isoscope: warning: ${key}`);
  // Baseline for false alarms: the flag, else the model's own training baseline, else each unit's first half.
  const baselineSpec = values.baseline ?? (model.training.baseline !== 'all' ? model.training.baseline : 'first:50%');
  const alarm = alarmRule(model);
  const ev = evaluateScores(ds, scores, flags, {
    horizon,
    labelColumn: values['label-column'],
    baseline: parseBaseline(baselineSpec),
    alarm,
  });
  const { check, report } = sample.result(ds.rows, ds.rows - ev.unscored);
  // A test file under another name reads as run-to-failure: its RUL would be counted from the cut-off.
  if (ev.truth === 'rul' && !values.rul && !/^train_/i.test(ds.name) && ds.notes.some((n) => n.startsWith('RUL derived assuming')))
    err(
      `isoscope: ground truth assumes each unit of ${ds.name} runs to failure at its last reading; if the units are cut off before failure (a test file), give its RUL file with --rul`,
    );
  // By content where the model records it: two recordings both named data.csv are not one, a copy under another name is.
  const trainedOn = model.training.inputsFingerprint;
  const inSample = isTrainingData(model, ds, () => inputs);
  const labelled = values['label-column'] !== undefined ? ds.columns.find((c) => c.name === values['label-column']) : undefined;
  // The label as a model input: the forest has seen the answer, and the figures say nothing about detection.
  if (labelled && streamInputsOf(model).includes(labelled.name))
    err(
      `isoscope: warning: the label column "${labelled.name}" is one of the model's inputs: these figures measure the label, not detection`,
    );
  // A label column found by its name (no --label-column): the RUL flags given have nothing to apply to.
  const unused = [values.horizon !== undefined && '--horizon', values.baseline !== undefined && '--baseline'].filter(Boolean);
  if (ev.truth !== 'rul' && unused.length)
    err(
      `isoscope: warning: ${unused.join(' and ')} ${unused.length > 1 ? 'apply to RUL ground truth, and were' : 'applies to RUL ground truth, and was'} not used: ${ds.name}'s label column says which readings are anomalous`,
    );
  // A horizon past every reading's RUL leaves no healthy reading: detection figures without a negative.
  if (ev.truth === 'rul' && ev.readings > 0 && ev.positives === ev.readings)
    err(
      `isoscope: warning: --horizon ${horizon} counts every scored reading as degraded (RUL <= ${horizon}): no healthy reading is left, so ROC AUC, precision and the false-alarm rate say nothing; C-MAPSS work uses 30`,
    );
  // Labelled 1 throughout: more likely a 'normal' flag than data anomalous from end to end.
  const labels = labelled ?? columnByRole(ds, 'label');
  if (ev.truth === 'label' && ev.readings > 0 && ev.positives === ev.readings)
    err(
      `isoscope: warning: every compared reading is labelled 1 (anomalous) in "${labels?.name}": no healthy reading is left, so ROC AUC, precision and the false-alarm rate say nothing; ${
        labels?.missing
          ? `its ${labels.missing.toLocaleString('en-US')} blank cell(s) are not compared: if they are the normal readings, write them as 0`
          : 'if 1 marks normal readings in this file, write the labels the other way round'
      }`,
    );
  const unlabelled = labelled?.missing ?? 0;
  // Every figure would be a ratio over nothing.
  if (ev.readings === 0)
    throw new DataError(
      ev.unscored
        ? `${ds.name}: none of the ${ev.unscored} readings with ground truth is scored (${unscoredWhy(model, !columnByRole(ds, 'unit'))}): nothing to evaluate`
        : labelled
          ? `${ds.name}: no reading has a label in column "${labelled.name}" (${unlabelled} blank): nothing to evaluate`
          : `${ds.name}: no reading has ground truth to compare with: nothing to evaluate`,
    );
  if (values.json) {
    const { verdict, reasons } = report;
    return out(
      JSON.stringify(
        { ...ev, inSample, ...(labelled ? { unlabelled } : {}), baseline: baselineSpec, alarm, dataCheck: { verdict, reasons } },
        null,
        2,
      ),
    );
  }
  const truth = ev.truth === 'rul' ? `degraded = RUL <= ${horizon} cycles, healthy = baseline ${baselineSpec}` : `label column`;
  out(
    `${ds.name}: ${ev.readings} readings compared, ${ev.positives} positive (${truth})${ev.unscored ? `, ${ev.unscored} unscored` : ''}${unlabelled ? `, ${unlabelled} without a label (not compared)` : ''}; alarm ${alarm.k} of ${alarm.n}` +
      (inSample
        ? `; in sample: the model was trained on ${trainedOn ? `these readings (${model.training.source})` : 'a file of this name'}`
        : `; the model was trained on ${model.training.source}${model.training.source === ds.name ? ', another file of this name' : ''}`),
  );
  // Ratios alike to four places (an AUC of exactly 1 read "1" beside "0.9999"); precision has no
  // value without a single alarm: said, not printed as 0.
  const ratio = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : '-');
  const or = (v: number, why: string) => (Number.isNaN(v) ? `n/a (${why})` : ratio(v));
  const rows = [
    ['ROC AUC', ratio(ev.rocAuc)],
    ['PR AUC', ratio(ev.prAuc)],
    ['alarm precision', or(ev.precision, 'no reading in alarm')],
    ['alarm recall', or(ev.recall, 'no positive reading')],
    ['alarm F1', or(ev.f1, 'no positive reading')],
    ['false-alarm rate (healthy readings in alarm)', or(ev.falseAlarmRate, 'no healthy reading')],
    ['missed-alarm rate (positive readings not in alarm)', or(ev.missedAlarmRate, 'no positive reading')],
  ];
  if (ev.units) {
    rows.push(
      ['units', String(ev.units.count)],
      ['units warned', String(ev.units.warned)],
      ['units never warned', String(ev.units.neverWarned)],
      ['  of which missed (reached RUL <= horizon)', String(ev.units.missed)],
      ['  of which cut off before RUL <= horizon', String(ev.units.neverWarned - ev.units.missed)],
      ['median lead time (cycles)', formatNumber(ev.units.medianLeadTime, 1)],
      ['10th pct lead time (cycles)', formatNumber(ev.units.p10LeadTime, 1)],
      [`false alarms per unit (raised in baseline ${baselineSpec})`, formatNumber(ev.units.falseAlarmsPerUnit, 3)],
      ['false alarms per unit (raised at RUL > 125)', formatNumber(ev.units.healthyAlarmsPerUnit, 3)],
      [`near failure at the end (RUL <= ${horizon}), in alarm there`, `${ev.units.nearFailureDetected} of ${ev.units.nearFailure}`],
    );
  }
  if (ev.episodes) rows.push(...episodeRows(ev.episodes, ds));
  out(renderTable(['metric', 'value'], rows));
  out(check ? verdictLine(check) : 'data check: skipped (the model records no training envelope; retrain to check)');
}

/** The labelled anomalies as events: caught or not, how late, and the false alarms, in the data's own time. */
function episodeRows(e: LabelEpisodes, ds: Dataset): string[][] {
  const time = columnByRole(ds, 'time');
  const span = (d: number | null) =>
    d === null
      ? '-'
      : e.delayIn === 'readings'
        ? `${formatNumber(d, 1)} readings`
        : time?.timestamp
          ? dateSpan(d)
          : `${formatNumber(d, 1)} (${time!.name})`;
  return [
    ['labelled anomalies (stretches of 1s)', String(e.anomalies)],
    ['  caught (in alarm at one of their readings)', `${e.detected} of ${e.anomalies}`],
    ['  delay to the first alarm, median / worst', `${span(e.medianDelay)} / ${span(e.worstDelay)}`],
    [
      'false alarms (raised at a 0, cleared before a stretch)',
      e.units > 1 ? `${e.falseAlarms} (${formatNumber(e.falseAlarmsPerUnit, 3)} per unit)` : String(e.falseAlarms),
    ],
  ];
}
