// What a CSV's first lines decide before any value is read: the delimiter, title lines,
// the column names, and which column names hold text unit ids or text ground truth.
import Papa from 'papaparse';
import { isDecimalCommaToken, isNumberToken } from './numbers.js';

/** A column of text that may be ground truth by its name ("machine_status": NORMAL, BROKEN, RECOVERING). */
export const TEXT_LABEL_NAME =
  /^(anomaly|label|is_anomaly|anomaly_label|target|fault|failure|class|outlier|is_outlier|status|state|condition|health|(machine|health|equipment|asset)_?(status|state|condition))$/i;

/** A ground-truth text that means healthy; any other text in such a column means anomalous. */
export const isNormalLabel = (text: string): boolean => /^(normal|ok|healthy|good|nominal|false|no|0)$/i.test(text.trim());

/** Names that say the column answers "is this anomalous?": there false/no mean healthy. */
const ANOMALY_NAME = /^(anomaly|label|is_anomaly|anomaly_label|target|fault|failure|class|outlier|is_outlier)$/i;

/**
 * Whether a text column under a ground-truth name is ground truth: its first rows hold a healthy
 * word. Under a state or status name only a word of health counts: TRUE/FALSE or yes/no there is
 * an operating state (a pump running, a valve open), a reading.
 */
export function isTextLabel(name: string, cells: string[]): boolean {
  if (!TEXT_LABEL_NAME.test(name)) return false;
  const healthy = ANOMALY_NAME.test(name) ? isNormalLabel : (c: string) => /^(normal|ok|healthy|good|nominal)$/i.test(c.trim());
  return cells.some(healthy);
}

/** The delimiter of a CSV from its first lines (Papa looks at `preview` of them). */
export function detectDelimiter(head: string, preview: number): string {
  // Without its last line break, as the guess always saw it: Papa counts a trailing empty line as a row.
  const guess = Papa.parse(head.replace(/(\r\n|\r|\n)$/, ''), { preview }).meta.delimiter;
  const lines = head.split(/\r\n|\r|\n/).filter((l) => l.trim());
  // Papa falls back to ',' when unsure; prefer a delimiter that splits every line evenly.
  for (const d of [guess, ',', ';', '\t', '|']) {
    const counts = lines.map((l) => l.split(d).length);
    if (counts.length && counts[0] > 1 && counts.every((c) => c === counts[0])) return d;
  }
  return guess || ',';
}

/**
 * Title lines before the header ("Exported from SCADA 2024-01-01", "Site: Plant 3, Line B"):
 * the fewest leading lines (at most 10, unquoted) after which every line splits evenly into
 * the same number of fields, when each of them has at most half that many (one quoted
 * title is one field) and the first line after them is a header, with no number. (A header one
 * field short of its rows, as some exports write it, is not taken for one.) How many
 * characters they take, and the lines; undefined when the file starts with its header.
 */
export function preamble(head: string): { chars: number; lines: string[] } | undefined {
  const lines: { text: string; end: number }[] = [];
  const breaks = /\r\n|\r|\n/g;
  let from = 0;
  for (let m = breaks.exec(head); m; m = breaks.exec(head)) {
    lines.push({ text: head.slice(from, m.index), end: m.index + m[0].length });
    from = m.index + m[0].length;
  }
  const fields = (text: string, d: string) => text.split(d).length;
  for (let k = 0; k <= Math.min(10, lines.length - 3); k++) {
    const rest = lines.slice(k).filter((l) => l.text.trim() !== '');
    if (rest.length < 3) return undefined;
    const titles = lines.slice(0, k);
    for (const d of [',', ';', '\t', '|']) {
      const n = fields(rest[0].text, d);
      if (n < 2 || !rest.every((l) => fields(l.text, d) === n)) continue;
      if (k === 0) return undefined;
      // What follows title lines is a header: names, not numbers ("1,5" rows under "temp" are a one-column file of decimal commas).
      if (rest[0].text.split(d).some((f) => isNumberToken(f) || isDecimalCommaToken(f))) continue;
      if (titles.every((l) => (!l.text.includes('"') || /^"[^"]*"$/.test(l.text.trim())) && fields(l.text, d) * 2 <= n))
        return { chars: lines[k - 1].end, lines: titles.map((l) => l.text) };
    }
  }
  return undefined;
}

/** Repeated header names get _2, _3, … */
export function dedupe(names: string[]): string[] {
  // Every name the header gives is taken first, so a made-up "temp_2" never equals a real one.
  const taken = new Set(names);
  const seen = new Set<string>();
  return names.map((n) => {
    if (!seen.has(n)) {
      seen.add(n);
      return n;
    }
    let k = 2;
    while (taken.has(`${n}_${k}`)) k++;
    const name = `${n}_${k}`;
    taken.add(name);
    return name;
  });
}
