// Champion against a candidate on the loaded data: both scored in the engine worker, each
// at its own published threshold and alarm rule, with the page's evaluation protocol.
import { fmt, h, pct, plural, ratio } from '../dom.js';
import type { ModelComparison, ModelFigures } from '../../metrics/model-comparison.js';
import type { Workbench } from '../workbench.js';

type Row = [id: string, name: string, value: (f: ModelFigures) => string, definition: string, better?: 'high' | 'low'];

const cycles = (v: number | null) => (v === null ? '–' : plural(Math.round(v), 'cycle'));

const TRUTH_ROWS: Row[] = [
  ['roc-auc', 'ROC AUC', (f) => ratio(f.rocAuc), 'Chance that a degraded reading scores above a healthy one.', 'high'],
  ['pr-auc', 'PR AUC', (f) => ratio(f.prAuc), 'Precision averaged over every threshold.', 'high'],
  [
    'lead-median',
    'Median lead time',
    (f) => cycles(f.medianLeadTime),
    'Cycles from the first alarm to failure, middle warned unit.',
    'high',
  ],
  ['lead-p10', 'Lead time, 10th percentile', (f) => cycles(f.p10LeadTime), 'Nine in ten warned units had at least this.', 'high'],
  [
    'warned',
    'Units warned',
    (f) => `${f.unitsWarned === undefined ? '–' : fmt(f.unitsWarned)} of ${fmt(f.units)}`,
    'Units in alarm after their healthy baseline.',
  ],
  [
    'false-alarms',
    'False alarms per unit',
    (f) => (f.falseAlarmsPerUnit ?? 0).toFixed(2),
    'Alarms raised inside the healthy baseline.',
    'low',
  ],
];
const ROWS: Row[] = [
  ['alarms', 'Alarms raised', (f) => f.alarmsRaised.toLocaleString('en-US'), 'k-of-n alarms raised over the data, all units.'],
  ['units-alarmed', 'Units ever in alarm', (f) => `${fmt(f.unitsAlarmed)} of ${fmt(f.units)}`, 'Units in alarm at some reading.'],
  ['flag-rate', 'Readings flagged', (f) => pct(f.flagRate), 'Share of scored readings below the threshold.'],
  ['alarm-rate', 'Readings in alarm', (f) => pct(f.alarmRate), 'Share of scored readings with the unit in alarm.'],
];

function numeric(f: ModelFigures, id: string): number | null {
  const v = {
    'roc-auc': f.rocAuc,
    'pr-auc': f.prAuc,
    'lead-median': f.medianLeadTime,
    'lead-p10': f.p10LeadTime,
    'false-alarms': f.falseAlarmsPerUnit,
  }[id];
  return v ?? null;
}

/** `other`: the compared version's status when compared (a retired version can be compared, and promoted back). */
function table(c: ModelComparison, other: string): HTMLElement {
  const rows = [...(c.truth ? TRUTH_ROWS : []), ...ROWS];
  const cell = (f: ModelFigures, other: ModelFigures, [id, , value, , better]: Row, who: string) => {
    const mine = numeric(f, id);
    const theirs = numeric(other, id);
    const wins = better && mine !== null && theirs !== null && (better === 'high' ? mine > theirs : mine < theirs);
    return h(
      'td',
      { class: `num${wins ? ' better' : ''}`, 'data-testid': `cmp-${id}-${who}` },
      value(f),
      wins ? h('span', { class: 'visually-hidden' }, ' (better)') : null,
    );
  };
  return h(
    'table',
    { class: 'comparison' },
    h('caption', { class: 'visually-hidden' }, `Champion ${c.champion.version} against ${c.candidate.version} on the loaded data`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Figure'),
        h('th', { scope: 'col', class: 'num' }, `${c.champion.version} champion`),
        h('th', { scope: 'col', class: 'num' }, `${c.candidate.version} ${other}`),
      ),
    ),
    h(
      'tbody',
      {},
      ...rows.map((r) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row', title: r[3] }, r[1]),
          cell(c.champion, c.candidate, r, 'champion'),
          cell(c.candidate, c.champion, r, 'candidate'),
        ),
      ),
    ),
  );
}

export function comparisonView(wb: Workbench): HTMLElement {
  const ctl = wb.registry;
  const pick = h('select', { 'aria-label': 'Version to compare with the champion' });
  const run = h('button', { type: 'button' }, 'Compare on loaded data');
  const scope = h('p', { class: 'note', 'data-testid': 'cmp-scope' });
  const agreement = h('p', { class: 'agreement', 'data-testid': 'cmp-agreement' });
  const result = h('div', { class: 'table-wrap' });
  run.addEventListener('click', () => pick.value && void ctl.compare(pick.value));

  let options = '';
  const render = () => {
    const champion = ctl.champion;
    const others = wb.link.published.filter((m) => m.status !== 'champion');
    const key = others.map((m) => `${m.id}:${m.status}`).join();
    if (key !== options) {
      options = key;
      const chosen = pick.value;
      // The newest candidate unless the user chose another version.
      const preferred = others.find((m) => m.id === chosen) ?? others.find((m) => m.status === 'candidate') ?? others[0];
      pick.replaceChildren(
        ...others.map((m) => h('option', { value: m.id, selected: m === preferred }, `${m.id} · ${m.status} · ${m.model_id}`)),
      );
    }
    pick.disabled = !others.length;
    run.disabled = ctl.comparing || !champion || !others.length || !wb.data;
    run.title = !wb.data ? 'Load data in step 1 first' : !champion ? 'The registry has no champion' : '';
    run.textContent = ctl.comparing ? 'Scoring…' : 'Compare on loaded data';
    const c = ctl.comparison;
    scope.hidden = agreement.hidden = result.hidden = !c;
    if (!c) return;
    const sample = (f: ModelFigures) => (f.inSample ? `in-sample for ${f.version}` : null);
    const inSample = [sample(c.champion), sample(c.candidate)].filter(Boolean);
    scope.className = `note${inSample.length ? ' warn' : ''}`;
    scope.textContent = `On ${c.data} (${plural(c.readings, 'reading')}; ${inSample.length ? inSample.join(', ') : 'out-of-sample for both'}), each model at its own published threshold and alarm rule${c.truth === 'rul' ? `; degraded: RUL ≤ ${c.horizon} cycles` : c.truth ? '; truth: the 0/1 label column' : '; no ground truth, so no AUC or lead time'}.`;
    agreement.textContent = `Agreement: flagged alike on ${pct(c.flagAgreement)} of ${plural(c.bothScored, 'reading')} both scored; alarm state alike on ${pct(c.alarmAgreement)}.`;
    result.replaceChildren(table(c, wb.link.published.find((m) => m.id === c.candidate.version)?.status ?? 'compared'));
  };
  wb.on('link', render);
  wb.on('data', render);
  render();
  return h(
    'div',
    { class: 'compare', role: 'region', 'aria-labelledby': 'compare-h' },
    h('h4', { id: 'compare-h' }, 'Champion against candidate on the loaded data'),
    h('div', { class: 'form-row' }, h('label', { class: 'inline' }, 'Compare the champion with', pick), run),
    scope,
    agreement,
    result,
  );
}
