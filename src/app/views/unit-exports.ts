// The unit view's PNG buttons: the score chart and the sensor charts, each exported on
// white at 2× with a title, the unit, the data, the model and a legend.
import { pct } from '../dom.js';
import type { Workbench } from '../workbench.js';
import { pngButton, type ChartPng, type LegendItem } from '../chart-export.js';
import { ALARM, INK } from '../charts.js';
import { LABELLED } from '../chart-layers.js';
import { scoreChart, sensorChart, type Layers, type ScoreData, type SensorData } from './unit-charts.js';
import { unitName } from './unit-text.js';

const fileSafe = (name: string) => name.replace(/[^\w.-]+/g, '_');

type Shown = { scoreData: ScoreData; sensorData: SensorData[]; layers: Layers } | undefined;

export function unitExports(wb: Workbench, shown: () => Shown, width: () => number): HTMLButtonElement[] {
  const subtitle = () => {
    const m = wb.model!;
    const c = wb.contamination;
    const t = wb.threshold.thresholded;
    const rule = m.alarm ? ` · alarm ${m.alarm.k} of ${m.alarm.n}` : '';
    return `${wb.data!.name} · unit ${unitName(wb)} · model ${m.id} · threshold ${t ? (-t.offset).toFixed(3) : '–'} (contamination ${c === 'auto' ? 'auto' : pct(c)})${rule}`;
  };
  const common = (layers: Layers): LegendItem[] => [
    { label: 'in alarm', color: '#ea580c', kind: 'band' },
    ...(layers.selected() ? [{ label: 'selected reading', color: '#1d4ed8', kind: 'line' as const }] : []),
  ];
  const scorePng = (): ChartPng | undefined => {
    const s = shown();
    if (!s) return undefined;
    return {
      title: `Unit ${unitName(wb)}: anomaly score`,
      subtitle: subtitle(),
      legend: [
        { label: 'anomaly score (−score_samples)', color: INK, kind: 'line' },
        { label: 'over the threshold', color: ALARM, kind: 'dot' },
        { label: 'threshold', color: ALARM, kind: 'dashed' },
        ...common(s.layers),
        ...(s.layers.labelled().length ? [{ label: 'labelled anomalous', color: LABELLED, kind: 'band' as const }] : []),
      ],
      charts: [(k) => scoreChart(s.scoreData, s.layers, wb.time, width(), k)],
      fileName: `unit-${fileSafe(unitName(wb))}-score-${wb.model!.id}.png`,
    };
  };
  const sensorsPng = (): ChartPng | undefined => {
    const s = shown();
    if (!s) return undefined;
    return {
      title: `Unit ${unitName(wb)}: sensors`,
      subtitle: subtitle(),
      legend: [
        ...s.sensorData.map((d) => ({ label: d.unit ? `${d.label}, ${d.unit}` : d.label, color: d.color, kind: 'line' as const })),
        ...common(s.layers),
      ],
      charts: s.sensorData.map((d, i) => (k: number) => sensorChart(d, s.layers, wb.time, width(), i === s.sensorData.length - 1, k)),
      fileName: `unit-${fileSafe(unitName(wb))}-sensors-${wb.model!.id}.png`,
    };
  };
  return [
    pngButton('Score PNG', 'Download the score chart as PNG', scorePng),
    pngButton('Sensors PNG', 'Download the sensor charts as PNG', sensorsPng),
  ];
}
