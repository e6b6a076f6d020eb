// A chart reachable by keyboard: its host is a slider over the drawn readings. Arrow
// keys move a reading at a time (Page keys ten, Home/End to the ends), the value text
// says the reading in words, and Enter or Space chooses it (the unit view explains it).
export interface CursorTarget {
  /** Readings drawn. */
  count(): number;
  /** Where the cursor starts when the chart gets focus (the selected reading, else the last). */
  start(): number;
  /** The reading in words: "cycle 151: anomaly score 0.719, over the threshold". */
  describe(i: number): string;
  /** Shows the reading (moves the chart's cursor). */
  show(i: number): void;
  choose(i: number): void;
}

export function keyboardCursor(host: HTMLElement, label: string, target: CursorTarget): { reset(): void } {
  let at = -1;
  host.tabIndex = 0;
  host.setAttribute('role', 'slider');
  host.setAttribute('aria-label', label);
  const move = (i: number) => {
    const n = target.count();
    if (!n) return;
    at = Math.max(0, Math.min(n - 1, i));
    host.setAttribute('aria-valuemin', '1');
    host.setAttribute('aria-valuemax', String(n));
    host.setAttribute('aria-valuenow', String(at + 1));
    host.setAttribute('aria-valuetext', target.describe(at));
    target.show(at);
  };
  // A click focuses the chart too: moving the cursor to the start then would make the click
  // choose that reading instead of the one under the pointer. Only keyboard focus moves it.
  let pressed = false;
  host.addEventListener('pointerdown', () => {
    // The click chooses its own reading: the next key moves from there, not from where the keys left off.
    at = -1;
    pressed = true;
    // uPlot's drag handling may keep the click from focusing the chart; the keys should work after it.
    host.focus({ preventScroll: true });
    setTimeout(() => (pressed = false), 0);
  });
  host.addEventListener('focus', () => {
    if (!pressed) move(at < 0 || at >= target.count() ? target.start() : at);
  });
  host.addEventListener('keydown', (e) => {
    const steps: Record<string, number> = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 10, PageDown: -10 };
    if (e.key in steps) move((at < 0 || at >= target.count() ? target.start() : at) + steps[e.key]);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(target.count() - 1);
    else if ((e.key === 'Enter' || e.key === ' ') && at >= 0) target.choose(at);
    else return;
    e.preventDefault();
  });
  return {
    reset() {
      at = -1;
      host.setAttribute('aria-valuemin', '1');
      host.setAttribute('aria-valuemax', String(Math.max(1, target.count())));
      host.setAttribute('aria-valuenow', '1');
      host.setAttribute('aria-valuetext', 'no reading chosen');
    },
  };
}
