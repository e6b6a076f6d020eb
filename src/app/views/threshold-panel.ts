// The Contamination slider: re-thresholds cached scores (no retraining) once per
// animation frame, and shows the setting as an alarm budget.
import { fmt, h, pct } from '../dom.js';
import type { Workbench } from '../workbench.js';

export function thresholdPanel(wb: Workbench): HTMLElement {
  const slider = h('input', {
    type: 'range',
    min: 1,
    max: 500,
    step: 1,
    value: 50,
    id: 'contamination',
    'aria-label': 'Contamination',
    'aria-valuetext': '5.0%',
  });
  const auto = h('input', { type: 'checkbox', id: 'contamination-auto', checked: true });
  const value = h('output', { for: 'contamination' }, 'auto');
  const budget = h('dl', { class: 'budget' });
  let pending: number | 'auto' | undefined;

  const schedule = (c: number | 'auto') => {
    if (pending === undefined)
      requestAnimationFrame(() => {
        const next = pending!;
        pending = undefined;
        wb.threshold.set(next);
      });
    pending = c;
  };
  slider.addEventListener('input', () => {
    auto.checked = false;
    schedule(Number(slider.value) / 1000);
  });
  auto.addEventListener('change', () => schedule(auto.checked ? 'auto' : Number(slider.value) / 1000));

  const render = () => {
    const c = wb.contamination;
    auto.checked = c === 'auto';
    if (c !== 'auto') slider.value = String(Math.round(c * 1000));
    const label = c === 'auto' ? 'auto (offset −0.5)' : pct(c);
    value.textContent = label;
    slider.setAttribute('aria-valuetext', label);
    budget.replaceChildren();
    const t = wb.threshold.thresholded;
    if (!t) return void budget.append(h('dd', { class: 'muted' }, 'Train a model to see its alarm budget.'));
    const units = t.fleet.length;
    const warned = t.fleet.filter((u) => u.alarms > 0).length;
    const item = (k: string, v: string, id: string) => budget.append(h('dt', {}, k), h('dd', { 'data-testid': id }, v));
    item('Flagged readings', `${fmt(t.flagged)} (${pct(t.share)})`, 'flagged');
    if (units) {
      item('Alarms per unit', fmt(t.alarmsPerUnit, 1), 'alarms-per-unit');
      item('Units with alarms', `${warned} of ${units}`, 'units-alarmed');
    }
    item('Threshold (offset)', fmt(t.offset, 4), 'offset');
  };
  wb.on('threshold', render);
  render();
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'threshold-h' },
    h('h2', { id: 'threshold-h' }, 'Threshold'),
    h('div', { class: 'slider-row' }, h('label', { for: 'contamination' }, 'Contamination'), value),
    slider,
    h('label', { class: 'check' }, auto, ' Auto (scikit-learn’s −0.5 offset)'),
    budget,
  );
}
