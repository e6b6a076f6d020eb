// Score distribution: a histogram of every reading's anomaly score (binned here, so
// drawing cost does not grow with rows), the threshold marked and the flagged side
// shaded, both following the slider.
import uPlot from 'uplot';
import { fmt, h, pct } from '../dom.js';
import type { Workbench } from '../workbench.js';
import { ALARM, axis, followWidth, widthOf } from '../charts.js';
import { thresholdX } from '../chart-layers.js';
import { pngButton } from '../chart-export.js';

const BINS = 60;
const HEIGHT = 170;

/**
 * Bins of sign·v over the values (NaN left out). The sign lets the page bin -score
 * without a negated copy of every score; counted loops, as a million rows are common.
 */
export function histogram(values: Float64Array, bins: number, sign: 1 | -1 = 1): { edges: number[]; counts: number[] } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = sign * values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) {
    hi = lo + 1e-9;
  }
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = sign * values[i];
    if (Number.isNaN(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  }
  return { edges: counts.map((_, i) => lo + (i + 0.5) * width), counts };
}

export function distributionView(wb: Workbench): HTMLElement {
  const host = h('div', { class: 'chart', role: 'img', 'aria-label': 'No scores yet.' });
  let chart: uPlot | undefined;
  let bins: { edges: number[]; counts: number[] } | undefined;

  const marker = () => {
    const t = wb.threshold.thresholded;
    return t ? { x: -t.offset, label: `threshold ${fmt(-t.offset, 3)} · ${pct(t.share)} flagged` } : undefined;
  };
  const build = (s: number, width: number) => ({
    opts: {
      width: width * s,
      height: HEIGHT * s,
      scales: { x: { time: false } },
      legend: { show: false },
      axes: [axis(s, 'anomaly score (−score_samples)'), axis(s, 'readings', { size: 52 })],
      series: [
        {},
        {
          label: 'readings',
          fill: 'rgba(37,99,235,0.35)',
          stroke: '#2563eb',
          points: { show: false },
          paths: uPlot.paths.bars!({ size: [0.95, 100] }),
        },
      ],
      plugins: [thresholdX(marker, s)],
    } as uPlot.Options,
    data: [bins!.edges, bins!.counts] as uPlot.AlignedData,
  });
  const describe = () => {
    const t = wb.threshold.thresholded;
    host.setAttribute(
      'aria-label',
      bins && t
        ? `Histogram of the anomaly scores of ${fmt(bins.counts.reduce((a, b) => a + b, 0))} readings, from ${fmt(bins.edges[0], 3)} to ${fmt(bins.edges[bins.edges.length - 1], 3)}; threshold ${fmt(-t.offset, 3)}, ${fmt(t.flagged)} readings (${pct(t.share)}) above it.`
        : 'No scores yet.',
    );
  };
  const draw = () => {
    chart?.destroy();
    chart = undefined;
    if (bins) {
      const { opts, data } = build(1, widthOf(host));
      chart = new uPlot(opts, data, host);
    }
    describe();
  };
  wb.on('model', () => {
    bins = wb.scores ? histogram(wb.scores, BINS, -1) : undefined;
    draw();
  });
  wb.on('data', () => {
    bins = undefined;
    draw();
  });
  // The bins do not move with the threshold; the marker and the shading do.
  wb.on('threshold', () => {
    chart?.redraw(false, false);
    describe();
  });
  const png = pngButton('PNG', 'Download the score distribution as PNG', () =>
    bins && wb.model
      ? {
          title: 'Score distribution',
          subtitle: `${wb.data!.name} · model ${wb.model.id} · ${marker()?.label ?? ''}`,
          legend: [
            { label: 'readings per score bin', color: '#2563eb', kind: 'band' },
            { label: 'threshold (flagged side shaded)', color: ALARM, kind: 'dashed' },
          ],
          charts: [(s) => build(s, widthOf(host))],
          fileName: `score-distribution-${wb.model.id}.png`,
        }
      : undefined,
  );
  const section = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'dist-h' },
    h('div', { class: 'panel-head' }, h('h3', { id: 'dist-h' }, 'Score distribution'), png),
    host,
  );
  followWidth(host, () => chart);
  return section;
}
