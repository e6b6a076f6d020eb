// The training envelope a model records: per input, quantiles of the healthy baseline,
// its missing rate and the longest run of identical readings (the flat-line tolerance);
// per operating regime too, when the recipe has regimes. Scored data is checked against
// it (data-check.ts) so a model never silently scores data it was not trained on.
import { featureColumns, columnByRole, type Dataset } from '../data/dataset.js';
import { unitTimeOrder } from '../data/order.js';
import type { RegimeModel } from '../features/regimes.js';
import { regimeOf } from '../features/regimes.js';

/** Probabilities of the stored quantiles: the range ends, the bulk, and the median. */
export const ENVELOPE_QUANTILES = [0.001, 0.01, 0.5, 0.99, 0.999];

export interface InputEnvelope {
  name: string;
  /** Share of baseline readings where the input was missing. */
  missing: number;
  /** Baseline quantiles at ENVELOPE_QUANTILES. */
  q: number[];
  /** Longest run of identical consecutive readings within a unit in the baseline. */
  flatRun: number;
}

export interface TrainingEnvelope {
  quantiles: number[];
  inputs: InputEnvelope[];
  /** With regimes: quantiles per regime per input, and the 0.999 quantile of a reading's distance to its regime centre. */
  regimes?: { q: number[][][]; distance: number };
}

function quantilesOf(values: number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  return ENVELOPE_QUANTILES.map((p) => {
    if (!sorted.length) return 0;
    const pos = (sorted.length - 1) * p;
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  });
}

/** Standardised distance from a reading's settings to the nearest regime centre. */
export function regimeDistance(m: RegimeModel, settings: ArrayLike<number>, r: number): number {
  let d = 0;
  for (let j = 0; j < m.settings.length; j++) {
    const z = (settings[j] - m.settingMean[j]) / m.settingScale[j] - m.centers[r][j];
    d += z * z;
  }
  return Math.sqrt(d);
}

export function fitEnvelope(ds: Dataset, inputs: string[], mask: Uint8Array, regimes?: RegimeModel): TrainingEnvelope {
  const cols = featureColumns(ds, inputs);
  const unit = columnByRole(ds, 'unit')?.values;
  const order = unitTimeOrder(ds);
  const settings = regimes ? featureColumns(ds, regimes.settings) : [];
  const k = regimes?.centers.length ?? 0;
  const values = cols.map(() => [] as number[]);
  const perRegime = Array.from({ length: k }, () => cols.map(() => [] as number[]));
  const missing = new Float64Array(cols.length);
  const run = new Int32Array(cols.length);
  const longest = new Int32Array(cols.length);
  const last = new Float64Array(cols.length).fill(NaN);
  const distances: number[] = [];
  const buf = new Float64Array(settings.length);
  let lastUnit = NaN;
  let rows = 0;
  for (let j = 0; j < ds.rows; j++) {
    const i = order ? order[j] : j;
    if (!mask[i]) continue;
    rows++;
    const u = unit ? unit[i] : 0;
    if (!(u === lastUnit)) {
      last.fill(NaN);
      lastUnit = u;
    }
    let r = -1;
    if (regimes) {
      for (let s = 0; s < settings.length; s++) buf[s] = settings[s][i];
      if (buf.every(Number.isFinite)) {
        r = regimeOf(regimes, buf);
        distances.push(regimeDistance(regimes, buf, r));
      }
    }
    for (let f = 0; f < cols.length; f++) {
      const v = cols[f][i];
      if (!Number.isFinite(v)) {
        missing[f]++;
        last[f] = NaN;
        continue;
      }
      values[f].push(v);
      if (r >= 0) perRegime[r][f].push(v);
      run[f] = v === last[f] ? run[f] + 1 : 1;
      last[f] = v;
      if (run[f] > longest[f]) longest[f] = run[f];
    }
  }
  const envelope: TrainingEnvelope = {
    quantiles: [...ENVELOPE_QUANTILES],
    inputs: inputs.map((name, f) => ({ name, missing: rows ? missing[f] / rows : 0, q: quantilesOf(values[f]), flatRun: longest[f] })),
  };
  if (regimes) {
    const q = perRegime.map((byInput) => byInput.map((v, f) => (v.length ? quantilesOf(v) : envelope.inputs[f].q)));
    envelope.regimes = { q, distance: quantilesOf(distances)[ENVELOPE_QUANTILES.length - 1] };
  }
  return envelope;
}
