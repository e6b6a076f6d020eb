// Chart PNGs that stand on their own: white background, a title, what they show (unit,
// model, data), a legend, at twice the on-screen size. Each chart is drawn again off
// screen at that size (uPlot draws at the screen's pixel ratio, so the size factor
// makes up the rest), stacked, and captioned on one canvas.
import uPlot from 'uplot';
import { download } from './download.js';
import { LEGEND_ROW, legendFont, legendPlaces, wrapped, type LegendItem, type LegendPlace } from './chart-legend.js';

export type { LegendItem };

/** Text widths in canvas pixels, in a font. */
function measurer(font: string): (text: string) => number {
  const ctx = document.createElement('canvas').getContext('2d')!;
  ctx.font = font;
  return (text) => ctx.measureText(text).width;
}

export interface ChartPng {
  title: string;
  /** One line under the title: data, unit, model, threshold. */
  subtitle: string;
  legend: LegendItem[];
  /** Builds each chart at size factor s (widths and fonts times s). */
  charts: ((s: number) => { opts: uPlot.Options; data: uPlot.AlignedData })[];
  fileName: string;
}

/** Output pixels per on-screen CSS pixel. */
export const EXPORT_SCALE = 2;

export async function exportPng(spec: ChartPng): Promise<Blob> {
  const s = EXPORT_SCALE / devicePixelRatio;
  const k = EXPORT_SCALE; // canvas pixels per CSS pixel of the caption
  const host = document.createElement('div');
  host.style.cssText = 'position:fixed;left:-100000px;top:0;';
  document.body.append(host);
  const canvases: HTMLCanvasElement[] = [];
  const plots: uPlot[] = [];
  try {
    for (const build of spec.charts) {
      const { opts, data } = build(s);
      // uPlot sizes and draws in a microtask after construction: wait for its first draw.
      let drawn!: () => void;
      const ready = new Promise<void>((ok) => (drawn = ok));
      const hooks = { ...opts.hooks, draw: [...(opts.hooks?.draw ?? []), () => drawn()] };
      const plot = new uPlot({ ...opts, hooks, legend: { show: false }, cursor: { show: false } }, data, host);
      plots.push(plot);
      await ready;
      canvases.push(plot.ctx.canvas);
    }
    const margin = 16 * k;
    const width = Math.max(...canvases.map((c) => c.width)) + 2 * margin;
    // A legend wider than the charts wraps: on one line its last entries were cut off at the edge.
    const legend = legendPlaces(spec.legend, width - 2 * margin, k, measurer(legendFont(k)));
    const legendH = legend.length ? (legend[legend.length - 1].row + 1) * LEGEND_ROW * k : 0;
    const chartsH = canvases.reduce((a, c) => a + c.height, 0);
    const out = document.createElement('canvas');
    out.width = width;
    const subtitle = wrapped(spec.subtitle, width - 2 * margin, measurer(`${12 * k}px system-ui, sans-serif`));
    out.height = margin + 22 * k + 18 * k * subtitle.length + chartsH + legendH + margin;
    const ctx = out.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.fillStyle = '#111827';
    ctx.textBaseline = 'top';
    ctx.font = `700 ${16 * k}px system-ui, sans-serif`;
    ctx.fillText(spec.title, margin, margin);
    ctx.fillStyle = '#4b5563';
    ctx.font = `${12 * k}px system-ui, sans-serif`;
    subtitle.forEach((line, i) => ctx.fillText(line, margin, margin + 22 * k + 18 * k * i));
    let y = margin + 22 * k + 18 * k * subtitle.length;
    for (const c of canvases) {
      ctx.drawImage(c, margin, y);
      y += c.height;
    }
    drawLegend(ctx, legend, margin, y + 6 * k, k);
    return await new Promise<Blob>((ok, fail) =>
      out.toBlob((b) => (b ? ok(b) : fail(new Error('the PNG could not be encoded'))), 'image/png'),
    );
  } finally {
    plots.forEach((p) => p.destroy());
    host.remove();
  }
}

function drawLegend(ctx: CanvasRenderingContext2D, places: LegendPlace[], left: number, top: number, k: number): void {
  ctx.font = legendFont(k);
  ctx.textBaseline = 'middle';
  for (const { item: it, x: dx, row } of places) {
    const x = left + dx;
    const mid = top + row * LEGEND_ROW * k + 7 * k;
    ctx.save();
    ctx.strokeStyle = ctx.fillStyle = it.color;
    ctx.lineWidth = 2 * k;
    if (it.kind === 'band') {
      ctx.globalAlpha = 0.3;
      ctx.fillRect(x, mid - 6 * k, 18 * k, 12 * k);
    } else if (it.kind === 'dot') {
      ctx.beginPath();
      ctx.arc(x + 9 * k, mid, 4 * k, 0, 2 * Math.PI);
      ctx.fill();
    } else {
      if (it.kind === 'dashed') ctx.setLineDash([5 * k, 3 * k]);
      ctx.beginPath();
      ctx.moveTo(x, mid);
      ctx.lineTo(x + 18 * k, mid);
      ctx.stroke();
    }
    ctx.restore();
    ctx.fillStyle = '#111827';
    ctx.fillText(it.label, x + 24 * k, mid);
  }
}

/** A small button that downloads a chart PNG; its accessible name says which chart. */
export function pngButton(text: string, name: string, spec: () => ChartPng | undefined): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'small';
  b.textContent = text;
  b.setAttribute('aria-label', `${text}: ${name}`); // the visible text first: a spoken command matches it
  b.title = name;
  b.addEventListener('click', () => {
    const s = spec();
    if (s) void exportPng(s).then((blob) => download(s.fileName, blob));
  });
  return b;
}
