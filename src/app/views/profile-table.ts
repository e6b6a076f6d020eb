// Step 2, Data quality: the profile per column, each column's use as a feature
// togglable with the reason for the default. Sensors are named as engineers know them.
// Open until a model is trained, then folded away (one click reopens it).
import { fmt, h, plural } from '../dom.js';
import type { Workbench } from '../workbench.js';
import { stepHeading } from './message-line.js';
import { dateAt, dateSpan } from '../../data/time-text.js';
import { column } from '../../data/dataset.js';
import { GAP_FACTOR, type TimeGaps } from '../../data/time-gaps.js';

const HEADERS = ['Use', 'Column', 'Role', 'Count', 'Missing', 'Min', 'Max', 'Mean', 'Std', 'Distinct', 'Flags', 'Why'];

/** A time axis's gaps: how many, and the longest, when and in which unit. */
function gapWords(g: TimeGaps, dated: boolean, unitName: (u: number) => string): string {
  const span = (d: number) => (dated ? dateSpan(d) : fmt(d));
  const where = `${Number.isNaN(g.longest.unit) ? '' : `unit ${unitName(g.longest.unit)}, `}after ${dated ? dateAt(g.longest.after) : fmt(g.longest.after)}`;
  return `${plural(g.count, 'gap')} of ${GAP_FACTOR}× the usual step (${span(g.usualStep)}) or more; longest ${span(g.longest.step)} (${where})`;
}

export function profileTable(wb: Workbench): HTMLElement {
  const body = h('tbody');
  const table = h(
    'div',
    { class: 'table-scroll', hidden: true },
    h(
      'table',
      { class: 'profile', 'aria-label': 'Data quality per column' },
      h('thead', {}, h('tr', {}, ...HEADERS.map((t) => h('th', { scope: 'col' }, t)))),
      body,
    ),
  );
  const summary = h('span', { class: 'muted' });
  const render = () => {
    body.replaceChildren();
    if (!wb.profile || !wb.data) {
      summary.textContent = 'Load data to see its quality.';
      table.hidden = true;
      return;
    }
    table.hidden = false;
    const p = wb.profile;
    // Flags describe readings: a unit id, the time axis or ground truth is near-constant or flat by nature.
    const reading = (c: (typeof p.columns)[number]) => c.role === 'feature' || c.role === 'setting';
    const flagsOf = (c: (typeof p.columns)[number]) =>
      reading(c)
        ? [
            // Text in a reading's column is no number either, yet not empty.
            c.count === 0 && (c.nonNumeric ? 'text' : 'empty'),
            c.count > 0 && c.count < p.rows * 0.5 && 'mostly missing',
            c.constant && 'constant',
            c.nearConstant && 'near-constant',
            c.flatLined &&
              `flat-lined (${c.longestFlatRun}${Number.isNaN(c.longestFlatUnit) ? '' : `, unit ${wb.units.name(c.longestFlatUnit)}`})`,
          ]
            .filter(Boolean)
            .join(', ')
        : c.role === 'time' && c.gaps
          ? gapWords(c.gaps, column(wb.data!.truth, c.name)?.timestamp === true, (u) => wb.units.name(u))
          : '';
    const flagged = p.columns.filter((c) => flagsOf(c) !== '').length;
    const gaps = p.columns.filter((c) => c.missing + c.nonNumeric > 0).length;
    summary.textContent =
      `${plural(wb.features.size, 'feature')} chosen of ${plural(p.columns.length, 'column')}` +
      `${flagged ? ` · ${plural(flagged, 'column')} flagged` : ''}${gaps ? ` · ${plural(gaps, 'column')} with missing cells` : ''}`;
    for (const c of p.columns) {
      const name = wb.names(c.name);
      // A timestamp column holds epoch milliseconds: its profile reads as dates and a span.
      const dated = column(wb.data.truth, c.name)?.timestamp === true;
      // Text unit ids ("M-01") are coded 1, 2, … in order of appearance: their codes' figures mean nothing.
      const coded = column(wb.data.truth, c.name)?.labels !== undefined;
      const at = (v: number) => (coded ? '–' : dated && Number.isFinite(v) ? dateAt(v) : fmt(v));
      const box = h('input', {
        type: 'checkbox',
        'aria-label': `Use ${name.label} as a feature`,
        checked: wb.features.has(c.name),
        disabled: c.role === 'unit' || c.role === 'time' || c.role === 'label' || c.role === 'rul' || c.count === 0,
      });
      box.addEventListener('change', () => wb.toggleFeature(c.name, box.checked));
      const flags = flagsOf(c);
      const described = name.meaning
        ? `${name.meaning}${name.unit ? `, ${name.unit}` : ''} · ${c.name}`
        : name.label === c.name
          ? ''
          : c.name;
      body.append(
        h(
          'tr',
          { class: wb.features.has(c.name) ? 'on' : '' },
          h('td', {}, box),
          h('th', { scope: 'row' }, name.short === c.name ? c.name : name.label, described ? h('small', {}, described) : null),
          // A reading left out (constant, mostly missing, unticked) is no feature: the Why column says why not.
          h('td', {}, c.role === 'feature' && !wb.features.has(c.name) ? 'reading' : c.role),
          h('td', { class: 'num' }, fmt(c.count)),
          h('td', { class: c.missing + c.nonNumeric ? 'num warn' : 'num' }, fmt(c.missing + c.nonNumeric)),
          h('td', { class: 'num' }, at(c.min)),
          h('td', { class: 'num' }, at(c.max)),
          h('td', { class: 'num' }, at(c.mean)),
          h('td', { class: 'num' }, coded ? '–' : dated && Number.isFinite(c.std) ? dateSpan(c.std) : fmt(c.std)),
          h('td', { class: 'num' }, c.distinct >= 10000 ? '10,000+' : fmt(c.distinct)),
          h('td', { class: flags ? 'warn' : '' }, flags || '–'),
          // The profile's reason is for its default: a box the user changed says so.
          h(
            'td',
            { class: 'reason' },
            c.feature && !wb.features.has(c.name)
              ? `${c.reason}; left out here (tick to use it)`
              : !c.feature && wb.features.has(c.name)
                ? `${c.reason}; used as a feature here all the same`
                : c.reason,
          ),
        ),
      );
    }
  };
  const details = h('details', { class: 'quality', open: true }, h('summary', {}, 'Columns and features ', summary), table);
  let foldedFor: string | undefined;
  wb.on('data', render);
  wb.on('model', () => {
    // Folded once per newly trained model, so Review sits close; reopening it stays reopened.
    if (wb.model && wb.lastTrainMs !== undefined && foldedFor !== wb.model.id) details.open = false;
    foldedFor = wb.model?.id;
  });
  render();
  return h(
    'section',
    { class: 'step panel', id: 'quality', 'aria-labelledby': 'quality-h' },
    stepHeading('quality', 2, 'Data quality'),
    details,
  );
}
