import { readFileSync } from 'node:fs';
import { createNodeEngine } from '../dist/src/core/node-engine.js';
import { ingestFiles } from '../dist/src/data/ingest.js';
import { trainModel } from '../dist/src/core/train.js';
import { LoadedModel } from '../dist/src/core/scorer.js';
import { parseBaseline, baselineMask } from '../dist/src/data/baseline.js';
import { rocAuc } from '../dist/src/metrics/ranking.js';
import { KofN } from '../dist/src/core/debounce.js';
const e = await createNodeEngine();
const ds0 = ingestFiles([{ name: 'train_FD001.txt', bytes: readFileSync('../shared/data/cmapss/train_FD001.txt') }]);
const col = (ds, n) => ds.columns.find((c) => c.name === n).values;
const unit = col(ds0, 'unit_number'),
  rul = col(ds0, 'rul'),
  time = col(ds0, 'time_in_cycles');
const half = baselineMask(ds0, parseBaseline('first:50%'));
const sensors = [
  'sensor_2',
  'sensor_3',
  'sensor_4',
  'sensor_7',
  'sensor_8',
  'sensor_9',
  'sensor_11',
  'sensor_12',
  'sensor_13',
  'sensor_14',
  'sensor_15',
  'sensor_17',
  'sensor_20',
  'sensor_21',
];
function windowed(ds, k, stats) {
  const cols = [];
  for (const s of sensors) {
    const v = col(ds, s);
    const mean = new Float64Array(ds.rows),
      std = new Float64Array(ds.rows),
      slope = new Float64Array(ds.rows);
    let start = 0;
    for (let i = 0; i < ds.rows; i++) {
      if (i > 0 && unit[i] !== unit[i - 1]) start = i;
      const from = Math.max(start, i - k + 1),
        m = i - from + 1;
      let s1 = 0,
        s2 = 0,
        sxy = 0;
      for (let j = from; j <= i; j++) {
        s1 += v[j];
        s2 += v[j] * v[j];
        sxy += (j - from) * v[j];
      }
      const mu = s1 / m;
      mean[i] = mu;
      std[i] = Math.sqrt(Math.max(0, s2 / m - mu * mu));
      const sx = (m * (m - 1)) / 2,
        sxx = ((m - 1) * m * (2 * m - 1)) / 6;
      slope[i] = m > 1 ? (m * sxy - sx * s1) / (m * sxx - sx * sx) : 0;
    }
    if (stats.includes('mean')) cols.push({ name: s + '_mean', role: 'feature', values: mean, missing: 0, nonNumeric: 0 });
    if (stats.includes('std')) cols.push({ name: s + '_std', role: 'feature', values: std, missing: 0, nonNumeric: 0 });
    if (stats.includes('slope')) cols.push({ name: s + '_slope', role: 'feature', values: slope, missing: 0, nonNumeric: 0 });
    if (stats.includes('raw')) cols.push({ name: s + '_raw', role: 'feature', values: v, missing: 0, nonNumeric: 0 });
  }
  return { ...ds, columns: [...ds.columns.filter((c) => c.role !== 'feature'), ...cols] };
}
function deviation(ds, B, k) {
  const cols = [];
  for (const s of sensors) {
    const v = col(ds, s);
    const out = new Float64Array(ds.rows);
    let start = 0,
      sum = 0,
      cnt = 0;
    for (let i = 0; i < ds.rows; i++) {
      if (i > 0 && unit[i] !== unit[i - 1]) {
        start = i;
        sum = 0;
        cnt = 0;
      }
      if (cnt < B) {
        sum += v[i];
        cnt++;
      }
      const from = Math.max(start, i - k + 1);
      let s1 = 0;
      for (let j = from; j <= i; j++) s1 += v[j];
      out[i] = s1 / (i - from + 1) - sum / cnt;
    }
    cols.push({ name: s + '_dev', role: 'feature', values: out, missing: 0, nonNumeric: 0 });
  }
  return { ...ds, columns: [...ds.columns.filter((c) => c.role !== 'feature'), ...cols] };
}
function evaluate(scores, q, k, n) {
  const truth = new Uint8Array(scores.length).fill(255);
  for (let i = 0; i < scores.length; i++) truth[i] = rul[i] <= 30 ? 1 : half[i] ? 0 : 255;
  const anomaly = scores.map((s) => -s);
  const auc = rocAuc(anomaly, truth);
  const base = anomaly.filter((_, i) => half[i]).sort();
  const thr = base[Math.min(base.length - 1, Math.floor(q * base.length))];
  const d = new KofN({ k, n });
  const first = new Map();
  let fa = 0;
  for (let i = 0; i < scores.length; i++) {
    const edge = d.push(unit[i], anomaly[i] > thr ? 1 : 0);
    if (edge === 1) {
      if (half[i]) fa++;
      else if (!first.has(unit[i])) first.set(unit[i], rul[i]);
    }
  }
  const leads = [...first.values()].sort((a, b) => a - b);
  return {
    auc: auc.toFixed(4),
    median: leads[leads.length >> 1],
    p10: leads[Math.floor(leads.length * 0.1)],
    warned: leads.length,
    fa: (fa / 100).toFixed(3),
  };
}
for (const [label, ds] of [
  ['dev B20 k1', deviation(ds0, 20, 1)],
  ['dev B30 k1', deviation(ds0, 30, 1)],
  ['dev B20 k5', deviation(ds0, 20, 5)],
  ['dev B30 k5', deviation(ds0, 30, 5)],
  ['dev B30 k10', deviation(ds0, 30, 10)],
]) {
  const feats = ds.columns.filter((c) => c.role === 'feature').map((c) => c.name);
  const rows = [];
  for (const seed of [42, 7, 1]) {
    const { model } = await trainModel(e, ds, { features: feats, baseline: parseBaseline('first:50%'), params: { seed } });
    const s = new LoadedModel(e, model).scoreDataset(ds).scores;
    for (const q of [0.99, 0.995, 0.998])
      for (const [k, n] of [
        [3, 5],
        [4, 6],
        [5, 8],
      ]) {
        const r = evaluate(s, q, k, n);
        rows.push(
          `${seed} q${q} ${k}/${n} auc ${r.auc} med ${r.median} p10 ${r.p10} w ${r.warned} fa ${r.fa}${r.median >= 40 && r.p10 >= 25 && r.warned === 100 && +r.fa <= 0.05 ? ' OK' : ''}`,
        );
      }
  }
  console.log(label);
  console.log(rows.filter((r) => r.includes('q0.995 3/5') || r.includes('OK')).join('\n'));
}
