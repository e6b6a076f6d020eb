// What the charts draw over the data, read afresh at every redraw so it follows the
// slider and the selection: the threshold (a labelled line, the flagged side shaded),
// periods in alarm (shaded), and the selected reading (a marked line). Sizes scale with
// the chart's size factor, so an export at 2× draws them at 2× too.
import type uPlot from 'uplot';
import { ALARM } from './charts.js';

const px = (s: number) => s * devicePixelRatio;

/** A horizontal threshold at y (on scale 'y'): dashed line, label, and the band above it shaded. */
export function thresholdY(get: () => { y: number; label: string } | undefined, s = 1): uPlot.Plugin {
  return {
    hooks: {
      drawClear: (u) => {
        const m = get();
        if (!m) return;
        const { left, top, width } = u.bbox;
        const y = Math.max(top, Math.min(top + u.bbox.height, u.valToPos(m.y, 'y', true)));
        u.ctx.fillStyle = 'rgba(220, 38, 38, 0.07)';
        u.ctx.fillRect(left, top, width, y - top);
      },
      draw: (u) => {
        const m = get();
        if (!m) return;
        const { left, top, width, height } = u.bbox;
        const y = u.valToPos(m.y, 'y', true);
        if (y < top || y > top + height) return;
        dashed(u.ctx, s, () => {
          u.ctx.moveTo(left, y);
          u.ctx.lineTo(left + width, y);
        });
        label(u.ctx, s, m.label, left + width - px(4 * s), y - px(4 * s), 'right');
      },
    },
  };
}

/** A vertical threshold at x (scale 'x'): dashed line, label, and the flagged side (right) shaded. */
export function thresholdX(get: () => { x: number; label: string } | undefined, s = 1): uPlot.Plugin {
  return {
    hooks: {
      drawClear: (u) => {
        const m = get();
        if (!m) return;
        const { left, top, width, height } = u.bbox;
        const x = Math.max(left, Math.min(left + width, u.valToPos(m.x, 'x', true)));
        u.ctx.fillStyle = 'rgba(220, 38, 38, 0.07)';
        u.ctx.fillRect(x, top, left + width - x, height);
      },
      draw: (u) => {
        const m = get();
        if (!m) return;
        const { left, top, width, height } = u.bbox;
        const x = u.valToPos(m.x, 'x', true);
        if (x < left || x > left + width) return;
        dashed(u.ctx, s, () => {
          u.ctx.moveTo(x, top);
          u.ctx.lineTo(x, top + height);
        });
        const right = x > left + width * 0.6;
        label(u.ctx, s, m.label, right ? x - px(4 * s) : x + px(4 * s), top + px(12 * s), right ? 'right' : 'left');
      },
    },
  };
}

/** Periods in alarm as shaded spans over the whole height, [from, to] in x units. */
export function alarmSpans(get: () => [number, number][], s = 1): uPlot.Plugin {
  return {
    hooks: {
      drawClear: (u) => {
        const { left, top, width, height } = u.bbox;
        u.ctx.fillStyle = 'rgba(234, 88, 12, 0.16)';
        for (const [a, b] of get()) {
          const x0 = Math.max(left, u.valToPos(a, 'x', true));
          const x1 = Math.min(left + width, Math.max(u.valToPos(b, 'x', true), x0 + px(2 * s)));
          if (x1 > x0) u.ctx.fillRect(x0, top, x1 - x0, height);
        }
      },
    },
  };
}

/** The selected reading: a vertical line at x, labelled, with an optional ring at y. */
export function selectedReading(get: () => { x: number; y?: number; label?: string } | undefined, s = 1): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const m = get();
        if (!m) return;
        const { left, top, width, height } = u.bbox;
        const x = u.valToPos(m.x, 'x', true);
        if (x < left || x > left + width) return;
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = '#1d4ed8';
        ctx.lineWidth = px(1.5 * s);
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
        if (m.y !== undefined) {
          ctx.lineWidth = px(2 * s);
          ctx.beginPath();
          ctx.arc(x, u.valToPos(m.y, 'y', true), px(6 * s), 0, 2 * Math.PI);
          ctx.stroke();
        }
        ctx.restore();
        // The label sits on the side with room: left of the line near the right edge.
        const right = x > left + width * 0.6;
        if (m.label)
          label(ctx, s, m.label, right ? x - px(4 * s) : x + px(4 * s), top + height - px(4 * s), right ? 'right' : 'left', '#1d4ed8');
      },
    },
  };
}

function dashed(ctx: CanvasRenderingContext2D, s: number, path: () => void): void {
  ctx.save();
  ctx.strokeStyle = ALARM;
  ctx.setLineDash([px(6 * s), px(4 * s)]);
  ctx.lineWidth = px(1.5 * s);
  ctx.beginPath();
  path();
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
