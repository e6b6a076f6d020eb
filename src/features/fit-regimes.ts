// Finds operating regimes: k-means (k-means++ seeding, seeded RNG) on the standardised
// setting columns of the training rows, k from 1 to 8 chosen by the mean silhouette of
// a sample; regimes are kept only when they are clearly separated (silhouette >= 0.7),
// so single-condition data such as FD001 stays unnormalised.
import { requireColumns, type Dataset } from '../data/dataset.js';
import { readRange, valueAt } from '../data/compact-columns.js';
import type { RegimeModel } from './regimes.js';
import { regimeOf } from './regimes.js';

const MAX_K = 8;
const SAMPLE = 2000;
const MIN_SILHOUETTE = 0.7;

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function kmeans(points: Float64Array[], k: number, next: () => number): Float64Array[] {
  const dist = (a: Float64Array, b: Float64Array) => a.reduce((s, v, j) => s + (v - b[j]) ** 2, 0);
  const centers = [points[Math.floor(next() * points.length)].slice()];
  while (centers.length < k) {
    const d = points.map((p) => Math.min(...centers.map((c) => dist(p, c))));
    const total = d.reduce((a, b) => a + b, 0);
    let r = next() * total;
    let pick = 0;
    while (pick < d.length - 1 && (r -= d[pick]) > 0) pick++;
    centers.push(points[pick].slice());
  }
  for (let iter = 0; iter < 50; iter++) {
    const sums = centers.map((c) => new Float64Array(c.length));
    const counts = new Int32Array(k);
    for (const p of points) {
      let best = 0;
      for (let c = 1; c < k; c++) if (dist(p, centers[c]) < dist(p, centers[best])) best = c;
      counts[best]++;
      p.forEach((v, j) => (sums[best][j] += v));
    }
    let moved = 0;
    centers.forEach((c, i) => {
      if (!counts[i]) return;
      sums[i].forEach((v, j) => {
        const nv = v / counts[i];
        moved += Math.abs(nv - c[j]);
        c[j] = nv;
      });
    });
    if (moved < 1e-9) break;
  }
  return centers;
}

function silhouette(points: Float64Array[], centers: Float64Array[]): number {
  if (centers.length < 2) return 0;
  const dist = (a: Float64Array, b: Float64Array) => Math.sqrt(a.reduce((s, v, j) => s + (v - b[j]) ** 2, 0));
  // Simplified silhouette (distance to own centre vs the nearest other centre): O(n k).
  let total = 0;
  for (const p of points) {
    const d = centers.map((c) => dist(p, c)).sort((a, b) => a - b);
    total += d[1] > 0 ? (d[1] - d[0]) / Math.max(d[0], d[1]) : 0;
  }
  return total / points.length;
}

export function fitRegimes(ds: Dataset, inputs: string[], mask: Uint8Array, seed: number): RegimeModel | undefined {
  const settingCols = ds.columns.filter((c) => c.role === 'setting');
  if (settingCols.length === 0) return undefined;
  const settings = settingCols.map((c) => c.name);
  // Decoded for this fit only (a view would keep compact columns' copies for the whole training).
  const raw = requireColumns(ds, settings).map((c) => readRange(c, 0, ds.rows, true));
  const rows: number[] = [];
  for (let i = 0; i < ds.rows; i++) if (mask[i] && raw.every((c) => Number.isFinite(c[i]))) rows.push(i);
  if (rows.length < 50) return undefined;
  const settingMean = raw.map((c) => rows.reduce((s, i) => s + c[i], 0) / rows.length);
  const settingScale = raw.map((c, j) => Math.sqrt(rows.reduce((s, i) => s + (c[i] - settingMean[j]) ** 2, 0) / rows.length) || 1);
  const next = rng(seed + 1);
  const sample = Array.from({ length: Math.min(SAMPLE, rows.length) }, () => rows[Math.floor(next() * rows.length)]).map((i) =>
    Float64Array.from(raw, (c, j) => (c[i] - settingMean[j]) / settingScale[j]),
  );
  let best: { k: number; centers: Float64Array[]; score: number } = { k: 1, centers: [], score: -1 };
  for (let k = 2; k <= MAX_K; k++) {
    const centers = kmeans(sample, k, next);
    const score = silhouette(sample, centers);
    if (score > best.score + 0.02) best = { k, centers, score };
  }
  if (best.score < MIN_SILHOUETTE) return undefined;
  const model: RegimeModel = { settings, centers: best.centers.map((c) => Array.from(c)), settingMean, settingScale, mean: [], scale: [] };
  // Per regime, per input: mean and scale over the training rows in that regime.
  const k = best.k;
  const sum = Array.from({ length: k }, () => new Float64Array(inputs.length));
  const sq = Array.from({ length: k }, () => new Float64Array(inputs.length));
  const buf = new Float64Array(settings.length);
  const regime = new Int8Array(rows.length);
  rows.forEach((i, t) => {
    raw.forEach((c, j) => (buf[j] = c[i]));
    regime[t] = regimeOf(model, buf);
  });
  // An input at a time, each decoded once into one buffer; every sum still adds its rows in row order.
  // Two passes (the mean, then squared deviations from it): the one-pass E[x²] − E[x]² cancels to
  // noise of 1e-6 on a sensor that is constant within a regime (T2 at 518.67), and a scale that
  // small would turn the last digit of a reading into thousands of standard deviations.
  // A missing reading of an input counts for neither its mean nor its spread (one NaN made the regime's mean NaN).
  const scratch = new Float64Array(ds.rows);
  const seen = Array.from({ length: k }, () => new Float64Array(inputs.length));
  requireColumns(ds, inputs).forEach((column, f) => {
    const c = readRange(column, 0, ds.rows, true, scratch);
    rows.forEach((i, t) => {
      if (!Number.isFinite(c[i])) return;
      sum[regime[t]][f] += c[i];
      seen[regime[t]][f]++;
    });
    for (let r = 0; r < k; r++) sum[r][f] = seen[r][f] ? sum[r][f] / seen[r][f] : 0;
    rows.forEach((i, t) => {
      if (!Number.isFinite(c[i])) return;
      const d = c[i] - sum[regime[t]][f];
      sq[regime[t]][f] += d * d;
    });
  });
  model.mean = sum.map((s) => Array.from(s));
  // Constant within the regime up to the last bits of the mean: scale 1, in the input's own units.
  const sd = sq.map((s, r) => Array.from(s, (v, f) => Math.sqrt(v / (seen[r][f] || 1))));
  model.scale = sd.map((row, r) => row.map((v, f) => (v <= 1e-9 * Math.max(1, Math.abs(model.mean[r][f])) ? 1 : v)));
  return model;
}

/**
 * Inputs constant within every regime that has training rows (FD002's T2, P2, Nf_dmd): set by the
 * operating condition, they say nothing the regime does not. Kept, their standardised values would
 * be the rounding of each regime's mean, a few distinct values 1e-13 apart that the forest splits
 * on as if they were signal.
 */
export function constantInRegimes(m: RegimeModel, ds: Dataset, inputs: string[], rows: Int32Array): string[] {
  const regime = regimesAt(ds, m, rows);
  const seen = new Uint8Array(m.centers.length);
  for (const r of regime) if (r >= 0) seen[r] = 1;
  const cols = requireColumns(ds, inputs);
  return inputs.filter((_, f) => {
    const first = new Float64Array(m.centers.length).fill(NaN);
    for (let i = 0; i < rows.length; i++) {
      const r = regime[i];
      const v = valueAt(cols[f], rows[i]);
      if (r < 0 || !Number.isFinite(v)) continue;
      if (Number.isNaN(first[r])) first[r] = v;
      else if (v !== first[r]) return false;
    }
    return seen.some((s) => s);
  });
}

/** The regime model for a subset of its inputs (`keep`: indices into the inputs it was fitted on). */
export function keepInputs(m: RegimeModel, keep: number[]): RegimeModel {
  return { ...m, mean: m.mean.map((row) => keep.map((f) => row[f])), scale: m.scale.map((row) => keep.map((f) => row[f])) };
}

/** The regime of each of `rows` (-1 where a setting is missing or not finite). */
export function regimesAt(ds: Dataset, m: RegimeModel, rows: Int32Array): Int8Array {
  const cols = requireColumns(ds, m.settings);
  const out = new Int8Array(rows.length);
  const buf = new Float64Array(cols.length);
  for (let i = 0; i < rows.length; i++) {
    for (let s = 0; s < cols.length; s++) buf[s] = valueAt(cols[s], rows[i]);
    out[i] = buf.every(Number.isFinite) ? regimeOf(m, buf) : -1;
  }
  return out;
}
