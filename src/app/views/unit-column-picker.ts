// Step 1's unit column: the column that tells machines apart, for a CSV whose header isoscope
// did not read as one (or read the wrong one). Picking a column reads the loaded files again by
// it, as the CLI's --unit-column does; "one series" reads every row as one machine's.
import { fewWholeValues, type ColumnProfile } from '../../data/profile.js';
import type { UnitColumnChoice } from '../../data/roles.js';
import { h } from '../dom.js';
import type { Workbench } from '../workbench.js';

const BY_NAME = '';
const ONE_SERIES = '\u0000one-series';

/**
 * Columns that may name machines: the unit column read, text columns, and numbers with few
 * distinct whole values (at most 1,000, and at most one per 20 rows: a sensor's readings have many).
 */
export function unitCandidates(columns: readonly ColumnProfile[], rows: number): { text: string[]; numbers: string[] } {
  const text: string[] = [];
  const numbers: string[] = [];
  for (const c of columns) {
    if (c.role === 'time' || c.role === 'label' || c.role === 'rul') continue;
    if (c.role === 'unit' || (c.count === 0 && c.nonNumeric > 0)) text.push(c.name);
    else if (c.distinct > 1 && fewWholeValues(c, rows)) numbers.push(c.name);
  }
  return { text, numbers };
}

function choiceOf(value: string): UnitColumnChoice | undefined {
  if (value === BY_NAME) return undefined;
  return { name: value === ONE_SERIES ? null : value, required: true };
}

export function unitColumnPicker(wb: Workbench): { element: HTMLElement; render(): void } {
  const select = h('select', { id: 'unit-column', 'aria-describedby': 'unit-column-hint' });
  /** The choice being read: shown until the read ends, however it ends. */
  let reading: string | undefined;
  select.addEventListener('change', () => {
    reading = select.value;
    void wb.rereadData(choiceOf(select.value)).finally(() => {
      reading = undefined;
      render();
    });
  });
  const element = h(
    'div',
    { class: 'unit-column', hidden: true },
    h('label', { for: 'unit-column' }, 'Unit column'),
    select,
    h(
      'span',
      { id: 'unit-column-hint', class: 'muted small' },
      'The column that tells machines apart. Another choice reads the file again (the CLI’s --unit-column).',
    ),
  );
  const render = () => {
    const d = wb.data;
    const p = wb.profile;
    element.hidden = !d || !p || d.format !== 'csv' || !wb.ingest.canReread;
    if (element.hidden) return;
    const current = d!.columns.find((c) => c.role === 'unit')?.name;
    const picked = d!.unitColumn?.required ? d!.unitColumn : undefined;
    const how = d!.unitColumn && !picked ? 'as the model reads it' : 'found by its name';
    const byName = picked
      ? 'As found by its name'
      : current
        ? `${current} (${how})`
        : d!.unitColumn
          ? `None: one series (${how})`
          : 'None found: one series';
    const listed = unitCandidates(p!.columns, p!.rows);
    // The column read by its name is the first option already, unless it was picked.
    const others = (names: string[]) => (picked ? names : names.filter((n) => n !== current));
    const [text, numbers] = [others(listed.text), others(listed.numbers)];
    const option = (name: string) => h('option', { value: name }, name);
    const group = (label: string, names: string[]) => (names.length ? [h('optgroup', { label }, ...names.map(option))] : []);
    select.replaceChildren(
      h('option', { value: BY_NAME }, byName),
      ...(picked || current ? [h('option', { value: ONE_SERIES }, 'None: one series')] : []),
      ...group('Text', text),
      ...group('Numbers with few values', numbers),
    );
    select.value = reading ?? (!picked ? BY_NAME : picked.name === null ? ONE_SERIES : picked.name);
    select.disabled = wb.busy !== '';
  };
  return { element, render };
}
