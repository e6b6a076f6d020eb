// A step's message, shown next to the action that caused it: news as a status, an
// error as an alert. Both regions stay in the page (empty when there is nothing to say)
// so screen readers announce what appears in them.
import { h } from '../dom.js';
import type { Scope } from '../bus.js';
import type { Workbench } from '../workbench.js';

export function messageLine(wb: Workbench, scope: Scope): HTMLElement {
  const status = h('p', { class: 'status', role: 'status' });
  const error = h('p', { class: 'error', role: 'alert' });
  const render = () => {
    const m = wb.messages.get(scope);
    status.textContent = m && !m.error ? m.text : '';
    error.textContent = m?.error ? m.text : '';
  };
  wb.on('status', render);
  render();
  return h('div', { class: 'message', 'data-scope': scope }, status, error);
}

/** A numbered step of the page: its heading says where it sits in Data → Quality → Train → Review → Stream. */
export function stepHeading(id: string, step: number, title: string, ...extra: (Node | null)[]): HTMLElement {
  return h(
    'div',
    { class: 'step-head' },
    // Focusable from script (not by Tab): a step finished elsewhere hands the keyboard focus to the next one's heading.
    h('h2', { id: `${id}-h`, tabindex: -1 }, h('span', { class: 'step-no', 'aria-hidden': 'true' }, String(step)), title),
    ...extra,
  );
}
