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

/** A section scrolled up until less than this share of the view below the bar shows of it has been read. */
const READ_SHARE = 0.25;
/** Scrolling this soon after a step's link was followed is the jump to it, not the reader's. */
const JUMP_MS = 300;

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
  // A followed link marks its step until the reader scrolls: the last steps may be too short to reach the top.
  let inView = -1;
  let followed: { step: number; at: number } | undefined;
  const mark = (at: number) => {
    if (at === inView) return;
    inView = at;
    links.forEach((a, i) => (i === at ? a.setAttribute('aria-current', 'location') : a.removeAttribute('aria-current')));
  };
  links.forEach((a, i) =>
    a.addEventListener('click', () => {
      followed = { step: i, at: performance.now() };
      mark(i);
    }),
  );
  const markInView = () => {
    if (followed) return mark(followed.step);
    const barBottom = Math.max(0, bar.getBoundingClientRect().bottom); // on a phone the bar scrolls away
    const read = (innerHeight - barBottom) * READ_SHARE;
    // The first section starting below the bar, or still showing more than a quarter of the view.
    const at = STEPS.findIndex(([id]) => {
      const r = document.getElementById(id)?.getBoundingClientRect();
      return !!r && (r.top >= barBottom - 2 || r.bottom > barBottom + read);
    });
    mark(at < 0 ? STEPS.length - 1 : at);
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
  addEventListener(
    'scroll',
    () => {
      if (followed && performance.now() - followed.at > JUMP_MS) followed = undefined;
      queue();
    },
    { passive: true },
  );
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
