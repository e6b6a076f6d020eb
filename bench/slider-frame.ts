// A focused figure for the slider (issue 15): the one-time alarm and evaluation index, and one
// frame (budget + evaluation), on 6M synthetic readings of 35,000 units, in Node.
import { AlarmBudget } from '../src/alarms/alarm-budget.js';
import { EvaluationSweep } from '../src/metrics/evaluation-sweep.js';
import { rankingMetrics } from '../src/metrics/evaluate.js';
import { baselineMask, parseBaseline } from '../src/data/baseline.js';
import { loadavg } from 'node:os';
import type { Dataset } from '../src/data/dataset.js';
const units = 35000,
  per = 172,
  rows = units * per;
const unit = new Float64Array(rows),
  time = new Float64Array(rows),
  scores = new Float64Array(rows),
  rul = new Float64Array(rows);
let s = 1;
const r = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
for (let u = 0, i = 0; u < units; u++)
  for (let t = 0; t < per; t++, i++) {
    unit[i] = u + 1;
    time[i] = t + 1;
    rul[i] = per - 1 - t;
    scores[i] = -0.4 - 0.2 * (t / per) ** 3 - r() * 0.08;
  }
const ds = {
  name: 'x',
  rows,
  columns: [
    { name: 'unit', role: 'unit', values: unit },
    { name: 'time', role: 'time', values: time },
    { name: 'rul', role: 'rul', values: rul },
  ],
} as unknown as Dataset;
const mask = baselineMask(ds, parseBaseline('first:50%'));
let t0 = performance.now();
const b = AlarmBudget.of(scores, mask, { unit, time, rule: { k: 3, n: 5, clear: 0 } });
const tb = performance.now() - t0;
const opts = { horizon: 30, baseline: parseBaseline('first:50%'), baselineMask: mask, alarm: { k: 3, n: 5, clear: 0 } };
t0 = performance.now();
const rank = rankingMetrics(ds, scores, opts, mask);
const tr = performance.now() - t0;
t0 = performance.now();
const sw = EvaluationSweep.of(ds, scores, b.groups, b.levels, opts, rank);
const ts = performance.now() - t0;
console.log(
  `rows ${rows}: budget index ${tb.toFixed(0)} ms, ranking ${tr.toFixed(0)} ms, sweep index ${ts.toFixed(0)} ms [load ${loadavg()[0].toFixed(2)}]`,
);
const fb: number[] = [],
  fe: number[] = [];
for (let i = 0; i < 60; i++) {
  const off = b.offsetFor(0.005 + (i % 40) * 0.01);
  // CPU time of this process (microseconds): less distorted than wall time on a shared machine
  let t = process.cpuUsage();
  b.apply(off);
  fb.push(process.cpuUsage(t).user / 1000);
  t = process.cpuUsage();
  sw.at(off);
  fe.push(process.cpuUsage(t).user / 1000);
}
const med = (a: number[]) => a.slice(20).sort((x, y) => x - y)[20];
console.log(`frame (CPU time): budget ${med(fb).toFixed(2)} ms, evaluation ${med(fe).toFixed(2)} ms [load ${loadavg()[0].toFixed(2)}]`);
