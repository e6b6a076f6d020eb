// Data quality: the profile per column, with each column's use as a feature togglable
// and the reason for the default shown.
import { fmt, h } from '../dom.js';
import type { Workbench } from '../workbench.js';

export function profileTable(wb: Workbench): HTMLElement {
  const body = h('tbody');
  const summary = h('p', { class: 'muted' });
  const notes = h('ul', { class: 'notes' });
  const render = () => {
    body.replaceChildren();
    notes.replaceChildren();
    if (!wb.profile || !wb.data) {
      summary.textContent = 'No data loaded yet.';
      return;
    }
    const p = wb.profile;
    summary.textContent = `${wb.data.name} · ${p.rows.toLocaleString('en-US')} rows · ${p.units} units · ${p.columns.length} columns · ${wb.features.size} features chosen`;
    wb.data.notes.forEach((n) => notes.append(h('li', {}, n)));
    for (const c of p.columns) {
      const box = h('input', {
        type: 'checkbox',
        'aria-label': `Use ${c.name} as a feature`,
        checked: wb.features.has(c.name),
        disabled: c.role === 'unit' || c.role === 'time' || c.role === 'label' || c.role === 'rul' || c.count === 0,
      });
      box.addEventListener('change', () => wb.toggleFeature(c.name, box.checked));
      const flags = [c.constant && 'constant', c.nearConstant && 'near-constant', c.flatLined && `flat-lined (${c.longestFlatRun})`]
        .filter(Boolean)
        .join(', ');
      body.append(
        h(
          'tr',
          { class: wb.features.has(c.name) ? 'on' : '' },
          h('td', {}, box),
          h('th', { scope: 'row' }, c.name),
          h('td', {}, c.role),
          h('td', { class: 'num' }, fmt(c.count)),
          h('td', { class: c.missing + c.nonNumeric ? 'num warn' : 'num' }, fmt(c.missing + c.nonNumeric)),
          h('td', { class: 'num' }, fmt(c.min)),
          h('td', { class: 'num' }, fmt(c.max)),
          h('td', { class: 'num' }, fmt(c.mean)),
          h('td', { class: 'num' }, fmt(c.std)),
          h('td', { class: 'num' }, c.distinct >= 10000 ? '10,000+' : fmt(c.distinct)),
          h('td', { class: flags ? 'warn' : '' }, flags || '–'),
          h('td', { class: 'reason' }, c.reason),
        ),
      );
    }
  };
  wb.on('data', render);
  render();
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'quality-h' },
    h('h2', { id: 'quality-h' }, 'Data quality'),
    summary,
    notes,
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'profile' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Use', 'Column', 'Role', 'Count', 'Missing', 'Min', 'Max', 'Mean', 'Std', 'Distinct', 'Flags', 'Why'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        body,
      ),
    ),
  );
}
