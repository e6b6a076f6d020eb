// Top bar: the product, the steps of the work (each a link to its section: a step done is
// ticked green, the step in view is marked), and the saved session.
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

/** A section scrolled up until less than this much of it shows under the top bar has been read. */
const READ_PX = 80;

export function topBar(wb: Workbench): HTMLElement {
  const links = STEPS.map(([id, label], i) =>
    h('a', { href: `#${id}` }, h('span', { class: 'step-no', 'aria-hidden': 'true' }, String(i + 1)), label),
  );
  const render = () => {
    const done = [!!wb.data, !!wb.data, !!wb.scores, !!wb.scores, false]; // a model that cannot score this data leaves Train to do
    links.forEach((a, i) => a.classList.toggle('done', done[i]));
  };
  // The step marked is the one being read, the first not yet scrolled past; not the first one left to do,
  // which at the top of the page was "Stream and Connect" once a model scored the data, with Data in view.
  let inView = -1;
  const markInView = () => {
    const barBottom = Math.max(0, bar.getBoundingClientRect().bottom); // on a phone the bar scrolls away
    const atEnd = scrollY > 0 && innerHeight + scrollY >= document.documentElement.scrollHeight - 2; // the last step may be too short to reach the top
    // The first section starting below the bar, or still showing more than READ_PX of itself under it.
    let at = STEPS.findIndex(([id]) => {
      const r = document.getElementById(id)?.getBoundingClientRect();
      return !!r && (r.top >= barBottom - 2 || r.bottom > barBottom + READ_PX);
    });
    if (atEnd || at < 0) at = STEPS.length - 1;
    if (at === inView) return;
    inView = at;
    links.forEach((a, i) => (i === at ? a.setAttribute('aria-current', 'location') : a.removeAttribute('aria-current')));
  };
  let queued = false;
  const queue = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      markInView();
    });
  };
  addEventListener('scroll', queue, { passive: true });
  addEventListener('resize', queue);
  wb.on('data', queue);
  wb.on('model', queue);
  queue();
  wb.on('data', render);
  wb.on('model', render);
  render();
  const bar = h(
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
  // A link's section comes to rest below the bar, not under it, whatever height the bar wraps to.
  new ResizeObserver(() => {
    const sticky = getComputedStyle(bar).position === 'sticky';
    document.documentElement.style.setProperty('--bar-h', sticky ? `${bar.offsetHeight}px` : '0px');
  }).observe(bar);
  return bar;
}
