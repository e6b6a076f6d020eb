// The data check for a stream: over the last `window` readings, per input, the share
// missing, below or above the training range (per regime) and stuck, and the share whose
// operating settings match no training regime. An alert is raised when a share reaches its
// limit and cleared when it falls back under half of it, so a consumer counts each episode
// once (iot_data_quality_alerts_total{input,kind}), not once per reading.
//
// The same shares are kept per unit over its own last readings (unit-window.ts), so one unit's
// faulty sensor in a large fleet, far under the fleet's share, raises an alert naming the unit.
// An alert in force covers its readings for the other level: while the fleet's is in force no
// unit counts them, and the fleet raises only when units without their own alert show it too
// (then it is the fleet's problem, not one unit's, and it takes over: the units' alerts clear).
// Which readings are flagged, and why wear is not, is reading-flags.ts.
import { DRIFT_SHARE } from './data-check.js';
import type { RegimeModel } from '../features/regimes.js';
import { ReadingFlags } from './reading-flags.js';
import type { TrainingEnvelope } from './envelope.js';
import { UNIT_WINDOW, UnitCheck, countBits } from './unit-window.js';
import type { AlertKind, DataAlert, DataFlag, FleetState } from './data-alert.js';

export type { AlertKind, DataAlert, DataFlag, FleetState } from './data-alert.js';
const KINDS: AlertKind[] = ['missing', 'below', 'above', 'flat'];

/** Readings a window must hold before its shares mean something. */
const MIN_READINGS = 20;

export class RollingDataCheck {
  private readonly d: number;
  /** Per reading in the window: a bit per kind (1 missing, 2 below, 4 above, 8 flat) per input, then the regime's (1). */
  private readonly ring: Uint8Array;
  /** Per reading: the bits its unit's own alerts accounted for (they do not raise the fleet's). */
  private readonly cover: Uint8Array;
  /** The unit slot of each reading in the window. */
  private readonly slots: Int32Array;
  private readonly counts: Int32Array;
  /** Counts of the bits no unit's own alert accounts for. */
  private readonly own: Int32Array;
  private readonly active: Uint8Array;
  private readonly flagger: ReadingFlags;
  private readonly units = new Map<number, UnitCheck>();
  private readonly settingsName: string;
  private readonly unitBits: Uint8Array;
  private next = 0;
  private filled = 0;
  private lastAt = -1;
  private lastUnit?: UnitCheck;

  private readonly env: TrainingEnvelope;
  private readonly regimes?: RegimeModel;
  readonly window: number;
  readonly unitWindow: number;
  private readonly limit: number;

  constructor(env: TrainingEnvelope, regimes?: RegimeModel, window = 200, limit = DRIFT_SHARE, unitWindow = UNIT_WINDOW) {
    this.env = env;
    this.regimes = regimes;
    this.window = window;
    this.unitWindow = unitWindow;
    this.limit = limit;
    this.d = env.inputs.length;
    this.ring = new Uint8Array(window * (this.d + 1));
    this.cover = new Uint8Array(window * (this.d + 1));
    this.slots = new Int32Array(window).fill(-1);
    this.counts = new Int32Array(this.d * 4 + 1);
    this.own = new Int32Array(this.d * 4 + 1);
    this.active = new Uint8Array(this.d * 4 + 1);
    this.unitBits = new Uint8Array(this.d + 1);
    this.flagger = new ReadingFlags(env, regimes);
    this.settingsName = regimes?.settings.join(',') ?? '';
  }

  /** Bytes of check state per unit (for the unit cap's memory budget and checkpoints). */
  get unitBytes(): number {
    return UnitCheck.byteLength(this.d, this.unitWindow);
  }

  /**
   * One reading: `row` holds the model inputs in envelope order from `at`, then the regime
   * settings when the model has regimes. Alert edges are appended to `edges`; a unit's carry its slot.
   */
  push(row: ArrayLike<number>, unit: number, edges: DataAlert[] = [], at = 0): DataAlert[] {
    const u = this.unitCheck(unit);
    this.flagger.flag(row, at, u);
    const bits = this.flagger.bits;
    // The unit first: its alert, once raised, keeps its readings from raising the fleet's too.
    for (let f = 0; f <= this.d; f++) this.unitBits[f] = bits[f] & ~this.coveredBits(this.active, f);
    u.record(this.unitBits);
    if (u.filled >= Math.min(this.unitWindow, MIN_READINGS))
      for (let c = 0; c < this.active.length; c++) {
        if (!u.active[c] && this.active[c]) continue;
        if (this.toggle(edges, u.active, c, u.counts[c] / u.filled, unit) === 1) this.coverUnit(unit, c);
      }
    const row0 = this.next * (this.d + 1);
    const full = this.filled === this.window;
    for (let f = 0; f <= this.d; f++) {
      if (full) {
        countBits(this.counts, f, this.ring[row0 + f], -1);
        countBits(this.own, f, this.ring[row0 + f] & ~this.cover[row0 + f], -1);
      }
      const covered = bits[f] & this.coveredBits(u.active, f);
      this.ring[row0 + f] = bits[f];
      this.cover[row0 + f] = covered;
      countBits(this.counts, f, bits[f], 1);
      countBits(this.own, f, bits[f] & ~covered, 1);
    }
    this.slots[this.next] = unit;
    this.lastAt = this.next;
    this.lastUnit = u;
    this.next = (this.next + 1) % this.window;
    if (!full) this.filled++;
    if (this.filled >= Math.min(this.window, MIN_READINGS))
      for (let c = 0; c < this.active.length; c++) {
        const share = this.counts[c] / this.filled;
        // Not one unit's problem alone: units without their own alert show it too.
        if (!this.active[c] && this.own[c] / this.filled < this.limit / 2) continue;
        if (this.toggle(edges, this.active, c, share) === 1) this.takeOver(c, edges);
      }
    return edges;
  }

  /** The fleet's alert for slot c was raised: it covers the units' alerts for c, which clear (also those of units gone quiet). */
  private takeOver(c: number, edges: DataAlert[]): void {
    for (const [unit, u] of this.units) {
      if (!u.active[c]) continue;
      u.active[c] = 0;
      edges.push({ ...this.named(c), unit, raised: false, share: u.filled ? u.counts[c] / u.filled : 0, covered: true });
    }
  }

  /** The bits of column f whose alerts are in force in `active`. */
  private coveredBits(active: Uint8Array, f: number): number {
    if (f === this.d) return active[this.d * 4];
    let out = 0;
    for (let k = 0; k < 4; k++) if (active[f * 4 + k]) out |= 1 << k;
    return out;
  }

  /** A unit's alert for slot c was raised: its readings in the fleet window are its episode, not the fleet's. */
  private coverUnit(unit: number, c: number): void {
    const f = c === this.d * 4 ? this.d : c >> 2;
    const bit = c === this.d * 4 ? 1 : 1 << (c & 3);
    for (let i = 0; i < this.filled; i++) {
      const at = i * (this.d + 1) + f;
      if (this.slots[i] !== unit || !(this.ring[at] & bit) || this.cover[at] & bit) continue;
      this.cover[at] |= bit;
      this.own[c]--;
    }
  }

  /** The raised alerts the last reading itself shows (undefined when none): what its stored document carries. */
  flags(): DataFlag[] | undefined {
    if (this.lastAt < 0) return undefined;
    let out: DataFlag[] | undefined;
    const row = this.lastAt * (this.d + 1);
    const unit = this.slots[this.lastAt];
    for (let c = 0; c < this.active.length; c++) {
      const f = c === this.d * 4 ? this.d : c >> 2;
      const bit = c === this.d * 4 ? 1 : 1 << (c & 3);
      if (!(this.ring[row + f] & bit)) continue;
      if (this.lastUnit?.active[c]) (out ??= []).push({ ...this.named(c), unit });
      else if (this.active[c]) (out ??= []).push(this.named(c));
    }
    return out;
  }

  /** A unit is gone (evicted, or its slot reused): its runs, window and alerts start over. */
  forget(unit: number): void {
    if (this.lastUnit === this.units.get(unit)) this.lastUnit = undefined;
    this.units.delete(unit);
  }

  /** Starts over: an empty window, no alert raised. */
  reset(): void {
    this.units.clear();
    this.ring.fill(0);
    this.cover.fill(0);
    this.slots.fill(-1);
    this.counts.fill(0);
    this.own.fill(0);
    this.active.fill(0);
    this.next = 0;
    this.filled = 0;
    this.lastAt = -1;
    this.lastUnit = undefined;
  }

  /** A unit's state, copied (undefined when the unit has sent nothing). */
  unitState(unit: number): Uint8Array | undefined {
    return this.units.get(unit)?.bytes.slice();
  }

  /** Puts a unit's state back (from unitState of a check with the same inputs and unit window). */
  setUnitState(unit: number, bytes: Uint8Array): void {
    this.forget(unit);
    this.units.set(unit, new UnitCheck(this.d, this.unitWindow, bytes));
  }

  /** True while the fleet window holds no reading (a fresh start: a saved fleet window may be put back). */
  get empty(): boolean {
    return this.filled === 0;
  }

  fleetState(): FleetState {
    return {
      bits: this.ring.slice(),
      cover: this.cover.slice(),
      slots: this.slots.slice(),
      active: this.active.slice(),
      next: this.next,
      filled: this.filled,
    };
  }

  /** Puts a fleet window back; false (and nothing changed) when its shape is another check's. */
  setFleetState(s: FleetState): boolean {
    if (
      s.bits.length !== this.ring.length ||
      s.cover.length !== this.ring.length ||
      s.active.length !== this.active.length ||
      s.slots.length !== this.window
    )
      return false;
    if (!(s.filled >= 0 && s.filled <= this.window && s.next >= 0 && s.next < this.window)) return false;
    this.ring.set(s.bits);
    this.cover.set(s.cover);
    this.slots.set(s.slots);
    this.active.set(s.active);
    this.next = s.next;
    this.filled = s.filled;
    this.counts.fill(0);
    this.own.fill(0);
    for (let i = 0; i < this.filled * (this.d + 1); i++) {
      countBits(this.counts, i % (this.d + 1), this.ring[i], 1);
      countBits(this.own, i % (this.d + 1), this.ring[i] & ~this.cover[i], 1);
    }
    return true;
  }

  private unitCheck(unit: number): UnitCheck {
    let u = this.units.get(unit);
    if (!u) this.units.set(unit, (u = new UnitCheck(this.d, this.unitWindow)));
    return u;
  }

  private named(c: number): DataFlag {
    return c === this.d * 4
      ? { input: this.settingsName, kind: 'unknown_regime' }
      : { input: this.env.inputs[c >> 2].name, kind: KINDS[c & 3] };
  }

  /** Raises (1) or clears (-1) the alert in slot c of `active` as its share crosses, or leaves it (0). */
  private toggle(out: DataAlert[], active: Uint8Array, c: number, share: number, unit?: number): number {
    if (c === this.d * 4 && !this.regimes) return 0;
    const on = active[c] === 1;
    if (on ? share >= this.limit / 2 : share < this.limit) return 0;
    active[c] = on ? 0 : 1;
    out.push({ ...this.named(c), ...(unit === undefined ? {} : { unit }), raised: !on, share });
    return on ? -1 : 1;
  }

  /** Alerts now raised: the fleet's, then each unit's (with its slot). */
  get raised(): DataFlag[] {
    const out: DataFlag[] = [];
    for (let c = 0; c < this.active.length; c++) if (this.active[c] && (c < this.d * 4 || this.regimes)) out.push(this.named(c));
    for (const [unit, u] of this.units) for (let c = 0; c < u.active.length; c++) if (u.active[c]) out.push({ ...this.named(c), unit });
    return out;
  }
}
