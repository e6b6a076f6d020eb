// Unit view: chosen sensors (z-scored, so they share an axis) above the anomaly score
// with its threshold and flagged readings; cursors synced. A click on a reading
// explains it.
import uPlot from 'uplot';
import { h } from '../dom.js';
import type { Workbench } from '../workbench.js';
import type { UnitSeries } from '../../services/engine-service.js';
import { PALETTE, followWidth, markerPlugin, pngButton, thinIndices, widthOf } from '../charts.js';

const MAX_POINTS = 2000;

export function unitView(wb: Workbench): HTMLElement {
  const unitSelect = h('select', { 'aria-label': 'Unit' });
  const sensorSelect = h('select', { multiple: true, size: 4, 'aria-label': 'Sensors' });
  const sensorHost = h('div', { class: 'chart' });
  const scoreHost = h('div', { class: 'chart' });
  const hint = h('p', { class: 'muted' }, 'Click a reading in either chart to see which sensors drove its score.');
  const historyButton = h(
    'button',
    { type: 'button', disabled: true, title: 'Scores stored in Cosmos DB for this unit, drawn over the chart' },
    'Load stored history',
  );
  historyButton.addEventListener('click', () => {
    if (wb.selectedUnit !== undefined) void wb.link.loadHistory(wb.selectedUnit);
  });
  let sensors: uPlot | undefined;
  let scoreChart: uPlot | undefined;
  let series: UnitSeries | undefined;
  let shown: Int32Array = new Int32Array(0);
  let request = 0;

  unitSelect.addEventListener('change', () => wb.selectUnit(Number(unitSelect.value)));
  sensorSelect.addEventListener('change', () => void refresh());

  const chosenSensors = () => [...sensorSelect.selectedOptions].map((o) => o.value);

  const fillSelectors = () => {
    const unitCol = wb.data?.truth.columns.find((c) => c.role === 'unit');
    const units = unitCol ? [...new Set(unitCol.values)].filter((u) => !Number.isNaN(u)).sort((a, b) => a - b) : [];
    unitSelect.replaceChildren(...units.map((u) => h('option', { value: u, selected: u === wb.selectedUnit }, `Unit ${u}`)));
    unitSelect.disabled = units.length === 0;
    // Raw sensor traces: a model with a recipe reads its inputs, not its derived features.
    const names = wb.model?.recipe?.inputs ?? wb.model?.features ?? [...wb.features];
    const keep = new Set(chosenSensors());
    const defaults = new Set(names.slice(0, 3));
    sensorSelect.replaceChildren(...names.map((n) => h('option', { value: n, selected: keep.size ? keep.has(n) : defaults.has(n) }, n)));
  };

  const refresh = async () => {
    const id = ++request;
    if (!wb.data) return draw();
    const unit = wb.selectedUnit ?? NaN;
    const names = chosenSensors();
    try {
      const s = Number.isNaN(unit)
        ? await wholeSeries(wb, names)
        : await wb.workers.call(wb.workers.engine, (api) => api.unitSeries(unit, names));
      if (id !== request) return; // a newer request superseded this one
      series = s;
      draw();
    } catch (e) {
      wb.fail(`Could not draw unit ${unit}: ${(e as Error).message}`);
    }
  };

  let x: number[] = [];
  let anomalyShown: (number | null)[] = [];
  const flaggedPoints = (anomaly: Float64Array) => {
    const flags = wb.threshold.thresholded?.flags;
    return Array.from(shown, (i) => (flags && flags[series!.rows[i]] ? anomaly[i] : null));
  };

  /** The threshold moved: only the flagged series and the marker change. */
  const rethreshold = () => {
    if (!scoreChart || !series || !wb.scores) return draw();
    const anomaly = Float64Array.from(series.rows, (r) => -wb.scores![r]);
    scoreChart.setData([x, anomalyShown, flaggedPoints(anomaly), storedPoints()] as uPlot.AlignedData);
  };

  /** Scores Cosmos DB holds for this unit (anomaly_score), at the readings' times. */
  const storedPoints = () => {
    const hist = wb.link.history;
    if (!hist || hist.unit !== wb.selectedUnit) return x.map(() => null);
    const at = new Map<number, number>();
    hist.time.forEach((t, i) => at.set(t, -hist.score[i]));
    return x.map((t) => at.get(t) ?? null);
  };

  const draw = () => {
    sensors?.destroy();
    scoreChart?.destroy();
    sensors = scoreChart = undefined;
    if (!series || !wb.data) return;
    const names = Object.keys(series.columns);
    const profile = new Map(wb.profile?.columns.map((c) => [c.name, c]));
    const z = names.map((n) => {
      const p = profile.get(n);
      return series!.columns[n].map((v) => (p && p.std > 0 ? (v - p.mean) / p.std : v));
    });
    const anomaly = Float64Array.from(series.rows, (r) => (wb.scores ? -wb.scores[r] : NaN));
    shown = thinIndices([...z, anomaly], series.rows.length, MAX_POINTS);
    x = Array.from(shown, (i) => series!.time[i]);
    const pick = (a: Float64Array) => Array.from(shown, (i) => (Number.isNaN(a[i]) ? null : a[i]));
    const flagged = flaggedPoints(anomaly);
    const width = widthOf(sensorHost.parentElement!);
    const timeName = wb.data.columns.find((c) => c.role === 'time')?.name ?? 'row';
    const cursor = { sync: { key: 'unit-view' }, drag: { x: true, y: false } };
    sensors = new uPlot(
      {
        width,
        height: 200,
        cursor,
        legend: { live: true },
        scales: { x: { time: false } },
        axes: [{ label: timeName }, { label: 'z-score', size: 50 }],
        series: [{ label: timeName }, ...names.map((n, i) => ({ label: n, stroke: PALETTE[i % PALETTE.length], width: 1.25 }))],
      },
      [x, ...z.map(pick)] as uPlot.AlignedData,
      sensorHost,
    );
    const offset = wb.model?.threshold.offset;
    scoreChart = new uPlot(
      {
        width,
        height: 170,
        cursor,
        legend: { live: true },
        scales: { x: { time: false } },
        axes: [{ label: timeName }, { label: 'anomaly score', size: 50 }],
        series: [
          { label: timeName },
          { label: 'anomaly score (−score_samples)', stroke: '#111827', width: 1.25 },
          { label: 'flagged', stroke: '#dc2626', width: 0, points: { show: true, size: 6, fill: '#dc2626' } },
          { label: 'stored (Cosmos DB)', stroke: '#2563eb', width: 0, points: { show: true, size: 4, fill: '#2563eb' } },
        ],
        plugins: [markerPlugin(() => (offset === undefined ? undefined : { y: -offset }))],
      },
      [x, (anomalyShown = pick(anomaly)), flagged, storedPoints()] as uPlot.AlignedData,
      scoreHost,
    );
    for (const chart of [sensors, scoreChart]) {
      chart.over.addEventListener('click', () => {
        const idx = chart.cursor.idx;
        if (idx === null || idx === undefined || !wb.scores) return;
        void wb.explain(series!.rows[shown[idx]]);
      });
    }
  };

  wb.on('data', () => {
    series = undefined;
    fillSelectors();
    void refresh();
  });
  wb.on('model', () => {
    fillSelectors();
    void refresh();
  });
  wb.on('unit', () => {
    fillSelectors();
    void refresh();
  });
  wb.on('threshold', rethreshold);
  wb.on('link', () => {
    historyButton.disabled = !wb.link.cosmos || wb.selectedUnit === undefined;
  });

  const section = h(
    'section',
    { class: 'panel unit', 'aria-labelledby': 'unit-h' },
    h(
      'div',
      { class: 'panel-head' },
      h('h2', { id: 'unit-h' }, 'Unit'),
      unitSelect,
      historyButton,
      pngButton('Sensors PNG', () => sensors, 'sensors.png'),
      pngButton('Score PNG', () => scoreChart, 'score.png'),
    ),
    h(
      'div',
      { class: 'unit-body' },
      h('div', { class: 'charts' }, sensorHost, scoreHost),
      h('label', { class: 'sensor-pick' }, 'Sensors', sensorSelect),
    ),
    hint,
  );
  followWidth(sensorHost, () => sensors);
  followWidth(scoreHost, () => scoreChart);
  return section;
}

/** Data without units: the whole series is one 'unit'. */
async function wholeSeries(wb: Workbench, names: string[]): Promise<UnitSeries> {
  return wb.workers.call(wb.workers.engine, (api) => api.unitSeries(NaN, names));
}
