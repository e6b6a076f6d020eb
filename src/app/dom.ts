// A tiny element builder: the workbench has no framework, just DOM.

type Attrs = Record<string, string | number | boolean | ((e: Event) => void) | undefined>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (k === 'class') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

// One formatter, made once: toLocaleString builds a new one per call (~20 µs each).
const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const groupedTenths = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  // Whole numbers are grouped while every digit is exact; past 2^53 (a sensor's 1e308) a 300-digit figure would push the table off the page.
  if (Number.isSafeInteger(v)) return Math.abs(v) < 1000 ? String(v) : grouped.format(v);
  const a = Math.abs(v);
  // A batch number's mean or a pressure in Pa reads as the min and max beside it do (240,125.5), not 2.40e+5.
  if (a >= 1e5 && a < 1e12) return groupedTenths.format(v);
  return a !== 0 && (a >= 1e12 || a < 1e-3) ? v.toExponential(2) : v.toFixed(digits);
}

/** A ratio in [0, 1] (precision, AUC…): always three decimals, so 1 reads "1.000" beside "0.982". */
export function ratio(v: number | null | undefined): string {
  return v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(3);
}

/** "1 feature", "14 features", "1,204 readings". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${fmt(n)} ${n === 1 ? word : many}`;
}

/** A line written to follow "isoscope: " or a comma, opening a sentence on the page. */
export const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export function pct(v: number): string {
  if (Number.isNaN(v)) return '–'; // a share of nothing, as ratio() says it
  const p = v * 100;
  // Rounding leaves 1e-17 where 0 was meant: an interval's lower end is 0%, not "1.1e-17%".
  if (Math.abs(p) < 1e-9) return '0%';
  // Under 0.1% two decimals round rare rates together ("0.01% (0.01%–0.04%)"): two significant digits instead.
  if (p > 0 && p < 0.1) return `${p.toPrecision(2).replace(/0+$/, '')}%`;
  return `${p.toFixed(v < 0.01 ? 2 : 1)}%`;
}

/** Sets text only when it changed: unchanged text costs no style or layout work. */
export function setText(el: Node, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Sets an attribute only when it changed (undefined: removes it): an attribute set again, even to its value, makes the page restyle the element. */
export function setAttr(el: Element, name: string, value: string | undefined): void {
  if (value === undefined) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}
