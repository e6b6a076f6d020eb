// The data check for a stream: over the last `window` readings, per input, the share
// missing, below or above the training range (per regime) and stuck; an alert is raised
// when a share reaches its limit and cleared when it falls back under half of it, so a
// consumer counts each episode once (iot_data_quality_alerts_total{input,kind}).
import { DRIFT_SHARE, Code, classify, flatTolerance, regimeFor } from './data-check.js';
import { regimeOf, type RegimeModel } from '../features/regimes.js';
import type { TrainingEnvelope } from './envelope.js';

export type AlertKind = 'missing' | 'below' | 'above' | 'flat' | 'regime';
const KINDS: AlertKind[] = ['missing', 'below', 'above', 'flat', 'regime'];

export interface DataAlert {
  /** An input's column name, or '' for the operating settings (kind 'regime'). */
  input: string;
  kind: AlertKind;
  /** true when raised, false when cleared. */
  raised: boolean;
  share: number;
}

interface UnitRun {
  last: Float64Array;
  run: Int32Array;
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
  private readonly units = new Map<number, UnitRun>();
  private next = 0;
  private filled = 0;

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
  }

  /** One reading: the model inputs in envelope order, its unit, and its settings when the model has regimes. */
  push(values: ArrayLike<number>, unit = 0, settings?: ArrayLike<number>): DataAlert[] {
    let regime = -1;
    let unknown = 0;
    if (this.regimes && settings) {
      regime = regimeFor(this.regimes, this.env, settings);
      if (regime < 0) {
        unknown = 1;
        if (Array.from(settings).every(Number.isFinite)) regime = regimeOf(this.regimes, settings);
      }
    }
    let runs = this.units.get(unit);
    if (!runs) this.units.set(unit, (runs = { last: new Float64Array(this.d).fill(NaN), run: new Int32Array(this.d) }));
    const at = this.next * this.d;
    const full = this.filled === this.window;
    for (let f = 0; f < this.d; f++) {
      if (full) this.count(f, this.ring[at + f], -1);
      const v = values[f];
      const code = classify(this.env, f, v, regime);
      let bits = code === Code.Missing ? 1 : code === Code.Below ? 2 : code === Code.Above ? 4 : 0;
      if (code === Code.Missing) {
        runs.last[f] = NaN;
        runs.run[f] = 0;
      } else {
        runs.run[f] = v === runs.last[f] ? runs.run[f] + 1 : 1;
        runs.last[f] = v;
        if (runs.run[f] > this.tolerance[f]) bits |= 8;
      }
      this.ring[at + f] = bits;
      this.count(f, bits, 1);
    }
    if (full) this.regimeCount -= this.regimeRing[this.next];
    this.regimeRing[this.next] = unknown;
    this.regimeCount += unknown;
    this.next = (this.next + 1) % this.window;
    if (!full) this.filled++;
    return this.alerts();
  }

  private count(f: number, bits: number, by: number): void {
    for (let k = 0; k < 4; k++) if (bits & (1 << k)) this.counts[f * 4 + k] += by;
  }

  private alerts(): DataAlert[] {
    const out: DataAlert[] = [];
    // Shares only once the window holds enough readings to mean something.
    if (this.filled < Math.min(this.window, 20)) return out;
    const toggle = (slot: number, share: number, input: string, kind: AlertKind) => {
      const on = this.active[slot] === 1;
      if (!on && share >= this.limit) {
        this.active[slot] = 1;
        out.push({ input, kind, raised: true, share });
      } else if (on && share < this.limit / 2) {
        this.active[slot] = 0;
        out.push({ input, kind, raised: false, share });
      }
    };
    for (let f = 0; f < this.d; f++)
      for (let k = 0; k < 4; k++) toggle(f * 4 + k, this.counts[f * 4 + k] / this.filled, this.env.inputs[f].name, KINDS[k]);
    if (this.regimes) toggle(this.d * 4, this.regimeCount / this.filled, '', 'regime');
    return out;
  }

  /** Alerts now raised. */
  get raised(): Array<{ input: string; kind: AlertKind }> {
    const out: Array<{ input: string; kind: AlertKind }> = [];
    for (let f = 0; f < this.d; f++)
      for (let k = 0; k < 4; k++) if (this.active[f * 4 + k]) out.push({ input: this.env.inputs[f].name, kind: KINDS[k] });
    if (this.active[this.d * 4]) out.push({ input: '', kind: 'regime' });
    return out;
  }
}
