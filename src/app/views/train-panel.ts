// Training parameters, all visible, and the Train action.
import { h } from '../dom.js';
import type { Workbench } from '../workbench.js';

function field(label: string, input: HTMLElement, hint?: string): HTMLElement {
  return h('label', { class: 'field' }, h('span', {}, label), input, hint ? h('small', {}, hint) : null);
}

export function trainPanel(wb: Workbench): HTMLElement {
  const s = wb.settings;
  const trees = h('input', { type: 'number', min: 1, max: 10000, step: 1, value: s.trees, name: 'trees' });
  const maxSamples = h('input', { type: 'text', value: String(s.maxSamples), name: 'max-samples', inputmode: 'decimal' });
  const maxFeatures = h('input', { type: 'number', min: 0.05, max: 1, step: 0.05, value: s.maxFeatures, name: 'max-features' });
  const seed = h('input', { type: 'number', min: 0, step: 1, value: s.seed, name: 'seed' });
  const mode = h(
    'select',
    { name: 'training-rows' },
    h('option', { value: 'first%' }, 'First % of each unit’s life'),
    h('option', { value: 'first' }, 'First N cycles of each unit'),
    h('option', { value: 'all' }, 'All rows'),
  );
  const amount = h('input', { type: 'number', min: 1, step: 1, value: 50, name: 'baseline-amount', 'aria-label': 'Baseline amount' });
  const unitBase = h('input', { type: 'number', min: 0, max: 100000, step: 1, value: s.unitBaseline, name: 'unit-baseline' });
  const win = h('input', { type: 'number', min: 1, max: 1000, step: 1, value: s.windowSize, name: 'window' });
  const statBoxes = (['value', 'mean', 'std', 'slope'] as const).map((st) => {
    const box = h('input', { type: 'checkbox', value: st, checked: s.stats.includes(st), 'aria-label': `Window ${st}` });
    return { st, box, label: h('label', { class: 'check inline' }, box, ` ${st}`) };
  });
  const regimes = h('select', { name: 'regimes' }, h('option', { value: 'auto' }, 'Auto-detect'), h('option', { value: 'off' }, 'Off'));
  const alarmK = h('input', { type: 'number', min: 1, max: 1000, step: 1, value: s.alarm.k, 'aria-label': 'Alarm k', class: 'tiny' });
  const alarmN = h('input', { type: 'number', min: 1, max: 1000, step: 1, value: s.alarm.n, 'aria-label': 'Alarm n', class: 'tiny' });
  const splits = h(
    'select',
    { name: 'splits' },
    h('option', { value: 'axis' }, 'Axis-parallel'),
    h('option', { value: 'full' }, 'Hyperplanes (all)'),
    h('option', { value: 'level' }, 'Hyperplanes, level'),
  );
  const level = h('input', { type: 'number', min: 0, step: 1, value: 1, 'aria-label': 'Extension level', class: 'tiny', disabled: true });
  splits.addEventListener('change', () => (level.disabled = splits.value !== 'level'));
  const button = h('button', { type: 'button', class: 'primary', disabled: true }, 'Train');
  const info = h('p', { class: 'muted' });

  const read = (): string | null => {
    const n = (el: HTMLInputElement, what: string, ok: (v: number) => boolean) => {
      const v = Number(el.value);
      if (el.value.trim() === '' || !ok(v)) throw new Error(`${what}: "${el.value}" is not allowed`);
      return v;
    };
    try {
      s.trees = n(trees, 'Trees', (v) => Number.isInteger(v) && v >= 1 && v <= 10000);
      s.maxSamples =
        maxSamples.value.trim() === 'auto'
          ? 'auto'
          : n(maxSamples, 'Max samples', (v) => (Number.isInteger(v) && v >= 2) || (v > 0 && v <= 1));
      s.maxFeatures = n(maxFeatures, 'Max features', (v) => v > 0 && v <= 1);
      s.seed = n(seed, 'Seed', (v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff);
      const a = mode.value === 'all' ? 0 : n(amount, 'Baseline', (v) => v > 0 && (mode.value === 'first' ? Number.isInteger(v) : v <= 100));
      s.baseline = mode.value === 'all' ? 'all' : mode.value === 'first' ? `first:${a}` : `first:${a}%`;
      s.unitBaseline = n(unitBase, 'Own-unit baseline', (v) => Number.isInteger(v) && v >= 0 && v <= 100000);
      s.windowSize = n(win, 'Window', (v) => Number.isInteger(v) && v >= 1 && v <= 1000);
      s.stats = statBoxes.filter((b) => b.box.checked).map((b) => b.st);
      if (s.stats.length === 0) throw new Error('Window statistics: choose at least one of value, mean, std, slope');
      s.regimes = regimes.value as 'auto' | 'off';
      const ak = n(alarmK, 'Alarm k', (v) => Number.isInteger(v) && v >= 1 && v <= 1000);
      const an = n(alarmN, 'Alarm n', (v) => Number.isInteger(v) && v >= ak && v <= 1000);
      s.alarm = { k: ak, n: an, clear: Math.min(s.alarm.clear, ak - 1) };
      s.extensionLevel =
        splits.value === 'axis'
          ? undefined
          : splits.value === 'full'
            ? 'full'
            : n(level, 'Extension level', (v) => Number.isInteger(v) && v >= 0);
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  };
  mode.addEventListener('change', () => (amount.disabled = mode.value === 'all'));
  button.addEventListener('click', () => {
    const problem = read();
    if (problem) return wb.fail(problem);
    void wb.train();
  });
  const render = () => {
    button.disabled = !wb.data || wb.busy !== '';
    button.textContent = wb.busy === 'training' ? 'Training…' : 'Train';
    button.setAttribute('aria-busy', String(wb.busy === 'training'));
    const splits = wb.model?.forest.kind === 'extended-isolation-forest' ? ` · hyperplanes (level ${wb.model.forest.extensionLevel})` : '';
    info.textContent = wb.model
      ? `Model ${wb.model.id} · ${wb.model.forest.trees.length} trees · ${wb.model.features.length} features${splits}` +
        (wb.lastTrainMs ? ` · ${wb.lastTrainMs.toFixed(0)} ms` : '')
      : 'No model yet.';
  };
  // Reflect settings restored from a saved session.
  const show = () => {
    trees.value = String(s.trees);
    maxSamples.value = String(s.maxSamples);
    maxFeatures.value = String(s.maxFeatures);
    seed.value = String(s.seed);
    const m = /^first:(\d+(?:\.\d+)?)(%?)$/.exec(s.baseline);
    mode.value = !m ? 'all' : m[2] ? 'first%' : 'first';
    if (m) amount.value = m[1];
    amount.disabled = mode.value === 'all';
    unitBase.value = String(s.unitBaseline);
    win.value = String(s.windowSize);
    statBoxes.forEach((b) => (b.box.checked = s.stats.includes(b.st)));
    regimes.value = s.regimes;
    alarmK.value = String(s.alarm.k);
    alarmN.value = String(s.alarm.n);
    splits.value = s.extensionLevel === undefined ? 'axis' : s.extensionLevel === 'full' ? 'full' : 'level';
    if (typeof s.extensionLevel === 'number') level.value = String(s.extensionLevel);
    level.disabled = splits.value !== 'level';
  };
  wb.on('status', render);
  wb.on('data', () => {
    show();
    render();
  });
  wb.on('model', render);
  render();
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'train-h' },
    h('h2', { id: 'train-h' }, 'Train'),
    h(
      'div',
      { class: 'grid2' },
      field('Trees', trees),
      field('Max samples', maxSamples, "'auto' = min(256, rows)"),
      field('Max features', maxFeatures, 'fraction per tree'),
      field('Seed', seed),
    ),
    field('Training rows', h('div', { class: 'row' }, mode, amount), 'a healthy baseline per unit'),
    h(
      'details',
      { class: 'detection', open: true },
      h('summary', {}, 'Detection'),
      h('div', { class: 'grid2' }, field('Own-unit baseline', unitBase, 'readings; 0 = off'), field('Window', win, 'readings per unit')),
      h('div', { class: 'stats', role: 'group', 'aria-label': 'Window statistics' }, ...statBoxes.map((b) => b.label)),
      field('Operating regimes', regimes),
      field('Splits', h('div', { class: 'row' }, splits, level), 'hyperplanes: Extended Isolation Forest'),
      h(
        'div',
        { class: 'field' },
        h('span', {}, 'Alarm rule'),
        h('div', { class: 'row alarm-rule' }, alarmK, ' of the last ', alarmN, ' readings'),
      ),
    ),
    button,
    info,
  );
}
