// The training envelope a model records: per input, quantiles of the healthy baseline,
// its missing rate and the longest run of identical readings (the flat-line tolerance);
// per operating regime too, when the recipe has regimes. Scored data is checked against
// it (data-check.ts) so a model never silently scores data it was not trained on.
import { requireColumns, columnByRole, type Dataset } from '../data/dataset.js';
import { RowChunks } from '../data/compact-columns.js';
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

/** Quantiles of the first n values of scratch (sorted in place): the same for any order of the same values. */
function quantilesOf(scratch: Float64Array, n: number): number[] {
  const sorted = scratch.subarray(0, n).sort();
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

/**
 * One pass in unit and time order for the missing rates, flat runs and regimes; then each
 * input's (and each regime's) baseline values are gathered into one reused scratch array and
 * sorted there. (Per-row pushes onto number arrays cost 5 s and up to 1 GB at 3M baseline rows.)
 */
export function fitEnvelope(ds: Dataset, inputs: string[], mask: Uint8Array, regimes?: RegimeModel): TrainingEnvelope {
  const cols = requireColumns(ds, inputs);
  const unit = columnByRole(ds, 'unit')?.values;
  const order = unitTimeOrder(ds);
  const settingCols = regimes ? requireColumns(ds, regimes.settings) : [];
  // Walked a chunk at a time: compact columns are never decoded whole.
  const chunks = new RowChunks([...cols, ...settingCols], order, ds.rows);
  const d = cols.length;
  const k = regimes?.centers.length ?? 0;
  const missing = new Float64Array(d);
  const longest = new Int32Array(d);
  // Each unit's runs kept apart when units interleave in the walk (a plant export in time order);
  // units in runs of their own (as C-MAPSS) share one slot, cleared at each new unit, so memory
  // does not grow with the unit count.
  const slots = new Map<number, number>();
  let rows = 0;
  let runs = 0;
  let prev = NaN;
  for (let j = 0; j < ds.rows; j++) {
    const i = order ? order[j] : j;
    if (!mask[i]) continue;
    rows++;
    const u = unit ? unit[i] : 0;
    if (!(u === prev || (u !== u && prev !== prev && runs > 0))) runs++;
    prev = u;
    if (!slots.has(u)) slots.set(u, slots.size);
  }
  const interleaved = runs > slots.size;
  const run = new Int32Array((interleaved ? slots.size : 1) * d);
  const last = new Float64Array((interleaved ? slots.size : 1) * d).fill(NaN);
  const scratch = new Float64Array(rows);
  // Each baseline row's regime (-1: settings missing), and the distances to the regimes' centres.
  const regimeAt = regimes ? new Int8Array(ds.rows).fill(-1) : undefined;
  let distances = 0;
  const buf = new Float64Array(settingCols.length);
  let lastUnit = NaN;
  let at0 = 0;
  for (let j = 0; j < ds.rows; j++) {
    const i = order ? order[j] : j;
    if (j === chunks.end) chunks.load(j);
    if (!mask[i]) continue;
    const at = j - chunks.start;
    const u = unit ? unit[i] : 0;
    if (!(u === lastUnit || (u !== u && lastUnit !== lastUnit && j > 0))) {
      if (interleaved) at0 = slots.get(u)! * d;
      else last.fill(NaN);
      lastUnit = u;
    }
    if (regimes) {
      for (let s = 0; s < settingCols.length; s++) buf[s] = chunks.values[d + s][at];
      if (buf.every(Number.isFinite)) {
        const r = regimeOf(regimes, buf);
        regimeAt![i] = r;
        scratch[distances++] = regimeDistance(regimes, buf, r);
      }
    }
    for (let f = 0; f < d; f++) {
      const v = chunks.values[f][at];
      const s = at0 + f;
      if (!Number.isFinite(v)) {
        missing[f]++;
        last[s] = NaN;
        continue;
      }
      run[s] = v === last[s] ? run[s] + 1 : 1;
      last[s] = v;
      if (run[s] > longest[f]) longest[f] = run[s];
    }
  }
  const distance = regimes ? quantilesOf(scratch, distances)[ENVELOPE_QUANTILES.length - 1] : 0;
  /** Input f's finite baseline values (of regime r, if given) into scratch; returns how many. */
  const gather = (f: number, r?: number): number => {
    const column = new RowChunks([cols[f]], null, ds.rows);
    let n = 0;
    for (let i = 0; i < ds.rows; i++) {
      if (i === column.end) column.load(i);
      const v = column.values[0][i - column.start];
      if (mask[i] && Number.isFinite(v) && (r === undefined || regimeAt![i] === r)) scratch[n++] = v;
    }
    return n;
  };
  const envelope: TrainingEnvelope = {
    quantiles: [...ENVELOPE_QUANTILES],
    inputs: inputs.map((name, f) => ({
      name,
      missing: rows ? missing[f] / rows : 0,
      q: quantilesOf(scratch, gather(f)),
      flatRun: longest[f],
    })),
  };
  if (regimes) {
    const q = Array.from({ length: k }, (_, r) =>
      cols.map((_, f) => {
        const n = gather(f, r);
        return n ? quantilesOf(scratch, n) : envelope.inputs[f].q;
      }),
    );
    envelope.regimes = { q, distance };
  }
  return envelope;
}
