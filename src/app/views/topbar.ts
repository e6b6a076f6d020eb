// Top bar: the product, the steps of the work (each a link to its section, the current
// one marked), and the saved session.
import { h } from '../dom.js';
import type { Workbench } from '../workbench.js';
import { messageLine } from './message-line.js';

const STEPS: [id: string, label: string][] = [
  ['data', 'Data'],
  ['quality', 'Quality'],
  ['train', 'Train'],
  ['review', 'Review'],
  ['stream', 'Stream and Connect'],
];

export function topBar(wb: Workbench): HTMLElement {
  const links = STEPS.map(([id, label], i) =>
    h('a', { href: `#${id}` }, h('span', { class: 'step-no', 'aria-hidden': 'true' }, String(i + 1)), label),
  );
  const render = () => {
    // The first step not yet done is the current one.
    const done = [!!wb.data, !!wb.data, !!wb.scores, !!wb.scores, false]; // a model that cannot score this data leaves Train to do
    const current = done.indexOf(false);
    links.forEach((a, i) => {
      a.classList.toggle('done', done[i]);
      if (i === current) a.setAttribute('aria-current', 'step');
      else a.removeAttribute('aria-current');
    });
  };
  wb.on('data', render);
  wb.on('model', render);
  render();
  return h(
    'header',
    { class: 'topbar' },
    h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '◆'), 'isoscope'),
    h('nav', { class: 'steps', 'aria-label': 'Steps' }, h('ol', {}, ...links.map((a) => h('li', {}, a)))),
    h(
      'div',
      { class: 'session' },
      h(
        'button',
        {
          type: 'button',
          class: 'quiet',
          onclick: () => void wb.session.clear(),
          title: 'Forget the data, model and settings this browser keeps',
        },
        'Clear saved session',
      ),
      messageLine(wb, 'session'),
    ),
  );
}
