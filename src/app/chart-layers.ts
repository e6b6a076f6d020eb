// What the charts draw over the data, read afresh at every redraw so it follows the
// slider and the selection: the threshold (a labelled line, the flagged side shaded),
// periods in alarm (shaded), and the selected reading (a marked line). Sizes scale with
// the chart's size factor, so an export at 2× draws them at 2× too.
import type uPlot from 'uplot';
import { ALARM } from './charts.js';

const px = (s: number) => s * devicePixelRatio;
const FLAGGED_SIDE = 'rgba(220, 38, 38, 0.07)';
const IN_ALARM = 'rgba(234, 88, 12, 0.16)';
const SELECTED = '#1d4ed8';
/** Labelled anomalous (ground truth): purple, apart from the alarm's orange and the threshold's red. */
export const LABELLED = '#7c3aed';

type Box = uPlot['bbox'];

/** A layer read at every redraw: `under` paints below the series, `over` above them; neither runs without a marker. */
function layer<M>(
  get: () => M | undefined,
  under?: (u: uPlot, m: M, b: Box) => void,
  over?: (u: uPlot, m: M, b: Box) => void,
): uPlot.Plugin {
  const at = (paint: (u: uPlot, m: M, b: Box) => void) => (u: uPlot) => {
    const m = get();
    if (m !== undefined) paint(u, m, u.bbox);
  };
  const hooks: uPlot.Plugin['hooks'] = {};
  if (under) hooks.drawClear = at(under);
  if (over) hooks.draw = at(over);
  return { hooks };
}

/** A label beside a vertical line at x: left of it in the right part of the plot, where there is room. */
function besideLine(ctx: CanvasRenderingContext2D, s: number, text: string, x: number, y: number, b: Box, color = ALARM): void {
  const right = x > b.left + b.width * 0.6;
  label(ctx, s, text, right ? x - px(4 * s) : x + px(4 * s), y, right ? 'right' : 'left', color);
}

/** A horizontal threshold at y (on scale 'y'): dashed line, label, and the band above it shaded. */
export function thresholdY(get: () => { y: number; label: string } | undefined, s = 1): uPlot.Plugin {
  return layer(
    get,
    (u, m, { left, top, width, height }) => {
      const y = Math.max(top, Math.min(top + height, u.valToPos(m.y, 'y', true)));
      shade(u.ctx, FLAGGED_SIDE, left, top, width, y - top);
    },
    (u, m, { left, top, width, height }) => {
      const y = u.valToPos(m.y, 'y', true);
      if (y < top || y > top + height) return;
      line(u.ctx, s, left, y, left + width, y, ALARM, true);
      const fit = labelFit(u, s, m.label, y);
      if (fit.right > fit.left) label(u.ctx, s, m.label, left + px(4 * s), y - px(4 * s), 'left');
      else label(u.ctx, s, m.label, left + width - px(4 * s), y - px(4 * s), 'right');
    },
  );
}

/**
 * How many drawn points the threshold's label would cover at the plot's left end and at its right
 * end (the box it takes above the line): it goes where it covers fewer, the right on a tie. A unit
 * in alarm at its end has its points there.
 */
function labelFit(u: uPlot, s: number, text: string, y: number): { left: number; right: number } {
  const { left, width } = u.bbox;
  u.ctx.save();
  u.ctx.font = `600 ${px(11 * s)}px system-ui, sans-serif`; // as label() draws it
  const w = u.ctx.measureText(text).width + px(8 * s);
  u.ctx.restore();
  const h = px(16 * s);
  const xs = u.data[0];
  const ys = u.data[1] ?? [];
  const covered = { left: 0, right: 0 };
  for (let i = 0; i < xs.length; i++) {
    const v = ys[i];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    const py = u.valToPos(v, 'y', true);
    if (py > y + px(2 * s) || py < y - h) continue;
    const pxX = u.valToPos(xs[i], 'x', true);
    if (pxX >= left && pxX <= left + w) covered.left++;
    else if (pxX >= left + width - w && pxX <= left + width) covered.right++;
  }
  return covered;
}

/** A score axis's range that keeps the threshold in view with the scores: how far below it they lie is the point. */
export function rangeWithThreshold(min: number | null, max: number | null, t: number | undefined): uPlot.Range.MinMax {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [min, max];
  const [lo, hi] = t === undefined || !Number.isFinite(t) ? [min, max] : [Math.min(min, t), Math.max(max, t)];
  const pad = Math.max(0.01, (hi - lo) * 0.08);
  return [lo - pad, hi + pad];
}

/** A vertical threshold at x (scale 'x'): dashed line, label, and the flagged side (right) shaded. */
export function thresholdX(get: () => { x: number; label: string } | undefined, s = 1): uPlot.Plugin {
  return layer(
    get,
    (u, m, { left, top, width, height }) => {
      const x = Math.max(left, Math.min(left + width, u.valToPos(m.x, 'x', true)));
      shade(u.ctx, FLAGGED_SIDE, x, top, left + width - x, height);
    },
    (u, m, b) => {
      const x = u.valToPos(m.x, 'x', true);
      if (x < b.left || x > b.left + b.width) return;
      line(u.ctx, s, x, b.top, x, b.top + b.height, ALARM, true);
      besideLine(u.ctx, s, m.label, x, b.top + px(12 * s), b);
    },
  );
}

/** Periods in alarm as shaded spans over the whole height, [from, to] in x units. */
export function alarmSpans(get: () => [number, number][], s = 1): uPlot.Plugin {
  return layer(get, (u, spans, { left, top, width, height }) => {
    for (const [a, b] of spans) {
      const x0 = Math.max(left, u.valToPos(a, 'x', true));
      const x1 = Math.min(left + width, Math.max(u.valToPos(b, 'x', true), x0 + px(2 * s)));
      if (x1 > x0) shade(u.ctx, IN_ALARM, x0, top, x1 - x0, height);
    }
  });
}

/** Periods the ground truth labels anomalous: a strip along the plot's foot, apart from the alarm's shading, so the two compare. */
export function labelStrips(get: () => [number, number][], s = 1): uPlot.Plugin {
  // Under the series: the lowest scores stay visible over it.
  return layer(get, (u, spans, { left, top, width, height }) => {
    const h = px(5 * s);
    for (const [a, b] of spans) {
      const x0 = Math.max(left, u.valToPos(a, 'x', true));
      const x1 = Math.min(left + width, Math.max(u.valToPos(b, 'x', true), x0 + px(2 * s)));
      if (x1 > x0) shade(u.ctx, LABELLED, x0, top + height - h, x1 - x0, h);
    }
  });
}

/** The selected reading: a vertical line at x, labelled, with an optional ring at y. */
export function selectedReading(get: () => { x: number; y?: number; label?: string } | undefined, s = 1): uPlot.Plugin {
  return layer(get, undefined, (u, m, b) => {
    const x = u.valToPos(m.x, 'x', true);
    if (x < b.left || x > b.left + b.width) return;
    line(u.ctx, s, x, b.top, x, b.top + b.height, SELECTED, false);
    if (m.y !== undefined) ring(u.ctx, s, x, u.valToPos(m.y, 'y', true));
    // Clear of the label strip along the foot (5 px), which it used to cover.
    if (m.label) besideLine(u.ctx, s, m.label, x, b.top + b.height - px(10 * s), b, SELECTED);
  });
}

function shade(ctx: CanvasRenderingContext2D, color: string, x: number, y: number, w: number, h: number): void {
  ctx.fillStyle = color;
  ctx.fillRect(x, y, w, h);
}

function line(
  ctx: CanvasRenderingContext2D,
  s: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  color: string,
  dashes: boolean,
): void {
  ctx.save();
  ctx.strokeStyle = color;
  if (dashes) ctx.setLineDash([px(6 * s), px(4 * s)]);
  ctx.lineWidth = px(1.5 * s);
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
  ctx.restore();
}

function ring(ctx: CanvasRenderingContext2D, s: number, x: number, y: number): void {
  ctx.save();
  ctx.strokeStyle = SELECTED;
  ctx.lineWidth = px(2 * s);
  ctx.beginPath();
  ctx.arc(x, y, px(6 * s), 0, 2 * Math.PI);
  ctx.stroke();
  ctx.restore();
}

function label(ctx: CanvasRenderingContext2D, s: number, text: string, x: number, y: number, align: CanvasTextAlign, color = ALARM): void {
  ctx.save();
  ctx.font = `600 ${px(11 * s)}px system-ui, sans-serif`;
  ctx.textAlign = align;
  ctx.lineWidth = px(3 * s);
  ctx.strokeStyle = 'rgba(255,255,255,0.9)';
  ctx.strokeText(text, x, y);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
  ctx.restore();
}

/**
 * Breaks a line where `breaks()` marks a gap in the readings between two drawn points (a logger
 * that stopped): a straight line across hours without readings would read as measured. Added to
 * the gaps uPlot finds from nulls, in canvas pixels.
 */
export function breakLongSteps(breaks: () => Uint8Array | undefined): uPlot.Series.GapsRefiner {
  return (u, _series, idx0, idx1, nullGaps) => {
    const at = breaks();
    const xs = u.data[0];
    if (!at) return nullGaps;
    const gaps = nullGaps.slice();
    for (let i = Math.max(1, idx0 + 1); i <= idx1; i++) {
      if (!at[i]) continue;
      const from = Math.round(u.valToPos(xs[i - 1], 'x', true)) + 1;
      const to = Math.round(u.valToPos(xs[i], 'x', true)) - 1;
      if (to > from) gaps.push([from, to]);
    }
    return gaps.sort((a, b) => a[0] - b[0]);
  };
}
