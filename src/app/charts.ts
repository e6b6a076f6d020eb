// uPlot helpers: sizing to the host, axes drawn at a size factor (so an export can draw
// the same chart at twice the size), and min/max thinning so drawing cost is bounded by
// pixels, not rows.
import uPlot from 'uplot';
import type { TimeWords } from './time-words.js';
import { fmt } from './dom.js';

export const PALETTE = ['#2563eb', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be123c'];
export const INK = '#111827';
export const ALARM = '#dc2626';

/** The width a chart may take: its host's (a block box as wide as its container). */
export function widthOf(host: HTMLElement, fallback = 640): number {
  return Math.max(200, Math.floor(host.clientWidth || fallback));
}

/**
 * Keeps a chart as wide as its host. The chart is looked up on each resize, so views can
 * recreate charts freely; resizes are coalesced per frame.
 */
export function followWidth(host: HTMLElement, chart: () => uPlot | undefined, max = Infinity): void {
  let frame = 0;
  new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      const c = chart();
      const w = Math.min(max, widthOf(host));
      if (c && Math.abs(c.width - w) > 1) c.setSize({ width: w, height: c.height });
    });
  }).observe(host);
}

/** An axis at size factor s (1 on screen; 2 / devicePixelRatio for a 2× export). */
export function axis(s: number, label: string, extra: uPlot.Axis = {}): uPlot.Axis {
  return {
    label,
    font: `${11 * s}px system-ui, sans-serif`,
    labelFont: `600 ${11 * s}px system-ui, sans-serif`,
    labelSize: 18 * s,
    gap: 4 * s,
    size: 40 * s,
    ticks: { size: 6 * s, width: s },
    grid: { width: s, stroke: '#eef0f3' },
    ...extra,
    ...(extra.size !== undefined && typeof extra.size === 'number' ? { size: extra.size * s } : {}),
  };
}

/**
 * Keeps the first, min, max and last point of each of `buckets` runs, in x order, for
 * every series: the drawn shape keeps its peaks. Returns the kept row indices.
 */
export function thinIndices(series: Float64Array[], n: number, buckets: number): Int32Array {
  if (n <= buckets * 4) return Int32Array.from({ length: n }, (_, i) => i);
  const keep = new Uint8Array(n);
  const size = n / buckets;
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    const to = Math.min(n, Math.floor((b + 1) * size));
    keep[from] = 1;
    keep[to - 1] = 1;
    for (const s of series) {
      let lo = from;
      let hi = from;
      for (let i = from; i < to; i++) {
        if (s[i] < s[lo]) lo = i;
        if (s[i] > s[hi]) hi = i;
      }
      keep[lo] = 1;
      keep[hi] = 1;
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(i);
  return Int32Array.from(out);
}

/** Steps between ticks for cycles and rows: never a fraction of a cycle. */
const WHOLE_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500].flatMap((v) => [v, v * 1e3, v * 1e6]).sort((a, b) => a - b);

const DAY = 86_400_000;

/** Tick labels in UTC as the page writes moments: "14:00", with the date under the first tick and each midnight. */
function dateTicks(_u: uPlot, splits: number[], _axis: number, _space: number, incr: number): string[] {
  return splits.map((v, i) => {
    const iso = new Date(v).toISOString();
    if (incr >= DAY) return iso.slice(0, 10);
    const clock = iso.slice(11, incr < 60_000 ? 19 : 16);
    return i === 0 || iso.slice(11, 19) === '00:00:00' ? `${clock}\n${iso.slice(0, 10)}` : clock;
  });
}

/**
 * A chart's x as the data's time: timestamps (epoch ms) on calendar ticks in UTC, cycles
 * and rows on whole steps, and the legend saying a moment as the page does.
 */
export function timeX(
  time: TimeWords,
  s: number,
  axisExtra: uPlot.Axis & { label?: string } = {},
): { opts: Pick<uPlot.Options, 'ms' | 'tzDate'>; scale: uPlot.Scale; axis: uPlot.Axis; series: uPlot.Series } {
  const date = time.ticks === 'date';
  return {
    opts: date ? { ms: 1, tzDate: (ts) => uPlot.tzDate(new Date(ts), 'Etc/UTC') } : {},
    scale: { time: date },
    axis: axis(s, axisExtra.label ?? time.axis, {
      ...(time.ticks === 'whole' ? { incrs: WHOLE_STEPS } : {}),
      ...(date ? { space: 70 * s, values: dateTicks } : {}),
      ...axisExtra,
    }),
    series: { label: time.axis, value: (_u, v) => (v === null || v === undefined ? '--' : date ? time.at(v) : fmt(v)) },
  };
}
