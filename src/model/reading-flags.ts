// A stream reading's data-check flags, one bit per kind per input (1 missing, 2 below, 4 above,
// 8 flat), then the regime's (1: settings in no training regime). Flat and range flags depend
// on the reading's unit (its runs, its depth beyond the edge), so the unit's runs move on here.
//
// Wear is what the model exists to detect, so a unit drifting out of the range is not a
// data-quality problem (data-check.ts weighs units' starts for the same reason). A range
// reading counts only when the unit's excursion began with a jump: beyond the edge by more
// than the range's own width in one step, as a sensor switched to kPa or swapped does.
// Worn FD001 units leave the range by at most 1.6 widths, and step by far less.
import { Code, classify, flatTolerance, rangeOf, regimeFor } from './data-check.js';
import { regimeOf, type RegimeModel } from '../features/regimes.js';
import type { TrainingEnvelope } from './envelope.js';
import type { UnitCheck } from './unit-window.js';

/** A jump beyond the range edge, in widths of the range, that is not wear. */
const JUMP = 1;
/**
 * The least width a jump is measured in, as a share of the input's typical value: a sensor that
 * holds one value per regime in training (FD002's P15) has a range a hair wide, and its worn
 * readings would jump by many such widths.
 */
const MIN_WIDTH = 0.01;

export class ReadingFlags {
  /** The last reading's flags: d inputs, then the regime. */
  readonly bits: Uint8Array;
  private readonly d: number;
  private readonly tolerance: Int32Array;
  private readonly ranges: Float64Array;
  private readonly settings: Float64Array;
  private readonly env: TrainingEnvelope;
  private readonly regimes?: RegimeModel;

  constructor(env: TrainingEnvelope, regimes?: RegimeModel) {
    this.env = env;
    this.regimes = regimes;
    this.d = env.inputs.length;
    this.bits = new Uint8Array(this.d + 1);
    this.tolerance = Int32Array.from(env.inputs, (i) => flatTolerance(i.flatRun));
    this.ranges = Float64Array.from(env.inputs, (i) => {
      const [lo, hi] = rangeOf(i.q);
      return hi - lo;
    });
    this.settings = new Float64Array(regimes?.settings.length ?? 0);
  }

  /** Flags the reading at `at` in `row` (inputs in envelope order, then the settings) into `bits`. */
  flag(row: ArrayLike<number>, at: number, u: UnitCheck): void {
    let regime = -1;
    this.bits[this.d] = 0;
    if (this.regimes) {
      let finite = true;
      for (let s = 0; s < this.settings.length; s++) finite = Number.isFinite((this.settings[s] = row[at + this.d + s])) && finite;
      regime = regimeFor(this.regimes, this.env, this.settings);
      if (regime < 0) {
        this.bits[this.d] = 1;
        // Judge the inputs against the nearest regime all the same.
        if (finite) regime = regimeOf(this.regimes, this.settings);
      }
    }
    for (let f = 0; f < this.d; f++) {
      const v = row[at + f];
      const code = classify(this.env, f, v, regime);
      let bits = code === Code.Missing ? 1 : 0;
      if (code === Code.Missing) {
        u.last[f] = NaN;
        u.run[f] = 0;
      } else {
        u.run[f] = v === u.last[f] ? u.run[f] + 1 : 1;
        u.last[f] = v;
        if (u.run[f] > this.tolerance[f]) bits |= 8;
        const depth = code === Code.Ok ? 0 : this.depthOf(f, v, regime);
        if (depth === 0) u.jumped[f] = 0;
        else if (depth - u.depth[f] > JUMP) u.jumped[f] = 1;
        u.depth[f] = depth;
        if (u.jumped[f]) bits |= code === Code.Below ? 2 : code === Code.Above ? 4 : 0;
      }
      this.bits[f] = bits;
    }
  }

  /** How far beyond the range edge, in widths of the range. */
  private depthOf(f: number, v: number, regime: number): number {
    const q = regime >= 0 && this.env.regimes ? this.env.regimes.q[regime][f] : this.env.inputs[f].q;
    const [lo, hi] = rangeOf(q);
    const width = regime >= 0 && this.env.regimes ? hi - lo : this.ranges[f];
    return (v < lo ? lo - v : v - hi) / Math.max(width, MIN_WIDTH * Math.abs(q[2]));
  }
}
