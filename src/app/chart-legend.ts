// Where a chart PNG's caption and legend go: lines broken to the image's width (on one line
// the last legend entries and a long subtitle were cut off at the edge). Widths come from a
// measure the caller gives, so the layout is plain arithmetic.

export interface LegendItem {
  label: string;
  color: string;
  kind: 'line' | 'dashed' | 'dot' | 'band';
}

export interface LegendPlace {
  item: LegendItem;
  /** From the legend's left edge, canvas pixels. */
  x: number;
  row: number;
}

/** A legend row's height, CSS pixels. */
export const LEGEND_ROW = 22;

export const legendFont = (k: number): string => `${12 * k}px system-ui, sans-serif`;

/** Each legend entry's place, left to right: a new row where the next would pass `width`. k: canvas pixels per CSS pixel. */
export function legendPlaces(items: LegendItem[], width: number, k: number, measure: (text: string) => number): LegendPlace[] {
  const out: LegendPlace[] = [];
  let x = 0;
  let row = 0;
  for (const item of items) {
    const w = 24 * k + measure(item.label); // the key, its gap, the label
    if (x > 0 && x + w > width) {
      x = 0;
      row++;
    }
    out.push({ item, x, row });
    x += w + 16 * k;
  }
  return out;
}

/** A subtitle's lines: broken after a " · " where one line would pass `width`. */
export function wrapped(text: string, width: number, measure: (text: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of text.split(' · ')) {
    const longer = line ? `${line} · ${part}` : part;
    if (line && measure(`${longer} ·`) > width) {
      // room kept for the separator that ends a broken line
      lines.push(`${line} ·`);
      line = part;
    } else line = longer;
  }
  return [...lines, line];
}
