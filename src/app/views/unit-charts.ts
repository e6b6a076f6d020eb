// The unit view's charts as option builders at a size factor s: on screen s = 1; the
// PNG export builds the same chart at 2× (chart-export.ts). Threshold, alarm periods
// and the selected reading are layers read at each redraw (chart-layers.ts).
import type uPlot from 'uplot';
import { ALARM, INK, PALETTE, axis, timeX } from '../charts.js';
import type { TimeWords } from '../time-words.js';
import { alarmSpans, breakLongSteps, labelStrips, rangeWithThreshold, selectedReading, thresholdY } from '../chart-layers.js';

type Points = (number | null)[];

export interface Layers {
  threshold: () => { y: number; label: string } | undefined;
  spans: () => [number, number][];
  /** Periods the ground truth labels anomalous (none without a label column). */
  labelled: () => [number, number][];
  selected: () => { x: number; y?: number; label?: string } | undefined;
  /** Per drawn point: 1 where a gap in the readings lies between it and the point before (the line is broken there). */
  breaks: () => Uint8Array | undefined;
}

export interface ScoreData {
  x: number[];
  anomaly: Points;
  flagged: Points;
  stored: Points;
}

export const SCORE_HEIGHT = 190;
export const SENSOR_HEIGHT = 100;

export function scoreChart(
  d: ScoreData,
  layers: Layers,
  time: TimeWords,
  width: number,
  s = 1,
): { opts: uPlot.Options; data: uPlot.AlignedData } {
  const x = timeX(time, s);
  // Stored scores (Cosmos DB) are a series only once a history is loaded, so the legend names nothing absent.
  const stored = d.stored.some((v) => v !== null);
  return {
    opts: {
      ...x.opts,
      width: width * s,
      height: SCORE_HEIGHT * s,
      cursor: { sync: { key: 'unit-view' }, drag: { x: true, y: false } },
      legend: { live: true },
      // The threshold stays in view, as on the live chart: a unit far below it shows how far.
      scales: { x: x.scale, y: { range: (_u, min, max) => rangeWithThreshold(min, max, layers.threshold()?.y) } },
      axes: [x.axis, axis(s, 'anomaly score', { size: 48 })],
      series: [
        x.series,
        { label: 'anomaly score', stroke: INK, width: 1.25 * s, gaps: breakLongSteps(layers.breaks) },
        { label: 'over threshold', stroke: ALARM, width: 0, points: { show: true, size: 6 * s, fill: ALARM } },
        ...(stored
          ? [{ label: 'stored (Cosmos DB)', stroke: '#2563eb', width: 0, points: { show: true, size: 4 * s, fill: '#2563eb' } }]
          : []),
      ],
      plugins: [
        alarmSpans(layers.spans, s),
        labelStrips(layers.labelled, s),
        thresholdY(layers.threshold, s),
        selectedReading(layers.selected, s),
        legendAtSelection(layers.selected),
      ],
    },
    data: stored ? [d.x, d.anomaly, d.flagged, d.stored] : [d.x, d.anomaly, d.flagged],
  };
}

export interface SensorData {
  x: number[];
  values: Points;
  /** "phi (sensor 12)". */
  label: string;
  /** "pps/psi"; '' for a ratio. */
  unit?: string;
  color: string;
}

export function sensorChart(
  d: SensorData,
  layers: Layers,
  time: TimeWords,
  width: number,
  last: boolean,
  s = 1,
): { opts: uPlot.Options; data: uPlot.AlignedData } {
  const title = d.unit ? `${d.label}, ${d.unit}` : d.label;
  const x = timeX(time, s, last ? {} : { label: '', size: 8, values: () => [] });
  return {
    opts: {
      ...x.opts,
      width: width * s,
      height: (SENSOR_HEIGHT + (last ? 30 : 0)) * s,
      cursor: { sync: { key: 'unit-view' }, drag: { x: true, y: false } },
      legend: { show: false },
      scales: { x: x.scale },
      // uPlot's 30 px between ticks left one number on a 100 px chart: no scale to read a change by.
      axes: [x.axis, axis(s, '', { size: 48, space: 18 * s })],
      series: [x.series, { label: title, stroke: d.color, width: 1.25 * s, gaps: breakLongSteps(layers.breaks) }],
      plugins: [alarmSpans(layers.spans, s), selectedReading(() => atX(layers.selected()), s), caption(title, s)],
    },
    data: [d.x, d.values] as uPlot.AlignedData,
  };
}

/**
 * With the pointer off the chart, the legend reads the selected reading instead of "--": the
 * values stay beside the explanation they belong to.
 */
function legendAtSelection(selected: Layers['selected']): uPlot.Plugin {
  const show = (u: uPlot) => {
    const m = selected();
    if (u.cursor.idx == null && m && u.data[0].length) u.setLegend({ idx: u.valToIdx(m.x) }, false);
  };
  return { hooks: { setCursor: show, draw: show } };
}

/** The selected reading's line alone (its ring and label belong to the score chart). */
const atX = (m: { x: number } | undefined) => (m ? { x: m.x } : undefined);

export function sensorColor(i: number): string {
  return PALETTE[i % PALETTE.length];
}

/** The sensor's name and unit written in the plot's top left, so each small chart says what it shows. */
function caption(text: string, s: number): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const k = s * devicePixelRatio;
        const ctx = u.ctx;
        ctx.save();
        ctx.font = `600 ${11 * k}px system-ui, sans-serif`;
        ctx.textBaseline = 'top';
        ctx.textAlign = 'left';
        ctx.lineWidth = 3 * k;
        ctx.strokeStyle = 'rgba(255,255,255,0.9)';
        ctx.strokeText(text, u.bbox.left + 4 * k, u.bbox.top + 2 * k);
        ctx.fillStyle = INK;
        ctx.fillText(text, u.bbox.left + 4 * k, u.bbox.top + 2 * k);
        ctx.restore();
      },
    },
  };
}
