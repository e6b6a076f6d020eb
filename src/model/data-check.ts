// Does scored data fit the model's training envelope? Per input: the share of readings
// missing, below or above the training range (per operating regime when the model has
// regimes), and stuck (flat longer than training ever was). The verdict weighs the
// start of each unit apart from the rest, because wear is what the model exists to
// detect: units that start inside the envelope and leave it later are drift at most,
// while data whose units already start outside it is a mismatch.
import { columnByRole, requireColumns, type Dataset } from '../data/dataset.js';
import { RowChunks } from '../data/compact-columns.js';
import { unitTimeOrder } from '../data/order.js';
import { forEachUnitRun } from '../data/unit-runs.js';
import { regimeOf, type RegimeModel } from '../features/regimes.js';
import { regimeDistance, type TrainingEnvelope } from './envelope.js';

export type Verdict = 'ok' | 'drift' | 'mismatch';

export interface InputCheck {
  name: string;
  /** Shares of the scored readings. */
  missing: number;
  below: number;
  above: number;
  flat: number;
  /** Share of the units' first readings (their first 20%, at least 5) outside the range. */
  startOutside: number;
  /** Median of the units' first readings, to compare with the training median. */
  startMedian: number;
}

export interface DataCheck {
  rows: number;
  verdict: Verdict;
  reasons: string[];
  inputs: InputCheck[];
  /** Share of readings whose settings match no training regime; null without regimes. */
  unknownRegime: number | null;
}

/** Share of the units' first readings beyond which the data is not what the model saw. */
export const MISMATCH_SHARE = 0.5;
/** Share of readings beyond which part of the data has left the envelope. */
export const DRIFT_SHARE = 0.1;

export const Code = { Ok: 0, Missing: 1, Below: 2, Above: 3 } as const;
export type Code = (typeof Code)[keyof typeof Code];

/** Range edges: the 0.1% and 99.9% quantiles widened by half their span (readings are noisy, baselines short). */
export function rangeOf(q: number[], share = 0.5): [number, number] {
  const lo = q[0];
  const hi = q[q.length - 1];
  const margin = share * (hi - lo) + 1e-6 * Math.max(1, Math.abs(q[2]));
  return [lo - margin, hi + margin];
}

/**
 * The margin of the range a unit's first readings are judged against. Wear takes readings
 * far out of the training range, hence the wide margin of rangeOf for the rest; a unit's first
 * readings are healthy, so one that starts a fifth of the training span outside it is
 * another machine or another unit of measure (a NAB file scored as another: values of 0-0.9
 * against a training range of 20-106 sat inside the wide margin).
 */
export const START_MARGIN = 0.2;

/** Longest identical run that is still not called stuck. */
export function flatTolerance(flatRun: number): number {
  return 2 * flatRun + 3;
}

/** The regime a reading's settings fall in, or -1 when they are far from every training regime. */
export function regimeFor(m: RegimeModel, env: TrainingEnvelope, settings: ArrayLike<number>): number {
  for (let j = 0; j < settings.length; j++) if (!Number.isFinite(settings[j])) return -1;
  const r = regimeOf(m, settings);
  const tolerance = Math.max(3 * (env.regimes?.distance ?? 0), 0.1);
  return regimeDistance(m, settings, r) <= tolerance ? r : -1;
}

export function classify(env: TrainingEnvelope, f: number, v: number, regime: number): Code {
  if (!Number.isFinite(v)) return Code.Missing;
  const q = regime >= 0 && env.regimes ? env.regimes.q[regime][f] : env.inputs[f].q;
  const [lo, hi] = rangeOf(q);
  return v < lo ? Code.Below : v > hi ? Code.Above : Code.Ok;
}

/** The median, by selection (no full sort): the values' order is not kept. */
function median(values: Float64Array): number {
  const n = values.length;
  if (!n) return NaN;
  const m = n >> 1;
  const upper = select(values, m);
  if (n % 2) return upper;
  // The lower middle is the largest value left of m once m is in place.
  let lower = -Infinity;
  for (let i = 0; i < m; i++) if (values[i] > lower) lower = values[i];
  return (lower + upper) / 2;
}

/** Puts the k-th smallest value at k (Hoare's selection, middle pivot), smaller ones before it. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

/** Readings per unit, counted by runs. */
function unitLengths(unit: Float64Array | undefined, rows: number): Map<number, number> {
  const length = new Map<number, number>();
  if (!unit) return rows ? length.set(0, rows) : length;
  forEachUnitRun(unit, rows, (u, from, to) => length.set(u, (length.get(u) ?? 0) + to - from));
  return length;
}

/** The readings that count as a unit's start: its first 20%, at least 5. */
const startOf = (length: number) => Math.max(5, Math.ceil(0.2 * length));

/** Checks a dataset's model inputs against the envelope. `label` names an input for the reasons. */
export function checkDataset(
  env: TrainingEnvelope,
  ds: Dataset,
  regimes: RegimeModel | undefined,
  label: (input: string) => string = (s) => s,
): DataCheck {
  const names = env.inputs.map((i) => i.name);
  const settingCount = regimes ? regimes.settings.length : 0;
  const unit = columnByRole(ds, 'unit')?.values;
  const order = unitTimeOrder(ds);
  // Walked a chunk at a time: compact columns are never decoded whole.
  const chunks = new RowChunks(requireColumns(ds, [...names, ...(regimes?.settings ?? [])]), order, ds.rows);
  const d = names.length;
  const length = unitLengths(unit, ds.rows);
  // Range edges per regime (row 0: the global range), so a reading is judged without a call or an array per value.
  const ranges = [env.inputs.map((i) => i.q), ...(env.regimes?.q ?? [])].map((qs) => qs.map((q) => rangeOf(q)));
  const lo = Float64Array.from(ranges.flatMap((r) => r.map((x) => x[0])));
  const hi = Float64Array.from(ranges.flatMap((r) => r.map((x) => x[1])));
  const startRanges = [env.inputs.map((i) => i.q), ...(env.regimes?.q ?? [])].map((qs) => qs.map((q) => rangeOf(q, START_MARGIN)));
  const startLo = Float64Array.from(startRanges.flatMap((r) => r.map((x) => x[0])));
  const startHi = Float64Array.from(startRanges.flatMap((r) => r.map((x) => x[1])));
  const useRegimes = !!regimes && !!env.regimes;
  const counts = Array.from({ length: d }, () => new Float64Array(4));
  const flat = new Float64Array(d);
  const startOut = new Float64Array(d);
  let startRows = 0;
  for (const n of length.values()) startRows += Math.min(n, startOf(n));
  const startValues = names.map(() => new Float64Array(startRows));
  const startSeen = new Int32Array(d);
  // Each unit's own place in its readings and its runs, kept apart: units may interleave in the walk (a file in time order).
  const units = length.size;
  const position = new Int32Array(units);
  const last = new Float64Array(units * d).fill(NaN);
  const run = new Int32Array(units * d);
  const indexOf = new Map<number, number>();
  const tolerance = env.inputs.map((i) => flatTolerance(i.flatRun));
  const buf = new Float64Array(settingCount);
  const missingSetting = new Float64Array(settingCount);
  let unknown = 0;
  let lastUnit = NaN;
  let at0 = 0;
  let k = 0;
  let startLength = 0;
  for (let j = 0; j < ds.rows; j++) {
    const i = order ? order[j] : j;
    if (j === chunks.end) chunks.load(j);
    const c = j - chunks.start;
    const u = unit ? unit[i] : 0;
    if (!(u === lastUnit)) {
      lastUnit = u;
      let x = indexOf.get(u);
      if (x === undefined) indexOf.set(u, (x = indexOf.size));
      k = x;
      at0 = k * d;
      startLength = startOf(length.get(u)!);
    }
    const atStart = position[k]++ < startLength;
    let regime = -1;
    if (regimes) {
      for (let s = 0; s < settingCount; s++) buf[s] = chunks.values[d + s][c];
      let settingsMissing = false;
      for (let s = 0; s < settingCount; s++)
        if (!Number.isFinite(buf[s])) {
          missingSetting[s]++;
          settingsMissing = true;
        }
      regime = settingsMissing ? -1 : regimeFor(regimes, env, buf);
      if (regime < 0 && !settingsMissing) {
        unknown++;
        // Judge the inputs against the nearest regime all the same.
        if (buf.every(Number.isFinite)) regime = regimeOf(regimes, buf);
      }
    }
    const at = regime >= 0 && useRegimes ? (regime + 1) * d : 0;
    for (let f = 0; f < d; f++) {
      const v = chunks.values[f][c];
      // As classify(): missing, below, above or inside the range.
      const code = !Number.isFinite(v) ? Code.Missing : v < lo[at + f] ? Code.Below : v > hi[at + f] ? Code.Above : Code.Ok;
      counts[f][code]++;
      if (atStart && code !== Code.Missing) {
        if (v < startLo[at + f] || v > startHi[at + f]) startOut[f]++;
        startValues[f][startSeen[f]++] = v;
      }
      if (code === Code.Missing) {
        last[at0 + f] = NaN;
        run[at0 + f] = 0;
        continue;
      }
      const r = (run[at0 + f] = v === last[at0 + f] ? run[at0 + f] + 1 : 1);
      last[at0 + f] = v;
      if (r === tolerance[f] + 1) flat[f] += r;
      else if (r > tolerance[f] + 1) flat[f]++;
    }
  }
  const rows = ds.rows || 1;
  const inputs: InputCheck[] = names.map((name, f) => ({
    name,
    missing: counts[f][Code.Missing] / rows,
    below: counts[f][Code.Below] / rows,
    above: counts[f][Code.Above] / rows,
    flat: flat[f] / rows,
    startOutside: startSeen[f] ? startOut[f] / startSeen[f] : 0,
    startMedian: median(startValues[f].subarray(0, startSeen[f])),
  }));
  const unknownRegime = regimes ? unknown / rows : null;
  const settings = (regimes?.settings ?? []).map((name, s) => ({ name, missing: missingSetting[s] / rows }));
  return { rows: ds.rows, inputs, unknownRegime, ...judge(env, inputs, unknownRegime, label, settings) };
}

const pct = (x: number) => `${x >= 0.995 ? 100 : x < 0.01 ? (x * 100).toFixed(1) : Math.round(x * 100)}%`;

function list(items: string[]): string {
  const shown = items.length > 6 ? [...items.slice(0, 5), `${items.length - 5} more`] : items;
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown[0];
}

/** The verdict and its reasons, one sentence per finding, naming the inputs. */
export function judge(
  env: TrainingEnvelope,
  inputs: InputCheck[],
  unknownRegime: number | null,
  label: (input: string) => string,
  settings: { name: string; missing: number }[] = [],
): { verdict: Verdict; reasons: string[] } {
  const mismatch: string[] = [];
  const drift: string[] = [];
  // The regime comes from the settings: without them those readings cannot be scored at all.
  for (const g of settings) {
    const why = `${g.name} is missing in ${pct(g.missing)} of readings: the model needs it to tell the operating regime, so those readings are not scored.`;
    if (g.missing >= MISMATCH_SHARE) mismatch.push(why);
    else if (g.missing >= DRIFT_SHARE / 2) drift.push(why);
  }
  if (unknownRegime !== null && unknownRegime >= MISMATCH_SHARE)
    mismatch.push(`${pct(unknownRegime)} of readings have operating settings unlike any regime the model was trained on.`);
  else if (unknownRegime !== null && unknownRegime >= DRIFT_SHARE)
    drift.push(`${pct(unknownRegime)} of readings have operating settings unlike any training regime.`);
  const startOut = inputs.filter((c) => c.startOutside >= MISMATCH_SHARE);
  if (startOut.length === 1) {
    const c = startOut[0];
    const { q } = env.inputs.find((i) => i.name === c.name)!;
    const ratio = measureRatio(c.startMedian, q);
    mismatch.push(
      `${label(c.name)}: ${pct(c.startOutside)} of the units' first readings are outside the training range (median ${round(c.startMedian)} against ${round(q[2])} in training${Number.isNaN(ratio) ? '' : `, ×${ratio.toPrecision(3)}: another unit of measure?`}).`,
    );
  } else if (startOut.length > 1) {
    mismatch.push(
      `${startOut.length} of ${inputs.length} inputs start outside the training range (${list(startOut.map((c) => label(c.name)))}): another operating envelope or other sensors than the model was trained on.`,
    );
  }
  for (const c of inputs) {
    const trainedMissing = env.inputs.find((i) => i.name === c.name)!.missing;
    const extraMissing = c.missing - trainedMissing;
    if (extraMissing >= MISMATCH_SHARE) mismatch.push(`${label(c.name)} is missing in ${pct(c.missing)} of readings.`);
    else if (extraMissing >= DRIFT_SHARE / 2) drift.push(`${label(c.name)} is missing in ${pct(c.missing)} of readings.`);
    if (c.flat >= MISMATCH_SHARE)
      mismatch.push(`${label(c.name)} is stuck: ${pct(c.flat)} of readings repeat one value longer than in training.`);
    else if (c.flat >= DRIFT_SHARE / 2)
      drift.push(`${label(c.name)} is stuck in places: ${pct(c.flat)} of readings repeat one value longer than in training.`);
  }
  const left = inputs.filter((c) => c.startOutside < MISMATCH_SHARE && c.below + c.above >= DRIFT_SHARE);
  if (left.length)
    drift.push(
      `${list(left.map((c) => `${label(c.name)} (${pct(c.below + c.above)})`))} ${left.length > 1 ? 'leave' : 'leaves'} the training range in part of the data.`,
    );
  return { verdict: mismatch.length ? 'mismatch' : drift.length ? 'drift' : 'ok', reasons: [...mismatch, ...drift] };
}

/**
 * How many times the training median a new median is, when that can be a change of unit (psi to
 * kPa): both of one sign, the training readings far from zero against their own spread (a
 * quotient of readings around 0 says nothing), and a change of more than 20%. NaN otherwise.
 */
export function measureRatio(median: number, q: number[]): number {
  const trained = q[2];
  const ratio = median / trained;
  const farFromZero = Math.abs(trained) >= q[q.length - 1] - q[0];
  return farFromZero && ratio > 0 && Number.isFinite(ratio) && Math.abs(ratio - 1) > 0.2 ? ratio : NaN;
}

function round(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 1000) / 1000) : '–';
}
