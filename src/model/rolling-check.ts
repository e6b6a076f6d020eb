// The data check for a stream: over the last `window` readings, per input, the share
// missing, below or above the training range (per regime) and stuck, and the share whose
// operating settings match no training regime. An alert is raised when a share reaches its
// limit and cleared when it falls back under half of it, so a consumer counts each episode
// once (iot_data_quality_alerts_total{input,kind}), not once per reading.
//
// Wear is what the model exists to detect, so a unit drifting out of the range is not a
// data-quality problem (data-check.ts weighs units' starts for the same reason). A range
// reading counts only when the unit's excursion began with a jump: beyond the edge by more
// than the range's own width in one step, as a sensor switched to kPa or swapped does.
// Worn FD001 units leave the range by at most 1.6 widths, and step by far less.
import { DRIFT_SHARE, Code, classify, flatTolerance, rangeOf, regimeFor } from './data-check.js';
import { regimeOf, type RegimeModel } from '../features/regimes.js';
import type { TrainingEnvelope } from './envelope.js';

export type AlertKind = 'missing' | 'below' | 'above' | 'flat' | 'unknown_regime';
const KINDS: AlertKind[] = ['missing', 'below', 'above', 'flat'];

/** What a raised alert (or a flagged reading) names: the input, or the settings joined by "," for unknown_regime. */
export interface DataFlag {
  input: string;
  kind: AlertKind;
}

export interface DataAlert extends DataFlag {
  /** true when raised, false when cleared. */
  raised: boolean;
  /** The share of the window's readings showing it, when the edge was crossed. */
  share: number;
}

/** A jump beyond the range edge, in widths of the range, that is not wear. */
const JUMP = 1;

interface UnitRun {
  last: Float64Array;
  run: Int32Array;
  /** Depth beyond the range edge at the last reading (widths; 0 inside). */
  depth: Float64Array;
  /** 1 while the unit's excursion on an input began with a jump. */
  jumped: Uint8Array;
}

export class RollingDataCheck {
  private readonly d: number;
  /** Per reading in the window: a bit per kind (1 missing, 2 below, 4 above, 8 flat), per input; regime kept apart. */
  private readonly ring: Uint8Array;
  private readonly regimeRing: Uint8Array;
  private readonly counts: Int32Array;
  private regimeCount = 0;
  private readonly active: Uint8Array;
  private readonly tolerance: Int32Array;
  private readonly ranges: Float64Array;
  private readonly units = new Map<number, UnitRun>();
  private readonly settings: Float64Array;
  private readonly settingsName: string;
  private next = 0;
  private filled = 0;
  private lastAt = -1;

  private readonly env: TrainingEnvelope;
  private readonly regimes?: RegimeModel;
  private readonly window: number;
  private readonly limit: number;

  constructor(env: TrainingEnvelope, regimes?: RegimeModel, window = 200, limit = DRIFT_SHARE) {
    this.env = env;
    this.regimes = regimes;
    this.window = window;
    this.limit = limit;
    this.d = env.inputs.length;
    this.ring = new Uint8Array(window * this.d);
    this.regimeRing = new Uint8Array(window);
    this.counts = new Int32Array(this.d * 4);
    this.active = new Uint8Array(this.d * 4 + 1);
    this.tolerance = Int32Array.from(env.inputs, (i) => flatTolerance(i.flatRun));
    this.ranges = Float64Array.from(env.inputs, (i) => {
      const [lo, hi] = rangeOf(i.q);
      return hi - lo;
    });
    this.settings = new Float64Array(regimes?.settings.length ?? 0);
    this.settingsName = regimes?.settings.join(',') ?? '';
  }

  /**
   * One reading: `row` holds the model inputs in envelope order from `at`, then the regime
   * settings when the model has regimes. Alert edges are appended to `edges`.
   */
  push(row: ArrayLike<number>, unit: number, edges: DataAlert[] = [], at = 0): DataAlert[] {
    let regime = -1;
    let unknown = 0;
    if (this.regimes) {
      let finite = true;
      for (let s = 0; s < this.settings.length; s++) finite = Number.isFinite((this.settings[s] = row[at + this.d + s])) && finite;
      regime = regimeFor(this.regimes, this.env, this.settings);
      if (regime < 0) {
        unknown = 1;
        // Judge the inputs against the nearest regime all the same.
        if (finite) regime = regimeOf(this.regimes, this.settings);
      }
    }
    const runs = this.unitRun(unit);
    const slot = this.next * this.d;
    const full = this.filled === this.window;
    for (let f = 0; f < this.d; f++) {
      if (full) this.count(f, this.ring[slot + f], -1);
      const v = row[at + f];
      const code = classify(this.env, f, v, regime);
      let bits = code === Code.Missing ? 1 : 0;
      if (code === Code.Missing) {
        runs.last[f] = NaN;
        runs.run[f] = 0;
      } else {
        runs.run[f] = v === runs.last[f] ? runs.run[f] + 1 : 1;
        runs.last[f] = v;
        if (runs.run[f] > this.tolerance[f]) bits |= 8;
        const depth = code === Code.Ok ? 0 : this.depthOf(f, v, regime);
        if (depth === 0) runs.jumped[f] = 0;
        else if (depth - runs.depth[f] > JUMP) runs.jumped[f] = 1;
        runs.depth[f] = depth;
        if (runs.jumped[f]) bits |= code === Code.Below ? 2 : code === Code.Above ? 4 : 0;
      }
      this.ring[slot + f] = bits;
      this.count(f, bits, 1);
    }
    if (full) this.regimeCount -= this.regimeRing[this.next];
    this.regimeRing[this.next] = unknown;
    this.regimeCount += unknown;
    this.lastAt = this.next;
    this.next = (this.next + 1) % this.window;
    if (!full) this.filled++;
    this.edges(edges);
    return edges;
  }

  /** The raised alerts the last reading itself shows (undefined when none): what its stored document carries. */
  flags(): DataFlag[] | undefined {
    if (this.lastAt < 0) return undefined;
    let out: DataFlag[] | undefined;
    const slot = this.lastAt * this.d;
    for (let f = 0; f < this.d; f++) {
      const bits = this.ring[slot + f];
      if (bits === 0) continue;
      for (let k = 0; k < 4; k++)
        if (bits & (1 << k) && this.active[f * 4 + k]) (out ??= []).push({ input: this.env.inputs[f].name, kind: KINDS[k] });
    }
    if (this.regimeRing[this.lastAt] && this.active[this.d * 4]) (out ??= []).push({ input: this.settingsName, kind: 'unknown_regime' });
    return out;
  }

  /** A unit is gone (evicted, or its slot reused): its runs start over. */
  forget(unit: number): void {
    this.units.delete(unit);
  }

  /** Starts over: an empty window, no alert raised. */
  reset(): void {
    this.units.clear();
    this.counts.fill(0);
    this.active.fill(0);
    this.regimeCount = 0;
    this.next = 0;
    this.filled = 0;
    this.lastAt = -1;
  }

  private unitRun(unit: number): UnitRun {
    let runs = this.units.get(unit);
    if (!runs) {
      const d = this.d;
      runs = { last: new Float64Array(d).fill(NaN), run: new Int32Array(d), depth: new Float64Array(d), jumped: new Uint8Array(d) };
      this.units.set(unit, runs);
    }
    return runs;
  }

  /** How far beyond the range edge, in widths of the range. */
  private depthOf(f: number, v: number, regime: number): number {
    const q = regime >= 0 && this.env.regimes ? this.env.regimes.q[regime][f] : this.env.inputs[f].q;
    const [lo, hi] = rangeOf(q);
    const width = regime >= 0 && this.env.regimes ? hi - lo : this.ranges[f];
    return (v < lo ? lo - v : v - hi) / width;
  }

  private count(f: number, bits: number, by: number): void {
    for (let k = 0; k < 4; k++) if (bits & (1 << k)) this.counts[f * 4 + k] += by;
  }

  private edges(out: DataAlert[]): void {
    // Shares only once the window holds enough readings to mean something.
    if (this.filled < Math.min(this.window, 20)) return;
    for (let f = 0; f < this.d; f++)
      for (let k = 0; k < 4; k++) this.toggle(out, f * 4 + k, this.counts[f * 4 + k] / this.filled, this.env.inputs[f].name, KINDS[k]);
    if (this.regimes) this.toggle(out, this.d * 4, this.regimeCount / this.filled, this.settingsName, 'unknown_regime');
  }

  private toggle(out: DataAlert[], slot: number, share: number, input: string, kind: AlertKind): void {
    const on = this.active[slot] === 1;
    if (!on && share >= this.limit) {
      this.active[slot] = 1;
      out.push({ input, kind, raised: true, share });
    } else if (on && share < this.limit / 2) {
      this.active[slot] = 0;
      out.push({ input, kind, raised: false, share });
    }
  }

  /** Alerts now raised. */
  get raised(): DataFlag[] {
    const out: DataFlag[] = [];
    for (let f = 0; f < this.d; f++)
      for (let k = 0; k < 4; k++) if (this.active[f * 4 + k]) out.push({ input: this.env.inputs[f].name, kind: KINDS[k] });
    if (this.active[this.d * 4]) out.push({ input: this.settingsName, kind: 'unknown_regime' });
    return out;
  }
}
