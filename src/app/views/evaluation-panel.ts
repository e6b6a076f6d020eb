// Evaluation against ground truth (RUL horizon or label column), updating with the
// threshold: ranking metrics, precision/recall/F1, lead time and false alarms, ROC.
import uPlot from 'uplot';
import { fmt, h } from '../dom.js';
import type { Workbench } from '../workbench.js';
import { followWidth, pngButton, widthOf } from '../charts.js';

export function evaluationPanel(wb: Workbench): HTMLElement {
  const metrics = h('dl', { class: 'metrics' });
  const host = h('div', { class: 'chart roc' });
  let chart: uPlot | undefined;

  const drawRoc = () => {
    chart?.destroy();
    chart = undefined;
    const curve = wb.threshold.rocCurve;
    if (!curve) return;
    const { fpr, tpr } = curve;
    chart = new uPlot(
      {
        width: Math.min(360, widthOf(host.parentElement!)),
        height: 220,
        legend: { show: false },
        scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
        axes: [{ label: 'false positive rate' }, { label: 'true positive rate', size: 45 }],
        series: [{}, { stroke: '#2563eb', width: 2 }],
      },
      [Array.from(fpr), Array.from(tpr)],
      host,
    );
  };
  const render = () => {
    metrics.replaceChildren();
    const ev = wb.threshold.evaluation;
    if (!ev) {
      metrics.append(
        h(
          'dd',
          { class: 'muted' },
          wb.model ? 'No ground truth in this data (needs RUL, run-to-failure units or a 0/1 label column).' : 'Train a model first.',
        ),
      );
      return;
    }
    const item = (k: string, v: string, id: string) => metrics.append(h('dt', {}, k), h('dd', { 'data-testid': id }, v));
    item('Ground truth', ev.truth === 'rul' ? `degraded = RUL ≤ ${ev.horizon}` : 'label column', 'truth');
    item('ROC AUC', fmt(ev.rocAuc, 4), 'roc-auc');
    item('PR AUC', fmt(ev.prAuc, 4), 'pr-auc');
    item('Precision', fmt(ev.precision, 3), 'precision');
    item('Recall', fmt(ev.recall, 3), 'recall');
    item('F1', fmt(ev.f1, 3), 'f1');
    if (ev.units) {
      item('Median lead time', `${fmt(ev.units.medianLeadTime, 0)} cycles`, 'lead-median');
      item('10th pct lead time', `${fmt(ev.units.p10LeadTime, 0)} cycles`, 'lead-p10');
      item('Units never warned', `${ev.units.neverWarned} of ${ev.units.count}`, 'never-warned');
      item('False alarms / unit (baseline)', fmt(ev.units.falseAlarmsPerUnit, 2), 'false-alarms');
    }
  };
  let drawnFor: Float64Array | undefined;
  wb.on('threshold', () => {
    render();
    if (wb.scores !== drawnFor) {
      drawnFor = wb.scores;
      drawRoc(); // the curve depends on scores only, not on the threshold
    }
  });
  wb.on('data', () => {
    chart?.destroy();
    chart = undefined;
    render();
  });
  render();
  const section = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'eval-h' },
    h(
      'div',
      { class: 'panel-head' },
      h('h2', { id: 'eval-h' }, 'Evaluation'),
      pngButton('ROC PNG', () => chart, 'roc.png'),
    ),
    h('div', { class: 'eval-body' }, metrics, host),
  );
  followWidth(host, () => chart, 360);
  return section;
}
