// Evaluation against ground truth (RUL horizon or label column), updating with the
// threshold. Says whether the figures are in-sample, keeps units cut off before they
// degraded apart from missed ones, gives every figure one format and a definition.
import uPlot from 'uplot';
import { fmt, h, pct, plural, ratio } from '../dom.js';
import type { DataVerdict } from '../../services/engine-service.js';
import type { Workbench } from '../workbench.js';
import type { Evaluation } from '../../metrics/evaluate.js';
import { DefinitionList, type Definition } from './definition-list.js';
import { axis, followWidth, widthOf } from '../charts.js';
import { pngButton } from '../chart-export.js';
import { HEALTHY_RUL } from '../../model/calibrate.js';

type Row = [id: string, name: string, value: (ev: Evaluation) => string, definition: (ev: Evaluation) => string];

const cycles = (v: number | null | undefined) => (v === null || v === undefined ? '–' : plural(Math.round(v), 'cycle'));
const H = (ev: Evaluation) => ev.horizon ?? 30;

const ROWS: Row[] = [
  [
    'roc-auc',
    'ROC AUC',
    (e) => ratio(e.rocAuc),
    () => 'Chance that a degraded reading scores above a healthy one: 0.5 is guessing, 1.000 always.',
  ],
  [
    'pr-auc',
    'PR AUC',
    (e) => ratio(e.prAuc),
    (e) => `Precision averaged over every threshold; guessing scores the degraded share (${ratio(e.positives / Math.max(1, e.readings))}).`,
  ],
  [
    'precision',
    'Precision',
    (e) => ratio(e.precision),
    () => 'Of the readings taken while the unit was in alarm, the share that were degraded.',
  ],
  ['recall', 'Recall', (e) => ratio(e.recall), () => 'Of the degraded readings, the share taken while the unit was in alarm.'],
  ['f1', 'F1', (e) => ratio(e.f1), () => 'Harmonic mean of precision and recall.'],
  [
    'false-alarm-rate',
    'False-alarm rate',
    (e) => pct(e.falseAlarmRate),
    () => 'Of the healthy readings, the share taken while the unit was in alarm.',
  ],
  [
    'missed-alarm-rate',
    'Missed-alarm rate',
    (e) => pct(e.missedAlarmRate),
    () => 'Of the degraded readings, the share taken while the unit was not in alarm (1 − recall).',
  ],
];
const UNIT_ROWS: Row[] = [
  [
    'warned',
    'Units warned',
    (e) => `${fmt(e.units!.warned)} of ${fmt(e.units!.count)}`,
    () => 'Units in alarm at some reading after their training period.',
  ],
  [
    'missed',
    'Units missed',
    (e) => `${fmt(e.units!.missed)} of ${fmt(e.units!.count - e.units!.cutOff)}`,
    (e) => `Of the units whose RUL reached ${H(e)} cycles or less, those never in alarm after their training period.`,
  ],
  [
    'cut-off',
    'Cut off before degrading',
    (e) => {
      const early = e.units!.cutOffWarned;
      return `${e.units!.cutOff}${early ? `, ${early} warned early` : ''}`;
    },
    (e) =>
      `Units whose data ends while more than ${H(e)} cycles remain (a test file stops early): nothing degraded to warn about, so never counted as missed. An alarm on one is an early warning and counts in Units warned.`,
  ],
  [
    'lead-median',
    'Median lead time',
    (e) => cycles(e.units!.medianLeadTime),
    () => 'Cycles from the first alarm after the training period to failure, for the middle warned unit.',
  ],
  [
    'lead-p10',
    'Lead time, 10th percentile',
    (e) => cycles(e.units!.p10LeadTime),
    () => 'Nine in ten warned units had at least this much warning.',
  ],
  [
    'false-alarms',
    'False alarms per unit',
    (e) => e.units!.falseAlarmsPerUnit.toFixed(2),
    () => 'Alarms raised inside the training period (healthy by assumption), per unit.',
  ],
  [
    'false-alarms-far',
    `False alarms per unit, RUL > ${HEALTHY_RUL}`,
    (e) => e.units!.healthyAlarmsPerUnit.toFixed(3),
    () =>
      `Alarms raised while more than ${HEALTHY_RUL} cycles remained, per unit, training period or not: far from failure, so false. Alarms between that and the degraded horizon are early warnings (see Units warned and lead times).`,
  ],
];

/** The slider's rest before a label's events are counted (a pass over every reading). */
const EPISODES_AFTER_MS = 150;

/** A label column's stretches of 1s as events: caught or not, how late, and alarms raised at 0s. */
function episodeRows(wb: Workbench): Row[] {
  const ep = (e: Evaluation) => e.episodes!;
  const span = (e: Evaluation, d: number | null) =>
    d === null ? '–' : ep(e).delayIn === 'readings' ? plural(Math.round(d), 'reading') : wb.time.span(d);
  return [
    [
      'label-caught',
      'Labelled anomalies caught',
      (e) => `${fmt(ep(e).detected)} of ${fmt(ep(e).anomalies)}`,
      () =>
        'Each stretch of 1s in the label column (within a unit) is one anomaly; caught when the unit was in alarm at one of its readings.',
    ],
    [
      'label-delay',
      'Delay to the first alarm',
      (e) => (ep(e).detected ? `${span(e, ep(e).medianDelay)} median, ${span(e, ep(e).worstDelay)} at worst` : '–'),
      () => 'From a caught anomaly’s first labelled reading to its first reading in alarm (0 when an alarm raised earlier still held).',
    ],
    [
      'label-false-alarms',
      'False alarms',
      (e) => (ep(e).units > 1 ? `${ep(e).falseAlarms} (${ep(e).falseAlarmsPerUnit.toFixed(2)} per unit)` : String(ep(e).falseAlarms)),
      () =>
        'Alarms raised at readings labelled 0 that cleared before an anomaly began: each alarm once, however long it lasts. One held into an anomaly is an early warning, counted as catching it.',
    ],
  ];
}

/** What ok means: no input left its training range (widened by half) in a tenth of its readings; the most any did, named. */
function okWords(c: DataVerdict, label: (name: string) => string): string {
  const outside = c.widest;
  if (outside.share === 0) return 'Every reading lies inside the range the model was trained on (widened by half, as readings are noisy).';
  return `No input left the range the model was trained on (widened by half) in a tenth of its readings or more; the most that did: ${pct(outside.share)} of ${label(outside.name)}’s readings.`;
}

export function evaluationPanel(wb: Workbench): HTMLElement {
  const scope = h('p', { class: 'note', 'data-testid': 'eval-scope' });
  // Whether the scored data fits the model at all comes before any figure.
  const fit = h('p', { class: 'note', 'data-testid': 'data-check', role: 'status' });
  const renderFit = () => {
    const c = wb.model ? wb.dataCheck : undefined;
    fit.hidden = !c;
    if (!c) return;
    fit.className = `note ${c.verdict === 'ok' ? '' : 'warn'}`;
    fit.textContent =
      c.verdict === 'ok'
        ? `Data check: ok. ${okWords(c, (n) => wb.names(n).label)}`
        : `Data check: ${c.verdict === 'mismatch' ? 'mismatch. This data is not what the model was trained on' : 'drift. Part of the data has left the training range'}: ${c.reasons.join(' ')}${labelledDrift(c.verdict)}`;
  };
  // The check knows ranges, not faults: with labels, what left the range may be the faults themselves.
  const labelledDrift = (verdict: string) => {
    const label = wb.data?.truth.columns.find((c) => c.role === 'label');
    return verdict === 'drift' && label
      ? ` Readings labelled anomalous in “${label.name}” may be among them: a fault can take sensors out of range, and that is what the model is to detect.`
      : '';
  };
  const metrics = new DefinitionList(h('dl', { class: 'metrics' }));
  const definitions = new DefinitionList(h('dl', { class: 'definitions' }));
  const host = h('div', { class: 'chart roc', role: 'img', 'aria-label': 'No ROC curve yet.' });
  let chart: uPlot | undefined;

  const build = (s: number, width: number) => {
    const { fpr, tpr } = wb.threshold.rocCurve!;
    return {
      opts: {
        width: width * s,
        height: 200 * s,
        legend: { show: false },
        scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
        axes: [axis(s, 'false positive rate'), axis(s, 'true positive rate', { size: 44 })],
        series: [{}, { stroke: '#2563eb', width: 2 * s }],
      } as uPlot.Options,
      data: [Array.from(fpr), Array.from(tpr)] as uPlot.AlignedData,
    };
  };
  const png = pngButton('ROC PNG', 'Download the ROC curve as PNG', () =>
    wb.threshold.rocCurve && wb.model
      ? {
          title: 'ROC curve',
          subtitle: `${wb.data!.name} · model ${wb.model.id} · ROC AUC ${ratio(wb.threshold.evaluation?.rocAuc)}${wb.inSample ? ' · in-sample' : ''}`,
          legend: [{ label: 'true positive rate against false positive rate, over every threshold', color: '#2563eb', kind: 'line' }],
          charts: [(s) => build(s, 360)],
          fileName: `roc-${wb.model.id}.png`,
        }
      : undefined,
  );
  png.disabled = true;
  const drawRoc = () => {
    chart?.destroy();
    chart = undefined;
    const ev = wb.threshold.evaluation;
    host.setAttribute(
      'aria-label',
      ev ? `ROC curve: true positive rate against false positive rate; area ${ratio(ev.rocAuc)}.` : 'No ROC curve yet.',
    );
    // Without a curve the button would do nothing when pressed.
    png.disabled = !wb.threshold.rocCurve;
    if (!wb.threshold.rocCurve) return;
    const { opts, data } = build(1, Math.min(360, widthOf(host)));
    chart = new uPlot(opts, data, host);
  };
  let episodesDue: ReturnType<typeof setTimeout> | undefined;
  const render = () => {
    renderFit();
    const ev = wb.threshold.evaluation;
    if (!ev) {
      metrics.clear();
      definitions.clear();
      scope.textContent = !wb.model
        ? 'Train a model first.'
        : wb.threshold.evaluating
          ? 'Evaluating the scores against the ground truth…'
          : 'No ground truth in this data (needs RUL, run-to-failure units or a 0/1 label column).';
      return;
    }
    const m = wb.model!;
    scope.className = `note ${wb.inSample ? 'warn' : ''}`;
    scope.textContent = wb.inSample
      ? `In-sample: evaluated on ${wb.data!.name}, ${wb.data!.name === m.training.source ? 'the data the model was trained on' : `which holds the readings the model was trained on (from ${m.training.source})`}. ${ev.truth === 'rul' ? 'Its healthy readings are the training rows' : 'Its training rows are among the readings labelled 0'}, so these figures are optimistic.`
      : `Out-of-sample: evaluated on ${wb.data!.name}; the model was trained on ${m.training.source}.`;
    const truth = ev.truth === 'rul' ? `degraded: RUL ≤ ${H(ev)} cycles; healthy: each unit’s training period` : '0/1 label column';
    const shown: Definition[] = [];
    const meant: Definition[] = [];
    const add = ([id, name, value, def]: Row) => {
      shown.push({ term: name, value: value(ev), title: def(ev), id });
      meant.push({ term: name, value: def(ev) });
    };
    add([
      'truth',
      'Ground truth',
      () => truth,
      () => 'Which readings count as degraded and which as healthy; readings in between are left out.',
    ]);
    ROWS.forEach(add);
    // Far from failure is known by RUL only: a label column has no such readings.
    if (ev.units) UNIT_ROWS.filter(([id]) => id !== 'false-alarms-far' || ev.truth === 'rul').forEach(add);
    // A label's events are a pass over every reading: counted once the slider rests, not in every frame.
    clearTimeout(episodesDue);
    if ('episodes' in ev) {
      const rows = episodeRows(wb);
      rows.forEach(([id, name, , def]) => add([id, name, () => '…', def]));
      episodesDue = setTimeout(() => {
        if (wb.threshold.evaluation !== ev) return;
        for (const [id, , value] of rows) metrics.set(id, value(ev));
      }, EPISODES_AFTER_MS);
    }
    metrics.show(shown);
    definitions.show(meant);
  };
  // The curve depends on the scores only, not on the threshold: drawn again when the ranking is another (big scores: a frame after them).
  let drawnFor: { fpr: Float64Array; tpr: Float64Array } | undefined | null = null;
  wb.on('threshold', () => {
    render();
    if (wb.threshold.rocCurve !== drawnFor) {
      drawnFor = wb.threshold.rocCurve;
      drawRoc();
    }
  });
  wb.on('check', renderFit);
  wb.on('in-sample', () => {
    render();
    drawRoc(); // its title says in-sample
  });
  wb.on('data', () => {
    drawnFor = undefined;
    drawRoc();
    render();
  });
  render();
  const section = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'eval-h' },
    h('div', { class: 'panel-head' }, h('h3', { id: 'eval-h' }, 'Evaluation'), png),
    fit,
    scope,
    h('div', { class: 'eval-body' }, metrics.el, host),
    h('details', { class: 'definitions-box' }, h('summary', {}, 'What these figures mean'), definitions.el),
  );
  followWidth(host, () => chart, 360);
  return section;
}
