// Fleet overview: every unit, when it first alarmed and how often; sortable; a click
// or Enter opens the unit. Virtualized: a small pool of row elements shows whatever
// part of the (sorted) fleet is scrolled into view, so a threshold move or a fleet of
// thousands of units costs the same few rows of DOM work.
import { fmt, h, setText } from '../dom.js';
import type { Workbench } from '../workbench.js';
import type { FleetRow } from '../../alarms/alarm-budget.js';

type Key = 'unit' | 'readings' | 'flagged' | 'share' | 'alarms' | 'firstAlarmTime';

interface RowView {
  el: HTMLDivElement;
  cells: HTMLDivElement[];
  bar: HTMLSpanElement;
  unit: number;
}

const COLUMNS: [Key, string][] = [
  ['unit', 'Unit'],
  ['readings', 'Readings'],
  ['flagged', 'Flagged'],
  ['share', 'Flagged share'],
  ['alarms', 'Alarms'],
  ['firstAlarmTime', 'First alarm'],
];
const ROW_PX = 26;
const VIEW_PX = 320;
const POOL = Math.ceil(VIEW_PX / ROW_PX) + 4;

export function fleetView(wb: Workbench): HTMLElement {
  let key: Key = 'firstAlarmTime';
  let ascending = true;
  let rows: FleetRow[] = [];
  const head = h('div', { role: 'row', class: 'fleet-row fleet-head' });
  const spacer = h('div', { class: 'fleet-spacer' });
  const windowEl = h('div', { role: 'rowgroup', class: 'fleet-window' });
  const scroller = h('div', { class: 'fleet-scroll', tabindex: -1 }, spacer, windowEl);
  const value = (r: FleetRow, k: Key) => (k === 'share' ? r.flagged / Math.max(1, r.readings) : r[k]) ?? Infinity;

  const pool: RowView[] = Array.from({ length: POOL }, () => {
    const bar = h('span', { class: 'bar' });
    const cells = [h('div', { role: 'rowheader' }), ...COLUMNS.slice(1).map(() => h('div', { role: 'cell', class: 'num' }))];
    const el = h('div', { role: 'row', class: 'fleet-row', tabindex: 0 }, ...cells);
    const view: RowView = { el, cells, bar, unit: NaN };
    const open = () => wb.selectUnit(view.unit);
    el.addEventListener('click', open);
    el.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open();
      } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const at = rows.findIndex((r) => r.unit === view.unit) + (e.key === 'ArrowDown' ? 1 : -1);
        if (at >= 0 && at < rows.length) {
          wb.selectUnit(rows[at].unit);
          scrollTo(at);
        }
      }
    });
    windowEl.append(el);
    return view;
  });

  const scrollTo = (index: number) => {
    const top = index * ROW_PX;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + ROW_PX > scroller.scrollTop + VIEW_PX) scroller.scrollTop = top + ROW_PX - VIEW_PX;
    paint();
    pool.find((v) => v.unit === rows[index]?.unit)?.el.focus();
  };

  const renderHead = () =>
    head.replaceChildren(
      ...COLUMNS.map(([k, label]) => {
        const b = h(
          'button',
          {
            type: 'button',
            class: 'sort',
            onclick: () => {
              ascending = key === k ? !ascending : true;
              key = k;
              renderHead();
              update();
            },
          },
          label,
          key === k ? (ascending ? ' ▲' : ' ▼') : '',
        );
        return h('div', { role: 'columnheader', 'aria-sort': key === k ? (ascending ? 'ascending' : 'descending') : 'none' }, b);
      }),
    );

  /** Fills the pool from the rows in view. */
  const paint = () => {
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW_PX) - 1);
    windowEl.style.transform = `translateY(${first * ROW_PX}px)`;
    pool.forEach((v, i) => {
      const r = rows[first + i];
      v.el.hidden = !r;
      if (!r) return;
      v.unit = r.unit;
      const share = (100 * r.flagged) / Math.max(1, r.readings);
      setText(v.cells[0], fmt(r.unit));
      setText(v.cells[1], fmt(r.readings));
      setText(v.cells[2], fmt(r.flagged));
      const shareText = `${share.toFixed(1)}%`;
      if (v.cells[3].lastChild?.textContent !== shareText) v.cells[3].replaceChildren(v.bar, shareText);
      v.bar.style.setProperty('--w', `${Math.round(share)}%`);
      setText(v.cells[4], fmt(r.alarms));
      setText(v.cells[5], r.firstAlarmTime === null ? 'never' : fmt(r.firstAlarmTime));
      const on = r.unit === wb.selectedUnit;
      v.el.classList.toggle('selected', on);
      v.el.setAttribute('aria-selected', String(on));
      v.el.setAttribute('aria-rowindex', String(first + i + 2));
    });
  };

  const update = () => {
    rows = [...(wb.threshold.thresholded?.fleet ?? [])].sort(
      (a, b) => (ascending ? 1 : -1) * (value(a, key) - value(b, key)) || a.unit - b.unit,
    );
    spacer.style.height = `${rows.length * ROW_PX}px`;
    table.setAttribute('aria-rowcount', String(rows.length + 1));
    paint();
  };

  scroller.addEventListener('scroll', () => requestAnimationFrame(paint), { passive: true });
  wb.on('threshold', update);
  wb.on('unit', paint);
  const table = h(
    'div',
    { role: 'table', class: 'fleet-table', 'aria-label': 'Fleet overview' },
    h('div', { role: 'rowgroup', class: 'fleet-headgroup' }, head),
    scroller,
  );
  renderHead();
  update();
  return h('section', { class: 'panel fleet', 'aria-labelledby': 'fleet-h' }, h('h2', { id: 'fleet-h' }, 'Fleet'), table);
}
