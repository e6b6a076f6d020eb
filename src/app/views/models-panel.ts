// Models: the Cosmos DB registry the CLI and consumers share, shown while Cosmos DB is
// connected. Each version with its status, note and the shadow figures consumers recorded;
// champion against a candidate on the loaded data; and Promote, confirmed first, which
// makes the same change as `isoscope promote vN`.
import { h, pct, plural } from '../dom.js';
import type { PublishedSummary } from '../../connectors/model-registry.js';
import type { Workbench } from '../workbench.js';
import { messageLine } from './message-line.js';
import { comparisonView } from './model-comparison-view.js';

const when = (iso: string) => iso.slice(0, 16).replace('T', ' ');

function shadowCells(m: PublishedSummary): HTMLElement[] {
  const s = m.shadow;
  if (!s)
    return [
      m.status === 'candidate'
        ? h('td', { colspan: 4, class: 'muted', 'data-label': 'Shadow' }, 'not scored in shadow yet')
        : h('td', { colspan: 4, class: 'no-shadow' }),
    ];
  // A champion or retired version keeps the figures of its time in shadow: shown, but quieter.
  const past = m.status !== 'candidate';
  const title = `${past ? 'Recorded while it was a candidate: ' : ''}scored by ${s.service} beside ${s.champion_version}, last reported ${when(s.updated)}`;
  const td = (label: string, ...kids: (Node | string)[]) =>
    h('td', { class: `num${past ? ' muted' : ''}`, 'data-label': label, title }, ...kids);
  const vs = (label: string, mine: number, theirs: number) => td(label, pct(mine), h('span', { class: 'muted' }, ` vs ${pct(theirs)}`));
  return [
    td('Shadow', plural(s.readings, 'reading')),
    vs('Flagged', s.flag_rate, s.champion_flag_rate),
    vs('In alarm', s.alarm_rate, s.champion_alarm_rate),
    td('Agree', pct(s.agreement)),
  ];
}

export function modelsPanel(wb: Workbench): HTMLElement {
  const ctl = wb.registry;
  const refresh = h('button', { type: 'button', class: 'small' }, 'Refresh');
  const where = h('span', { class: 'muted small' });
  const body = h('tbody', {});
  const table = h(
    'table',
    { class: 'registry', 'data-testid': 'registry' },
    h('caption', { class: 'visually-hidden' }, 'Published model versions, newest first'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Version', 'Status', 'Published', 'Model', 'Note'].map((t) => h('th', { scope: 'col' }, t)),
        h('th', { scope: 'col', class: 'num', title: 'Readings the candidate scored beside the champion in consume or serve' }, 'Shadow'),
        h('th', { scope: 'col', class: 'num', title: 'Share of readings flagged: this version vs the champion' }, 'Flagged'),
        h(
          'th',
          { scope: 'col', class: 'num', title: 'Share of readings with the unit in alarm: this version vs the champion' },
          'In alarm',
        ),
        h('th', { scope: 'col', class: 'num', title: 'Share of readings both scored that they flag alike' }, 'Agree'),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Action')),
      ),
    ),
    body,
  );
  const empty = h(
    'p',
    { class: 'note' },
    'No model published in this registry yet: publish one from Connect or with isoscope publish-model.',
  );

  // Promotion is asked for once more, in place, naming what changes.
  const question = h('p', { id: 'promote-q', class: 'confirm-text' });
  const yes = h('button', { type: 'button', class: 'primary' }, 'Promote');
  const no = h('button', { type: 'button' }, 'Cancel');
  const confirm = h('div', { class: 'confirm', role: 'group', 'aria-labelledby': 'promote-q', hidden: true }, question, yes, no);
  let asked: string | undefined;
  const rowButton = (id: string) => body.querySelector<HTMLButtonElement>(`tr[data-version="${id}"] button`);
  const ask = (m: PublishedSummary) => {
    asked = m.id;
    const champion = ctl.champion;
    question.textContent = `Make ${m.id} (${m.model_id}) the champion? ${champion ? `${champion} will be retired. ` : ''}Consumers and servers following the registry switch to ${m.id} within their poll interval.`;
    yes.textContent = `Promote ${m.id}`;
    confirm.hidden = false;
    yes.focus();
  };
  const cancel = () => {
    confirm.hidden = true;
    if (asked) rowButton(asked)?.focus();
    asked = undefined;
  };
  yes.addEventListener('click', () => {
    if (!asked) return;
    const id = asked;
    confirm.hidden = true;
    asked = undefined;
    void ctl.promote(id).then(() => refresh.focus());
  });
  no.addEventListener('click', cancel);
  confirm.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') cancel();
  });
  refresh.addEventListener('click', () => void wb.link.refreshPublished());

  const section = h(
    'section',
    { class: 'panel models', 'aria-labelledby': 'models-h', hidden: true, 'data-testid': 'models-panel' },
    h('div', { class: 'panel-head' }, h('h3', { id: 'models-h' }, 'Models'), where, refresh),
    h(
      'p',
      { class: 'note' },
      'The registry consumers follow: they score with the champion and, when a newer candidate exists, with it too in shadow; the figures are theirs.',
    ),
    h('div', { class: 'table-wrap' }, table),
    empty,
    confirm,
    messageLine(wb, 'models'),
    comparisonView(wb),
  );

  // 'link' fires with every live update: rows are rebuilt only when the list changes, so focus stays put.
  let drawn = '';
  const render = () => {
    section.hidden = !wb.link.cosmos;
    if (section.hidden) return;
    where.textContent = `${wb.link.cosmos!.database}: ${plural(wb.link.published.length, 'version')}`;
    const busy = !!ctl.promoting;
    refresh.disabled = busy;
    empty.hidden = wb.link.published.length > 0;
    table.hidden = !empty.hidden;
    const key = JSON.stringify([wb.link.published, ctl.promoting]);
    if (key === drawn) return;
    drawn = key;
    body.replaceChildren(
      ...wb.link.published.map((m) => {
        const action =
          m.status === 'champion'
            ? h('td', { class: 'action' })
            : h(
                'td',
                { class: 'action' },
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'small',
                    'aria-label': `Promote ${m.id} to champion`,
                    disabled: busy,
                    onclick: () => ask(m),
                  },
                  ctl.promoting === m.id ? 'Promoting…' : 'Promote',
                ),
              );
        return h(
          'tr',
          { 'data-version': m.id, 'data-status': m.status },
          h('th', { scope: 'row' }, m.id),
          h('td', { 'data-label': 'Status' }, h('span', { class: `badge ${m.status}` }, m.status)),
          h('td', { class: 'nowrap', 'data-label': 'Published' }, when(m.created)),
          h('td', { class: 'model-id', 'data-label': 'Model', title: `${m.kind}, ${plural(m.features, 'feature')}` }, m.model_id),
          h('td', { class: 'note-cell', 'data-label': 'Note' }, m.note ?? ''),
          ...shadowCells(m),
          action,
        );
      }),
    );
  };
  wb.on('link', render);
  render();
  return section;
}
