// Score distribution: a histogram of every reading's anomaly score (binned here, so
// drawing cost does not grow with rows) with the threshold marked.
import uPlot from 'uplot';
import { h } from '../dom.js';
import type { Workbench } from '../workbench.js';
import { followWidth, markerPlugin, pngButton, widthOf } from '../charts.js';

const BINS = 60;

export function histogram(values: Float64Array, bins: number): { edges: number[]; counts: number[] } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) {
    hi = lo + 1e-9;
  }
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  }
  return { edges: counts.map((_, i) => lo + (i + 0.5) * width), counts };
}

export function distributionView(wb: Workbench): HTMLElement {
  const host = h('div', { class: 'chart' });
  let chart: uPlot | undefined;
  let bins: { edges: number[]; counts: number[] } | undefined;

  const draw = () => {
    chart?.destroy();
    chart = undefined;
    if (!bins) return;
    const offset = wb.model?.threshold.offset;
    chart = new uPlot(
      {
        width: widthOf(host.parentElement!),
        height: 180,
        scales: { x: { time: false } },
        legend: { show: false },
        axes: [{ label: 'anomaly score (−score_samples)' }, { label: 'readings', size: 55 }],
        series: [
          {},
          { label: 'readings', fill: 'rgba(37,99,235,0.35)', stroke: '#2563eb', paths: uPlot.paths.bars!({ size: [0.95, 100] }) },
        ],
        plugins: [markerPlugin(() => (offset === undefined ? undefined : { x: -offset }))],
      },
      [bins.edges, bins.counts],
      host,
    );
  };
  wb.on('model', () => {
    bins = wb.scores
      ? histogram(
          wb.scores.map((s) => -s),
          BINS,
        )
      : undefined;
    draw();
  });
  wb.on('data', () => {
    bins = undefined;
    draw();
  });
  // The bins do not move with the threshold; only the marker does.
  wb.on('threshold', () => chart?.redraw(false, false));
  const section = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'dist-h' },
    h(
      'div',
      { class: 'panel-head' },
      h('h2', { id: 'dist-h' }, 'Score distribution'),
      pngButton('PNG', () => chart, 'score-distribution.png'),
    ),
    host,
  );
  followWidth(host, () => chart);
  return section;
}
