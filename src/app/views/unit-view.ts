// The chosen unit: its anomaly score against the threshold (line, shaded side, periods
// in alarm) above its driving sensors in raw values and units, the selected reading
// marked on both. A click, or Enter on the keyboard-driven score chart, explains a
// reading; the sensor charts then show that reading's drivers.
import { unitPhrase } from '../../data/unit-phrase.js';
import { unscoredWhy } from '../../model/unscored-words.js';
import uPlot from 'uplot';
import { fmt, h } from '../dom.js';
import type { Workbench } from '../workbench.js';
import type { UnitSeries } from '../../services/engine-service.js';
import type { Dataset } from '../../data/dataset.js';
import { gapBreaks } from '../../data/time-gaps.js';
import { followWidth, thinIndices, widthOf } from '../charts.js';
import { keyboardCursor } from '../chart-cursor.js';
import { isFlagged } from '../../alarms/threshold.js';
import { alarmPeriods, indexOfRow, labelPeriods, type UnitTrace } from '../unit-trace.js';
import { sensorChart, sensorColor, scoreChart, type Layers } from './unit-charts.js';
import { unitExports } from './unit-exports.js';
import { modelInputs, scoreWords, sensorWords, sensorsToPlot, unitStateLine } from './unit-text.js';
import { UnitOptions } from './unit-options.js';

const MAX_POINTS = 2000;
/** Above this many units the unit select gets a fixed width. */
const MANY_UNITS = 1000;

export function unitView(wb: Workbench): HTMLElement {
  const unitSelect = h('select', { 'aria-label': 'Unit' });
  const options = new UnitOptions(unitSelect);
  const heading = h('h3', { id: 'unit-h' }, 'Unit');
  const state = h('p', { class: 'unit-state', 'data-testid': 'unit-state' });
  const history = h(
    'button',
    { type: 'button', disabled: true, title: 'Scores stored in Cosmos DB for this unit, drawn over the chart' },
    'Load stored history',
  );
  const scoreHost = h('div', {
    class: 'chart',
    id: 'unit-score-chart',
    'aria-describedby': 'unit-score-desc',
    'data-testid': 'score-chart',
  });
  const scoreDesc = h('p', { class: 'visually-hidden', id: 'unit-score-desc' });
  const labelKey = h('p', { class: 'muted small label-key', 'data-testid': 'label-key', hidden: true });
  const sensorCaption = h('p', { class: 'sensor-caption' });
  const sensorHost = h('div', { class: 'sensor-charts' });
  const picker = h('select', { multiple: true, size: 6, 'aria-label': 'Sensors to plot' });
  const hint = h(
    'p',
    { class: 'muted small' },
    'Click a reading, or focus the score chart and use the arrow keys and Enter, to see which sensors drove its score.',
  );
  let trace: UnitTrace | undefined;
  let shown: Int32Array = new Int32Array(0);
  let x: number[] = [];
  let picked: string[] = [];
  let request = 0;
  let score: uPlot | undefined;
  let sensors: uPlot[] = [];

  const spans = () => (trace ? alarmPeriods(trace, wb.threshold.thresholded?.offset, wb.model) : []);
  let periods: [number, number][] = [];
  let labelled: [number, number][] = [];
  const labelColumn = () => wb.data?.truth.columns.find((c) => c.role === 'label');
  const selectedIndex = () => indexOfRow(trace, wb.selectedRow);
  const layers: Layers = {
    threshold: () =>
      wb.threshold.thresholded
        ? { y: -wb.threshold.thresholded.offset, label: `threshold ${fmt(-wb.threshold.thresholded.offset, 3)}` }
        : undefined,
    spans: () => periods,
    labelled: () => labelled,
    selected: () => {
      const i = selectedIndex();
      return i < 0
        ? undefined
        : { x: trace!.series.time[i], y: trace!.anomaly[i], label: `selected: ${wb.time.at(trace!.series.time[i])}` };
    },
    breaks: () => breaks,
  };
  // Set per drawing: where the drawn line crosses a gap in the unit's readings.
  let breaks: Uint8Array | undefined;

  const sensorChoice = () => {
    const i = selectedIndex();
    return sensorsToPlot(wb, picked, i < 0 ? undefined : trace!.series.time[i]);
  };

  // The unit options are built once per data: a fleet of 30,000 units rebuilt on every
  // model, unit or drivers change cost seconds of layout (a select measures every option).
  let optionsFor: unknown;
  const fillSelectors = () => {
    const truth = wb.data?.truth;
    if (optionsFor !== truth) {
      optionsFor = truth;
      const units = truth ? unitsOf(truth).sort((a, b) => wb.units.compare(a, b)) : [];
      options.fill(units, wb.selectedUnit, (u) => unitPhrase(wb.units.name(u), true));
      unitSelect.disabled = units.length === 0;
      // Sized by its longest option, a select measures all of them at every layout of the page: 0.3 s at 30,000.
      unitSelect.classList.toggle('many-units', units.length > MANY_UNITS);
      // One series has nothing to choose: the panel is the series'.
      const series = wb.data?.wholeSeries === true;
      unitSelect.hidden = series;
      heading.textContent = series ? 'Series' : 'Unit';
    } else if (wb.selectedUnit !== undefined && unitSelect.value !== String(wb.selectedUnit)) {
      // Another unit: its option may be in a slice still to come.
      options.complete();
      unitSelect.value = String(wb.selectedUnit);
    }
    const inputs = modelInputs(wb);
    const chosen = new Set(sensorChoice().names);
    picker.replaceChildren(...inputs.map((n) => h('option', { value: n, selected: chosen.has(n) }, wb.names(n).label)));
  };

  const refresh = async () => {
    const id = ++request;
    if (!wb.data) return draw(undefined);
    const unit = wb.selectedUnit ?? NaN;
    try {
      const s = await wb.workers.call(wb.workers.engine, (api) => api.unitSeries(unit, sensorChoice().names));
      if (id === request) draw(s); // else a newer request superseded this one
    } catch (e) {
      wb.fail('review', `Could not draw unit ${wb.units.name(unit)}: ${(e as Error).message}`);
    }
  };

  const points = (a: Float64Array) => Array.from(shown, (i) => (Number.isNaN(a[i]) ? null : a[i]));
  const flaggedPoints = () => {
    const offset = wb.threshold.thresholded?.offset;
    const a = trace!.anomaly;
    return Array.from(shown, (i) => (offset !== undefined && isFlagged(-a[i], offset) ? a[i] : null));
  };
  const storedPoints = () => {
    const hist = wb.link.history;
    if (!hist || hist.unit !== wb.selectedUnit) return x.map(() => null);
    const at = new Map<number, number>();
    hist.time.forEach((t, i) => at.set(t, -hist.score[i]));
    return x.map((t) => at.get(t) ?? null);
  };
  const scoreData = () => ({ x, anomaly: points(trace!.anomaly), flagged: flaggedPoints(), stored: storedPoints() });
  const sensorData = (name: string, i: number) => {
    const n = wb.names(name);
    return { x, values: points(trace!.series.columns[name]), label: n.label, unit: n.unit, color: sensorColor(i) };
  };

  const draw = (s: UnitSeries | undefined) => {
    score?.destroy();
    score = undefined;
    sensors.forEach((c) => c.destroy());
    sensors = [];
    sensorHost.replaceChildren();
    trace = s && wb.scores ? { series: s, anomaly: Float64Array.from(s.rows, (r) => -wb.scores![r]) } : undefined;
    if (!trace) {
      labelled = [];
      labelKey.hidden = true;
      return describe();
    }
    shown = thinIndices([trace.anomaly, ...Object.values(trace.series.columns)], trace.series.rows.length, MAX_POINTS);
    x = Array.from(shown, (i) => trace!.series.time[i]);
    breaks = gapBreaks(trace.series.time, shown);
    periods = spans();
    const label = labelColumn();
    labelled = labelPeriods(trace, label?.values);
    labelKey.hidden = !label;
    labelKey.textContent = label
      ? `Purple strip under the scores: readings labelled anomalous in “${label.name}”${labelled.length ? '' : ' (none for this unit)'}.`
      : '';
    const width = widthOf(scoreHost);
    const spec = scoreChart(scoreData(), layers, wb.time, width);
    const chart = (score = new uPlot(spec.opts, spec.data, scoreHost));
    chart.over.addEventListener('click', () => explainAt(chart.cursor.idx));
    const names = Object.keys(trace.series.columns);
    names.forEach((name, i) => {
      const host = h('div', { class: 'chart sensor', role: 'img', 'aria-label': sensorWords(wb, trace!, name) });
      sensorHost.append(host);
      const { opts, data } = sensorChart(sensorData(name, i), layers, wb.time, width, i === names.length - 1);
      const chart = new uPlot(opts, data, host);
      chart.over.addEventListener('click', () => explainAt(chart.cursor.idx));
      sensors.push(chart);
    });
    sensorCaption.textContent = `${sensorChoice().why}, raw values:`;
    cursor.reset();
    describe();
  };

  const explainAt = (idx: number | null | undefined) => {
    if (idx === null || idx === undefined || !trace) return;
    void wb.explain(trace.series.rows[shown[idx]]);
  };

  /** The unit's state in words, for the heading line and the score chart's text alternative. */
  const describe = () => {
    const t = trace?.series.time;
    const line = unitStateLine(wb, t?.length ? t[t.length - 1] : undefined);
    state.className = `unit-state ${line.state}`;
    state.textContent = line.text;
    if (!trace) return void (scoreDesc.textContent = 'No scores to show.');
    const over = flaggedPoints().filter((v) => v !== null).length;
    scoreDesc.textContent = scoreWords(wb, trace, layers.threshold()?.label ?? '', over, periods, labelled);
  };

  const cursor = keyboardCursor(scoreHost, 'Readings of the unit: anomaly score chart', {
    count: () => x.length,
    start: () => {
      const i = selectedIndex();
      const at = i < 0 ? -1 : shown.indexOf(i);
      return at >= 0 ? at : x.length - 1;
    },
    describe: (i) => {
      const j = shown[i];
      const a = trace!.anomaly[j];
      const offset = wb.threshold.thresholded?.offset;
      const f = offset !== undefined && isFlagged(-a, offset);
      const alarm = periods.some(([p, q]) => x[i] >= p && x[i] <= q);
      if (Number.isNaN(a)) return `${wb.time.at(x[i])}: not scored (${unscoredWhy(wb.model, wb.data?.wholeSeries)}).`;
      return `${wb.time.at(x[i])}: anomaly score ${fmt(a, 3)}, ${f ? 'over the threshold' : 'under the threshold'}${alarm ? ', in alarm' : ''}. Enter explains it.`;
    },
    show: (i) => score?.setCursor({ left: score.valToPos(x[i], 'x'), top: score.valToPos(trace!.anomaly[shown[i]] || 0, 'y') }),
    choose: (i) => explainAt(i),
  });

  /** The threshold moved: the flagged points, the alarm periods and the words change; the lines do not. */
  const rethreshold = () => {
    if (!trace || !score) return;
    periods = spans();
    score.setData(scoreChart(scoreData(), layers, wb.time, score.width).data);
    sensors.forEach((c) => c.redraw(false, false));
    describe();
  };

  unitSelect.addEventListener('change', () => wb.selectUnit(Number(unitSelect.value)));
  picker.addEventListener('change', () => {
    picked = [...picker.selectedOptions].map((o) => o.value);
    void refresh();
  });
  const reset = () => {
    picked = [];
    fillSelectors();
    void refresh();
  };
  wb.on('data', reset);
  wb.on('model', reset);
  wb.on('unit', reset);
  wb.on('drivers', () => !picked.length && !(wb.explanation && selectedIndex() >= 0) && reset());
  // The state line names sensors out of their training range, which arrive with the drivers.
  wb.on('drivers', describe);
  wb.on('explain', () => {
    picked = [];
    fillSelectors();
    void refresh();
  });
  wb.on('threshold', rethreshold);
  wb.on('link', () => (history.disabled = !wb.link.cosmos || wb.selectedUnit === undefined));
  history.addEventListener('click', () => wb.selectedUnit !== undefined && void wb.link.loadHistory(wb.selectedUnit));

  const exports = unitExports(
    wb,
    () => (trace ? { scoreData: scoreData(), sensorData: Object.keys(trace.series.columns).map(sensorData), layers } : undefined),
    () => widthOf(scoreHost),
  );
  followWidth(scoreHost, () => score);
  new ResizeObserver(() => {
    const w = widthOf(sensorHost);
    sensors.forEach((c) => Math.abs(c.width - w) > 1 && c.setSize({ width: w, height: c.height }));
  }).observe(sensorHost);
  return h(
    'section',
    { class: 'panel unit', 'aria-labelledby': 'unit-h' },
    h('div', { class: 'panel-head' }, heading, unitSelect, history, ...exports),
    state,
    scoreHost,
    labelKey,
    scoreDesc,
    h('div', { class: 'sensor-head' }, sensorCaption, h('details', { class: 'sensor-pick' }, h('summary', {}, 'Other sensors'), picker)),
    sensorHost,
    hint,
  );
}

/** The data's units (NaN left out), in order of first appearance: one pass, no spread of a big column. */
function unitsOf(truth: Dataset): number[] {
  const unit = truth.columns.find((c) => c.role === 'unit')?.values;
  const seen = new Set<number>();
  if (unit) for (let i = 0; i < unit.length; i++) if (!Number.isNaN(unit[i])) seen.add(unit[i]);
  return [...seen];
}
