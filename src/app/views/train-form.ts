// The training settings as a form: each field labelled by its name alone (hints are
// descriptions, not part of the name), read back with a specific message per bad value.
import { h } from '../dom.js';
import type { TrainSettings } from '../state.js';

let nextId = 0;

/** A labelled field; the hint describes the input (aria-describedby) instead of lengthening its name. */
export function field(label: string, input: HTMLElement, hint?: string): HTMLElement {
  const id = (input.id ||= `f${++nextId}`);
  const hintEl = hint ? h('small', { id: `${id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, hintEl);
}

export interface TrainForm {
  rows: HTMLElement;
  alarm: HTMLElement;
  advanced: HTMLElement;
  show(s: TrainSettings): void;
  /** Words for the data's shape: one series has no "each unit", and only cycles are cycles. */
  speakFor(oneSeries: boolean, steps: 'cycles' | 'readings'): void;
  inputs: Record<string, HTMLInputElement | HTMLSelectElement>;
  statBoxes: { st: 'value' | 'mean' | 'std' | 'slope'; box: HTMLInputElement }[];
}

export function trainForm(s: TrainSettings): TrainForm {
  const num = (name: string, attrs: Record<string, number | string> = {}) => h('input', { type: 'number', step: 1, name, ...attrs });
  const i = {
    trees: num('trees', { min: 1, max: 10000 }),
    maxSamples: h('input', { type: 'text', name: 'max-samples', inputmode: 'decimal' }),
    maxFeatures: num('max-features', { min: 0.05, max: 1, step: 0.05 }),
    seed: num('seed', { min: 0 }),
    mode: h(
      'select',
      { name: 'training-rows' },
      h('option', { value: 'first%' }, 'First % of each unit’s life'),
      h('option', { value: 'first' }, 'First N cycles of each unit'),
      h('option', { value: 'all' }, 'All rows'),
    ),
    amount: num('baseline-amount', { min: 1, 'aria-label': 'Healthy share or count' }),
    unitBase: num('unit-baseline', { min: 0, max: 100000 }),
    win: num('window', { min: 1, max: 1000 }),
    regimes: h('select', { name: 'regimes' }, h('option', { value: 'auto' }, 'Auto-detect'), h('option', { value: 'off' }, 'Off')),
    alarmK: num('alarm-k', { min: 1, max: 1000, class: 'tiny', 'aria-label': 'Alarm rule: readings over the threshold' }),
    alarmN: num('alarm-n', { min: 1, max: 1000, class: 'tiny', 'aria-label': 'Alarm rule: of the last readings' }),
    splits: h(
      'select',
      { name: 'splits' },
      h('option', { value: 'axis' }, 'Axis-parallel'),
      h('option', { value: 'full' }, 'Hyperplanes (all)'),
      h('option', { value: 'level' }, 'Hyperplanes, level'),
    ),
    level: num('level', { min: 0, class: 'tiny', 'aria-label': 'Extension level' }),
  };
  const [firstShare, firstCount] = Array.from(i.mode.querySelectorAll('option'));
  const rowsHint = h('small', { id: 'training-rows-hint' }, '');
  const windowField = field('Window', i.win, 'readings per unit');
  const windowHint = windowField.querySelector('small')!;
  const statBoxes = (['value', 'mean', 'std', 'slope'] as const).map((st) => ({ st, box: h('input', { type: 'checkbox', value: st }) }));
  i.splits.addEventListener('change', () => (i.level.disabled = i.splits.value !== 'level'));
  i.mode.addEventListener('change', () => (i.amount.disabled = i.mode.value === 'all'));
  const rows = h(
    'div',
    { class: 'field' },
    h('label', { for: (i.mode.id = 'training-rows') }, 'Training rows'),
    h('div', { class: 'row' }, i.mode, i.amount),
    rowsHint,
  );
  i.mode.setAttribute('aria-describedby', 'training-rows-hint');
  const alarm = h(
    'div',
    { class: 'field', role: 'group', 'aria-labelledby': 'alarm-rule-l' },
    h('span', { id: 'alarm-rule-l', class: 'label' }, 'Alarm rule'),
    h(
      'div',
      { class: 'row alarm-rule' },
      i.alarmK,
      h('span', {}, ' of the last '),
      i.alarmN,
      h('span', {}, ' readings over the threshold'),
    ),
  );
  const advanced = h(
    'details',
    { class: 'detection' },
    h('summary', {}, 'Forest and feature settings'),
    h(
      'div',
      { class: 'settings-grid' },
      field('Trees', i.trees),
      field('Max samples', i.maxSamples, "'auto' = min(256, rows)"),
      field('Max features', i.maxFeatures, 'fraction per tree'),
      field('Seed', i.seed),
      field('Own-unit baseline', i.unitBase, 'readings; 0 = off'),
      windowField,
      h(
        'div',
        { class: 'field' },
        h('span', { class: 'label', id: 'stats-l' }, 'Window statistics'),
        h(
          'div',
          { class: 'stats', role: 'group', 'aria-labelledby': 'stats-l' },
          ...statBoxes.map((b) => h('label', { class: 'check inline' }, b.box, ` ${b.st}`)),
        ),
      ),
      field('Operating regimes', i.regimes),
      h(
        'div',
        { class: 'field' },
        h('label', { for: (i.splits.id = 'splits') }, 'Splits'),
        h('div', { class: 'row' }, i.splits, i.level),
        h('small', {}, 'hyperplanes: Extended Isolation Forest'),
      ),
    ),
  );
  const form: TrainForm = {
    rows,
    alarm,
    advanced,
    inputs: i,
    statBoxes,
    show(st) {
      i.trees.value = String(st.trees);
      i.maxSamples.value = String(st.maxSamples);
      i.maxFeatures.value = String(st.maxFeatures);
      i.seed.value = String(st.seed);
      const m = /^first:(\d+(?:\.\d+)?)(%?)$/.exec(st.baseline);
      i.mode.value = !m ? 'all' : m[2] ? 'first%' : 'first';
      i.amount.value = m ? m[1] : '50';
      i.amount.disabled = i.mode.value === 'all';
      i.unitBase.value = String(st.unitBaseline);
      i.win.value = String(st.windowSize);
      statBoxes.forEach((b) => (b.box.checked = st.stats.includes(b.st)));
      i.regimes.value = st.regimes;
      i.alarmK.value = String(st.alarm.k);
      i.alarmN.value = String(st.alarm.n);
      i.splits.value = st.extensionLevel === undefined ? 'axis' : st.extensionLevel === 'full' ? 'full' : 'level';
      i.level.value = typeof st.extensionLevel === 'number' ? String(st.extensionLevel) : '1';
      i.level.disabled = i.splits.value !== 'level';
    },
    speakFor(oneSeries, steps) {
      firstShare.textContent = oneSeries ? 'First % of the series' : 'First % of each unit’s life';
      firstCount.textContent = oneSeries ? `First N ${steps} of the series` : `First N ${steps} of each unit`;
      rowsHint.textContent = oneSeries
        ? 'a healthy stretch at the start: the model learns normal from it'
        : 'a healthy baseline per unit: the model learns normal from these';
      windowHint.textContent = oneSeries ? 'readings' : 'readings per unit';
    },
  };
  form.show(s);
  form.speakFor(false, 'cycles');
  return form;
}

/** Reads the form into the settings; returns what is wrong, or null. */
export function readTrainForm(form: TrainForm, s: TrainSettings): string | null {
  const i = form.inputs;
  // Each field's rule in words, so a refused value says what would be taken.
  const n = (el: HTMLInputElement | HTMLSelectElement, what: string, ok: (v: number) => boolean, rule: string) => {
    const v = Number(el.value);
    if (el.value.trim() === '' || !ok(v)) throw new Error(`${what}: "${el.value}" is not allowed: ${rule}`);
    return v;
  };
  const whole = (from: number, to: number) => (v: number) => Number.isInteger(v) && v >= from && v <= to;
  const range = (from: number, to: number) => `a whole number from ${from.toLocaleString('en-US')} to ${to.toLocaleString('en-US')}`;
  try {
    s.trees = n(i.trees, 'Trees', whole(1, 10000), range(1, 10000));
    s.maxSamples =
      i.maxSamples.value.trim() === 'auto'
        ? 'auto'
        : n(
            i.maxSamples,
            'Max samples',
            (v) => (Number.isInteger(v) && v >= 2) || (v > 0 && v <= 1),
            'auto, a whole number of readings from 2, or a share above 0 and at most 1',
          );
    s.maxFeatures = n(i.maxFeatures, 'Max features', (v) => v > 0 && v <= 1, 'a share above 0 and at most 1');
    s.seed = n(i.seed, 'Seed', whole(0, 0xffffffff), range(0, 0xffffffff));
    const mode = i.mode.value;
    const a =
      mode === 'all'
        ? 0
        : mode === 'first'
          ? n(i.amount, 'Training rows', (v) => Number.isInteger(v) && v > 0, 'a whole number of readings from 1')
          : n(i.amount, 'Training rows', (v) => v > 0 && v <= 100, 'a percentage above 0 and at most 100');
    s.baseline = mode === 'all' ? 'all' : mode === 'first' ? `first:${a}` : `first:${a}%`;
    s.unitBaseline = n(i.unitBase, 'Own-unit baseline', whole(0, 100000), `${range(0, 100000)} (0: none)`);
    s.windowSize = n(i.win, 'Window', whole(1, 1000), range(1, 1000));
    s.stats = form.statBoxes.filter((b) => b.box.checked).map((b) => b.st);
    if (s.stats.length === 0) throw new Error('Window statistics: choose at least one of value, mean, std, slope');
    s.regimes = i.regimes.value as 'auto' | 'off';
    const an = n(i.alarmN, 'Alarm rule n', whole(1, 1000), range(1, 1000));
    const ak = n(i.alarmK, 'Alarm rule k', whole(1, an), `${range(1, an)}: k of the last n = ${an} readings`);
    s.alarm = { k: ak, n: an, clear: Math.min(s.alarm.clear, ak - 1) };
    s.extensionLevel =
      i.splits.value === 'axis'
        ? undefined
        : i.splits.value === 'full'
          ? 'full'
          : n(i.level, 'Extension level', (v) => Number.isInteger(v) && v >= 0, 'a whole number from 0');
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
