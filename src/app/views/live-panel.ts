// Replay (and, later, live streams): controls, live metrics, a bounded live chart
// redrawn at most once per frame, and the debounced alert feed.
import uPlot from 'uplot';
import { fmt, h, pct } from '../dom.js';
import type { Workbench } from '../workbench.js';
import { followWidth, markerPlugin, widthOf } from '../charts.js';

const RATES: [string, number][] = [
  ['100 / s', 100],
  ['1,000 / s', 1000],
  ['10,000 / s', 10000],
  ['100,000 / s', 100000],
  ['Maximum', 0],
];

export function livePanel(wb: Workbench): HTMLElement {
  const rate = h(
    'select',
    { 'aria-label': 'Replay rate' },
    ...RATES.map(([label, v]) => h('option', { value: v, selected: v === 1000 }, label)),
  );
  const k = h('input', { type: 'number', min: 1, max: 1000, value: 3, 'aria-label': 'Alarm k', class: 'tiny' });
  const n = h('input', { type: 'number', min: 1, max: 1000, value: 5, 'aria-label': 'Alarm n', class: 'tiny' });
  const replay = h('button', { type: 'button', class: 'primary' }, 'Replay');
  const pause = h('button', { type: 'button', disabled: true }, 'Pause');
  const restart = h('button', { type: 'button', disabled: true }, 'Restart');
  const metrics = h('dl', { class: 'metrics live-metrics' });
  const feed = h('ol', { class: 'alert-feed', role: 'log', 'aria-label': 'Alert feed', 'aria-live': 'polite' });
  const host = h('div', { class: 'chart' });
  const progress = h('progress', { max: 1, value: 0, 'aria-label': 'Replay progress' });
  let chart: uPlot | undefined;
  let frame = 0;

  replay.addEventListener('click', () => {
    const kv = Number(k.value);
    const nv = Number(n.value);
    if (!(Number.isInteger(nv) && nv >= 1 && nv <= 1000 && Number.isInteger(kv) && kv >= 1 && kv <= nv)) {
      return wb.fail(`Alarm rule: k must be a whole number from 1 to n, and n from 1 to 1000 (got k=${k.value}, n=${n.value}).`);
    }
    void wb.replay.start(Number(rate.value), kv, nv);
  });
  pause.addEventListener('click', () => void wb.replay.control(wb.replay.state === 'playing' ? 'pause' : 'resume'));
  restart.addEventListener('click', () => void wb.replay.control('restart'));
  rate.addEventListener('change', () => void wb.replay.setRate(Number(rate.value)));

  const draw = () => {
    frame = 0;
    const data = wb.replay.window.series() as uPlot.AlignedData;
    if (!chart) {
      chart = new uPlot(
        {
          width: widthOf(host.parentElement!),
          height: 170,
          legend: { show: false },
          scales: { x: { time: false } },
          axes: [{ label: 'reading #' }, { label: 'anomaly score', size: 50 }],
          series: [{}, { stroke: '#111827', width: 1 }, { stroke: '#dc2626', width: 0, points: { show: true, size: 5, fill: '#dc2626' } }],
          plugins: [markerPlugin(() => (wb.model ? { y: -wb.model.threshold.offset } : undefined))],
        },
        data,
        host,
      );
    } else {
      chart.setData(data);
    }
  };

  const render = () => {
    const st = wb.replay.state;
    replay.disabled = !wb.model || wb.link.connected; // one live source at a time: they share the model's stream state
    pause.disabled = !(st === 'playing' || st === 'paused');
    pause.textContent = st === 'paused' ? 'Resume' : 'Pause';
    restart.disabled = st === 'idle';
    const s = wb.replay.stats;
    metrics.replaceChildren();
    const item = (key: string, v: string, id: string) => metrics.append(h('dt', {}, key), h('dd', { 'data-testid': id }, v));
    const hub = wb.link.status;
    item('State', hub && wb.link.connected ? `${hub.state} (Event Hubs)` : st, 'live-state');
    item('Events / s', s ? fmt(Math.round(s.eventsPerSec)) : '–', 'live-rate');
    item('Latency p50 / p99', s ? `${fmt(s.latencyP50, 2)} / ${fmt(s.latencyP99, 2)} ms` : '–', 'live-latency');
    item('Anomaly rate (last 1,000)', s ? pct(s.anomalyRate) : '–', 'live-anomaly-rate');
    item('Processed', s ? (wb.replay.total ? `${fmt(s.processed)} of ${fmt(wb.replay.total)}` : fmt(s.processed)) : '–', 'live-processed');
    progress.value = s && wb.replay.total ? s.processed / wb.replay.total : 0;
    feed.replaceChildren(
      ...wb.replay.alerts
        .slice(0, 50)
        .map((a) =>
          h(
            'li',
            { class: a.kind },
            h('strong', {}, a.kind === 'raised' ? 'ALARM' : 'clear'),
            ` unit ${fmt(a.unit)} · t ${fmt(a.time)} · score ${fmt(-a.score, 3)}`,
          ),
        ),
    );
    if (!wb.replay.alerts.length) feed.append(h('li', { class: 'muted' }, 'No alarms yet.'));
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
  render();
  const section = h(
    'section',
    { class: 'panel live', 'aria-labelledby': 'live-h' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'live-h' }, 'Replay as a stream')),
    h(
      'div',
      { class: 'live-controls' },
      replay,
      pause,
      restart,
      h('label', { class: 'inline' }, 'Rate ', rate),
      h('label', { class: 'inline' }, 'Alarm after ', k, ' of last ', n, ' readings'),
    ),
    progress,
    h(
      'div',
      { class: 'live-body' },
      h('div', { class: 'charts' }, host),
      h('div', { class: 'live-side' }, metrics, h('h3', {}, 'Alerts'), feed),
    ),
  );
  followWidth(host, () => chart);
  return section;
}
