// Fleet overview: every unit, when it first alarmed and how often; sortable; a click
// opens the unit.
import { fmt, h } from '../dom.js';
import type { Workbench } from '../workbench.js';
import type { FleetRow } from '../../core/alarm-budget.js';

type Key = 'unit' | 'readings' | 'alarms' | 'firstAlarmTime' | 'share';

export function fleetView(wb: Workbench): HTMLElement {
  let key: Key = 'firstAlarmTime';
  let ascending = true;
  const body = h('tbody');
  const head = h('tr');
  const columns: [Key, string][] = [['unit', 'Unit'], ['readings', 'Readings'], ['alarms', 'Alarms'], ['share', 'Alarm share'], ['firstAlarmTime', 'First alarm']];
  const value = (r: FleetRow, k: Key) => (k === 'share' ? r.alarms / r.readings : r[k]);

  const render = () => {
    head.replaceChildren(...columns.map(([k, label]) => {
      const b = h('button', { type: 'button', class: 'sort', onclick: () => {
        ascending = key === k ? !ascending : true;
        key = k;
        render();
      } }, label, key === k ? (ascending ? ' ▲' : ' ▼') : '');
      return h('th', { scope: 'col', 'aria-sort': key === k ? (ascending ? 'ascending' : 'descending') : 'none' }, b);
    }));
    const rows = [...(wb.thresholded?.fleet ?? [])];
    rows.sort((a, b) => {
      const va = value(a, key) ?? Infinity;
      const vb = value(b, key) ?? Infinity;
      return (ascending ? 1 : -1) * ((va as number) - (vb as number));
    });
    body.replaceChildren(...rows.map((r) => {
      const tr = h('tr', { tabindex: 0, class: r.unit === wb.selectedUnit ? 'selected' : '', 'aria-selected': String(r.unit === wb.selectedUnit) },
        h('th', { scope: 'row' }, fmt(r.unit)), h('td', { class: 'num' }, fmt(r.readings)), h('td', { class: 'num' }, fmt(r.alarms)),
        h('td', { class: 'num' }, h('span', { class: 'bar', style: `--w:${Math.round((100 * r.alarms) / Math.max(1, r.readings))}%` }), `${((100 * r.alarms) / Math.max(1, r.readings)).toFixed(1)}%`),
        h('td', { class: 'num' }, r.firstAlarmTime === null ? 'never' : fmt(r.firstAlarmTime)));
      const open = () => wb.selectUnit(r.unit);
      tr.addEventListener('click', open);
      tr.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          open();
        }
      });
      return tr;
    }));
  };
  wb.on('threshold', render);
  wb.on('unit', render);
  render();
  return h('section', { class: 'panel fleet', 'aria-labelledby': 'fleet-h' },
    h('h2', { id: 'fleet-h' }, 'Fleet'),
    h('div', { class: 'table-scroll' }, h('table', { class: 'fleet-table', 'aria-label': 'Fleet overview' }, h('thead', {}, head), body)));
}
