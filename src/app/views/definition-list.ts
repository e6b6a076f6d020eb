// A <dl> of figures that a slider frame updates in place: when the same rows come again
// only changed text is set. Rebuilt rows (about 40 elements a frame in the threshold and
// evaluation panels) made the page lay out those panels again in every frame.
import { h, setAttr, setText } from '../dom.js';

export interface Definition {
  /** The row's term (also its key: rows are reused while the terms are the same). */
  term: string;
  value: string;
  /** The term's tooltip. */
  title?: string;
  /** The value's data-testid. */
  id?: string;
}

export class DefinitionList {
  private rows: { dt: HTMLElement; dd: HTMLElement }[] = [];
  private terms: string[] = [];
  readonly el: HTMLElement;

  constructor(el: HTMLElement) {
    this.el = el;
  }

  /** Shows these rows, in this order. */
  show(items: readonly Definition[]): void {
    const same = items.length === this.terms.length && items.every((d, k) => d.term === this.terms[k]);
    if (!same) {
      this.rows = items.map(() => ({ dt: h('dt'), dd: h('dd') }));
      this.terms = items.map((d) => d.term);
      this.el.replaceChildren(...this.rows.flatMap((r) => [r.dt, r.dd]));
    }
    items.forEach((d, k) => {
      const { dt, dd } = this.rows[k];
      setText(dt, d.term);
      setText(dd, d.value);
      setAttr(dt, 'title', d.title);
      setAttr(dd, 'data-testid', d.id);
    });
  }

  /** The value shown for the row with this data-testid (a figure filled in later). */
  set(id: string, value: string): void {
    const row = this.rows.find((r) => r.dd.dataset.testid === id);
    if (row) setText(row.dd, value);
  }

  clear(): void {
    this.show([]);
  }
}
