// uPlot helpers: sizing to the container, a vertical or horizontal marker line, and
// min/max thinning so drawing cost is bounded by pixels, not rows.
import type uPlot from 'uplot';

export const PALETTE = ['#2563eb', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be123c'];

export function widthOf(el: HTMLElement, fallback = 640): number {
  return Math.max(240, Math.floor(el.getBoundingClientRect().width || fallback));
}

/**
 * Keeps a chart as wide as its host's container. The chart is looked up on each
 * resize, so views can recreate charts freely; resizes are coalesced per frame.
 */
export function followWidth(host: HTMLElement, chart: () => uPlot | undefined, max = Infinity): void {
  let frame = 0;
  new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      const c = chart();
      const w = Math.min(max, widthOf(host.parentElement!));
      if (c && Math.abs(c.width - w) > 1) c.setSize({ width: w, height: c.height });
    });
  }).observe(host.parentElement!);
}

/** Draws a horizontal line at y (scale 'y') or a vertical one at x (scale 'x'). */
export function markerPlugin(get: () => { x?: number; y?: number } | undefined, color = '#dc2626'): uPlot.Plugin {
  return {
    hooks: {
      draw: (u: uPlot) => {
        const m = get();
        if (!m) return;
        const { ctx } = u;
        const { left, top, width, height } = u.bbox;
        ctx.save();
        ctx.strokeStyle = color;
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 1.5 * devicePixelRatio;
        ctx.beginPath();
        if (m.y !== undefined) {
          const y = u.valToPos(m.y, 'y', true);
          ctx.moveTo(left, y);
          ctx.lineTo(left + width, y);
        }
        if (m.x !== undefined) {
          const x = u.valToPos(m.x, 'x', true);
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
        }
        ctx.stroke();
        ctx.restore();
      },
    },
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

export function pngButton(label: string, chart: () => uPlot | undefined, name: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'small';
  b.textContent = label;
  b.addEventListener('click', () => {
    const c = chart();
    if (!c) return;
    const a = document.createElement('a');
    a.href = c.ctx.canvas.toDataURL('image/png');
    a.download = name;
    a.click();
  });
  return b;
}
