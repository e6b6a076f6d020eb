// Replay (and live hub streams): Start, Pause, Stop, Restart; live metrics (0 readings/s
// when nothing flows); a bounded live chart redrawn at most once per frame; and the
// alert feed, whose rows open the unit at the alarm's reading. Folded until used.
import uPlot from 'uplot';
import { columnByRole } from '../../data/dataset.js';
import { fmt, h, pct, plural } from '../dom.js';
import type { Workbench } from '../workbench.js';
import { INK, ALARM, axis, followWidth, widthOf } from '../charts.js';
import { rangeWithThreshold, thresholdY } from '../chart-layers.js';
import { messageLine } from './message-line.js';
import { DefinitionList, type Definition } from './definition-list.js';
import { dataKindWords, unitWords } from '../../stream/data-watch.js';
import type { LinkStatus } from '../../stream/link-status.js';

const RATES: [string, number][] = [
  ['100 / s', 100],
  ['1,000 / s', 1000],
  ['10,000 / s', 10000],
  ['100,000 / s', 100000],
  ['Maximum', 0],
];
const SHOWN_ALERTS = 50;
const DOTS = '#94a3b8';

export function livePanel(wb: Workbench): HTMLElement {
  const rate = h(
    'select',
    { 'aria-label': 'Replay rate' },
    ...RATES.map(([label, v]) => h('option', { value: v, selected: v === 1000 }, label)),
  );
  const k = h('input', {
    type: 'number',
    min: 1,
    max: 1000,
    value: 3,
    'aria-label': 'Replay alarm: readings over the threshold',
    class: 'tiny',
  });
  const n = h('input', { type: 'number', min: 1, max: 1000, value: 5, 'aria-label': 'Replay alarm: of the last readings', class: 'tiny' });
  const start = h('button', { type: 'button', class: 'primary' }, 'Start');
  const pause = h('button', { type: 'button', disabled: true }, 'Pause');
  const stop = h('button', { type: 'button', disabled: true }, 'Stop');
  const restart = h('button', { type: 'button', disabled: true }, 'Restart');
  const metrics = new DefinitionList(h('dl', { class: 'metrics live-metrics' }));
  const feed = h('ol', { class: 'alert-feed', 'aria-label': 'Alert feed' });
  const cut = h('p', { class: 'muted small', 'data-testid': 'alerts-cut' });
  const qualityHead = h('h4', { hidden: true }, 'Data quality');
  const quality = h('ol', { class: 'alert-feed', 'aria-label': 'Data-quality alerts', 'data-testid': 'data-alerts', hidden: true });
  const host = h('div', { class: 'chart', role: 'img', 'aria-label': 'Live anomaly scores of the latest readings.' });
  const key = h('p', { class: 'muted small', 'data-testid': 'live-key' });
  const progress = h('progress', { max: 1, value: 0, 'aria-label': 'Replay progress' });
  let chart: uPlot | undefined;
  let frame = 0;

  /** The alarm rule as typed, or undefined once its error is shown. */
  const rule = (): { k: number; n: number } | undefined => {
    const kv = Number(k.value);
    const nv = Number(n.value);
    if (Number.isInteger(nv) && nv >= 1 && nv <= 1000 && Number.isInteger(kv) && kv >= 1 && kv <= nv) return { k: kv, n: nv };
    wb.fail('stream', `Alarm rule: k must be a whole number from 1 to n, and n from 1 to 1000 (got k=${k.value}, n=${n.value}).`);
    return undefined;
  };
  start.addEventListener('click', () => {
    const r = rule();
    if (r) void wb.replay.start(Number(rate.value), r.k, r.n);
  });
  pause.addEventListener('click', () => void wb.replay.control(wb.replay.state === 'playing' ? 'pause' : 'resume'));
  stop.addEventListener('click', () => void wb.replay.control('stop'));
  // A rule changed since the run began restarts under the new rule, checked as Start checks it.
  restart.addEventListener('click', () => {
    const r = rule();
    if (!r) return;
    if (wb.replay.runsRule(r.k, r.n)) void wb.replay.control('restart');
    else void wb.replay.start(Number(rate.value), r.k, r.n);
  });
  rate.addEventListener('change', () => void wb.replay.setRate(Number(rate.value)));

  /** An alert opens its unit and explains the reading that raised or cleared the alarm. */
  const open = (unit: number, time: number) => {
    wb.selectUnit(unit);
    const truth = wb.data?.truth;
    const u = truth && columnByRole(truth, 'unit')?.values;
    const t = truth && columnByRole(truth, 'time')?.values;
    if (u && t) for (let i = 0; i < u.length; i++) if (u[i] === unit && t[i] === time) void wb.explain(i);
    document.getElementById('review')?.scrollIntoView({ block: 'start' });
    document.getElementById('unit-score-chart')?.focus({ preventScroll: true });
  };

  // A fleet's readings arrive unit after unit: dots for all, a line only through the selected unit's.
  const fleet = () => !wb.data?.wholeSeries;
  const draw = () => {
    frame = 0;
    const unit = fleet() ? wb.selectedUnit : undefined;
    const data = wb.replay.window.series(unit) as uPlot.AlignedData;
    const name = unit === undefined ? undefined : wb.units.name(unit);
    host.setAttribute(
      'aria-label',
      fleet()
        ? `Live anomaly scores of the latest readings: every unit’s as dots${name === undefined ? '' : `, unit ${name}’s as a line`}.`
        : 'Live anomaly scores of the latest readings.',
    );
    key.textContent = fleet() ? `Dots: every unit’s readings as they arrive, red over the threshold. ${lineWords(data, name)}` : '';
    if (chart) return chart.setData(data);
    chart = new uPlot(
      {
        width: widthOf(host),
        height: 170,
        legend: { show: false },
        scales: {
          x: { time: false },
          // The threshold stays in view while every score is below it: how far below is the point.
          y: { range: (_u, min, max) => rangeWithThreshold(min, max, wb.model ? -wb.model.threshold.offset : undefined) },
        },
        axes: [axis(1, 'reading # (in time order)'), axis(1, 'anomaly score', { size: 48 })],
        series: [
          {},
          fleet() ? { stroke: DOTS, width: 0, points: { show: true, size: 3, fill: DOTS, stroke: DOTS } } : { stroke: INK, width: 1 },
          { stroke: ALARM, width: 0, points: { show: true, size: 5, fill: ALARM } },
          { stroke: INK, width: 1.5, spanGaps: true, points: { show: false } },
        ],
        plugins: [
          thresholdY(() =>
            wb.model ? { y: -wb.model.threshold.offset, label: `threshold ${fmt(-wb.model.threshold.offset, 3)}` } : undefined,
          ),
        ],
      },
      data,
      host,
    );
  };

  /** The live link's data-quality alerts: those in force, then the latest raised and cleared. */
  const showQuality = (q: LinkStatus['quality']) => {
    quality.hidden = qualityHead.hidden = !q;
    if (!q) return quality.replaceChildren();
    const name = (input: string) => input || 'operating settings';
    quality.replaceChildren(
      ...q.active.map((a) =>
        h('li', { class: 'raised' }, h('strong', {}, 'In force'), ` ${name(a.input)} ${dataKindWords(a.kind)}${unitWords(a)}`),
      ),
      ...(q.moreActive ? [h('li', { class: 'raised' }, `and ${fmt(q.moreActive)} more in force`)] : []),
      ...q.recent.map((a) =>
        h(
          'li',
          { class: a.raised ? 'raised' : 'cleared' },
          h('strong', {}, a.raised ? 'Raised' : 'Cleared'),
          ` ${name(a.input)} ${dataKindWords(a.kind)}${unitWords(a)} · by reading ${fmt(a.reading)} · ` +
            `${pct(a.share)} of ${a.unit === undefined ? 'the' : "the unit's"} last readings${a.covered ? ' (now the fleet-wide alert)' : ''}`,
        ),
      ),
    );
    if (!q.active.length && !q.recent.length) quality.append(h('li', { class: 'muted' }, 'The readings fit the training envelope.'));
  };

  const render = () => {
    const st = wb.replay.state;
    const running = st === 'playing' || st === 'paused';
    start.disabled = !wb.model || running || wb.link.connected; // one live source at a time: they share the model's stream state
    pause.disabled = !running;
    pause.textContent = st === 'paused' ? 'Resume' : 'Pause';
    stop.disabled = !running;
    restart.disabled = !(running || st === 'finished');
    const s = wb.replay.stats;
    const items: Definition[] = [];
    const item = (term: string, value: string, id: string) => items.push({ term, value, id });
    const hub = wb.link.status;
    const linked = !!hub && wb.link.connected;
    item('State', linked ? `${hub.state} (Event Hubs)` : st, 'live-state');
    item('Readings / s', s ? fmt(Math.round(linked ? s.eventsPerSec : wb.replay.eventsPerSec)) : '–', 'live-rate');
    item('Latency p50 / p99', s ? `${fmt(s.latencyP50, 2)} / ${fmt(s.latencyP99, 2)} ms` : '–', 'live-latency');
    item('Anomaly rate (last 1,000)', s ? pct(s.anomalyRate) : '–', 'live-anomaly-rate');
    item('Processed', s ? (wb.replay.total ? `${fmt(s.processed)} of ${fmt(wb.replay.total)}` : fmt(s.processed)) : '–', 'live-processed');
    metrics.show(items);
    progress.value = s && wb.replay.total ? s.processed / wb.replay.total : 0;
    const alerts = wb.replay.alerts.slice(0, SHOWN_ALERTS);
    feed.replaceChildren(
      ...alerts.map((a) =>
        h(
          'li',
          { class: a.kind },
          h(
            'button',
            { type: 'button', class: 'link', onclick: () => open(a.unit, a.time) },
            h('strong', {}, a.kind === 'raised' ? 'Alarm' : 'Cleared'),
            ` unit ${wb.units.name(a.unit)} · ${wb.time.at(a.time)} · score ${(-a.score).toFixed(3)}`,
          ),
        ),
      ),
    );
    if (!alerts.length) feed.append(h('li', { class: 'muted' }, 'No alarms yet.'));
    const total = wb.replay.alertCount;
    cut.textContent =
      total > alerts.length ? `Showing the latest ${alerts.length} of ${plural(total, 'alarm change')} (raised and cleared).` : '';
    showQuality(linked ? hub.quality : undefined);
    if (st !== 'idle' || linked) details.open = true;
    if (!frame && wb.replay.window.length) frame = requestAnimationFrame(draw);
  };
  wb.on('live', render);
  wb.on('link', render);
  wb.on('model', () => {
    // Replay alarms with the model's own rule unless the user changes it.
    if (wb.model?.alarm) {
      k.value = String(wb.model.alarm.k);
      n.value = String(wb.model.alarm.n);
    }
    render();
  });
  wb.on('data', () => {
    chart?.destroy();
    chart = undefined;
    render();
  });
  wb.on('threshold', () => chart?.redraw(false, false));
  wb.on('unit', () => {
    if (!frame && wb.replay.window.length) frame = requestAnimationFrame(draw);
  });
  const details = h(
    'details',
    { class: 'panel live' },
    h(
      'summary',
      {},
      h('h3', { id: 'live-h' }, 'Replay as a stream'),
      h('span', { class: 'muted small' }, ' the loaded data, in time order, through the model'),
    ),
    h(
      'div',
      { class: 'live-controls' },
      start,
      pause,
      stop,
      restart,
      h('label', { class: 'inline' }, 'Rate ', rate),
      h('span', { class: 'inline' }, 'Alarm after ', k, ' of the last ', n, ' readings'),
    ),
    messageLine(wb, 'stream'),
    progress,
    h(
      'div',
      { class: 'live-body' },
      h('div', { class: 'charts' }, host, key),
      h('div', { class: 'live-side' }, metrics.el, h('h4', {}, 'Alerts'), feed, cut, qualityHead, quality),
    ),
  );
  render();
  followWidth(host, () => chart);
  return details;
}

/**
 * What the open unit's line is. At a fast rate the stream keeps the highest reading of each run
 * of readings (of any unit) for the chart, so the line joins those of the unit's readings kept;
 * a hub's unit may have none among them (or ids the page does not know).
 */
function lineWords(data: uPlot.AlignedData, name: string | undefined): string {
  if (name === undefined) return 'Open a unit in step 4 to follow it as a line.';
  const [x, , , own] = data;
  if (!own.some((v) => v !== null)) return `Unit ${name}, open in step 4: none of its readings among those drawn.`;
  let thinned = false;
  for (let i = 1; i < x.length && !thinned; i++) thinned = x[i] - x[i - 1] > 1;
  return thinned
    ? `Line: unit ${name}, the unit open in step 4, through its readings the chart keeps (at this rate, the highest of each run of readings).`
    : `Line: unit ${name}, the unit open in step 4.`;
}
