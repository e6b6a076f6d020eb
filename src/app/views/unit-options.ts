// The unit select's options. A fleet of tens of thousands of units costs the main thread
// about half a second of option building (29,100 options: 0.47 s, profiled), which the
// data's arrival on the page should not wait for: past SLICED_ABOVE the options are added
// a slice per task, in order around the selected unit's (so the select shows it from the
// start), and anything that needs them all (opening the select, choosing another unit)
// adds the rest at once.
import { h } from '../dom.js';

const SLICED_ABOVE = 5000;
const SLICE = 2000;

export class UnitOptions {
  private readonly select: HTMLSelectElement;
  private pending?: { units: number[]; label: (u: number) => string; next: number; anchor?: HTMLOptionElement; selected: number };

  constructor(select: HTMLSelectElement) {
    this.select = select;
    // Opened or typed into before the last slice: the whole list first.
    for (const event of ['pointerdown', 'keydown', 'focus'] as const) select.addEventListener(event, () => this.complete());
  }

  /** The units, sorted, `selected` among them selected. */
  fill(units: number[], selected: number | undefined, label: (u: number) => string): void {
    this.pending = undefined;
    if (units.length <= SLICED_ABOVE) {
      this.select.replaceChildren(...units.map((u) => h('option', { value: u, selected: u === selected }, label(u))));
      return;
    }
    const at = selected === undefined ? -1 : units.indexOf(selected);
    const anchor = at < 0 ? undefined : h('option', { value: selected!, selected: true }, label(selected!));
    this.select.replaceChildren(...(anchor ? [anchor] : []));
    this.pending = { units, label, next: 0, anchor, selected: at };
    this.slice(this.pending);
  }

  /** Every option in place (a no-op once they are). */
  complete(): void {
    const p = this.pending;
    if (p) this.add(p, p.units.length);
  }

  private slice(p: NonNullable<UnitOptions['pending']>): void {
    if (this.pending !== p) return;
    this.add(p, Math.min(p.units.length, p.next + SLICE));
    if (this.pending === p) setTimeout(() => this.slice(p), 0);
  }

  /** Options up to `end`: before the selected unit's option those before it, after it the rest. */
  private add(p: NonNullable<UnitOptions['pending']>, end: number): void {
    const before = document.createDocumentFragment();
    const after = document.createDocumentFragment();
    for (let i = p.next; i < end; i++) {
      if (i === p.selected) continue;
      (p.anchor && i < p.selected ? before : after).append(h('option', { value: p.units[i] }, p.label(p.units[i])));
    }
    if (p.anchor) this.select.insertBefore(before, p.anchor);
    this.select.append(after);
    p.next = end;
    if (end >= p.units.length) this.pending = undefined;
  }
}
