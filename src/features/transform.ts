// Applies a feature recipe with per-unit state kept in the Wasm engine: feed raw
// readings batch by batch (a stream) or all at once (a dataset in stream order) and
// get the same derived values either way.
import type { WasmEngine } from '../engine/wasm-engine.js';
import { derivedNames, isIdentity, statBits, type FeatureRecipe } from './recipe.js';
import { regimeOf } from './regimes.js';

/** f64 words ahead of the ring in a (unit, input) state: wasm/assembly/window.ts HEADER. */
const WINDOW_HEADER = 7;
/** Above this much window state, grow by what is needed rather than doubling. */
const DOUBLING_BUDGET = 128 * 1024 * 1024;

export class FeatureTransform {
  readonly recipe: FeatureRecipe;
  readonly names: string[];
  readonly identity: boolean;
  private readonly engine: WasmEngine;
  private handle = 0;
  private capacity = 0;
  private readonly slotOf = new Map<number, number>();

  constructor(engine: WasmEngine, recipe: FeatureRecipe) {
    this.engine = engine;
    this.recipe = recipe;
    this.names = derivedNames(recipe);
    this.identity = isIdentity(recipe);
    if (!this.identity) {
      this.capacity = 64;
      this.handle = engine.createWindow(recipe.inputs.length, recipe.unitBaseline, recipe.window.size, statBits(recipe), this.capacity);
    }
  }

  get width(): number {
    return this.names.length;
  }

  /**
   * raw: n × inputs (row-major), units: the reading's unit id (NaN or absent: one
   * series), settings: n × regime settings when the recipe has regimes.
   */
  apply(raw: Float64Array, units: Float64Array | undefined, n: number, settings?: Float64Array, out?: Float64Array): Float64Array {
    if (this.identity) return raw;
    const d = this.recipe.inputs.length;
    const input = this.recipe.regimes ? this.normaliseRegimes(raw, n, settings) : raw;
    const slots = this.slotsFor(units, n);
    // `out` (n × width at least) is reused by passes over whole files: a new block per chunk was hundreds of MB of garbage.
    return this.engine.transformWindow(
      this.handle,
      input.length === n * d ? input : input.subarray(0, n * d),
      slots,
      this.width,
      out?.subarray(0, n * this.width),
    );
  }

  /**
   * A dataset chunk whose rows are in time order within each unit: columns in, derived
   * columns written into `out` at row `at`.
   */
  applyColumns(inputs: Float64Array[], units: Float64Array | undefined, settings: Float64Array[], out: Float64Array[], at: number): void {
    const n = inputs[0].length;
    const cols = this.recipe.regimes ? this.normaliseRegimeColumns(inputs, settings) : inputs;
    this.engine.transformColumns(this.handle, cols, this.slotsFor(units, n), this.width, out, at);
  }

  /** Scores a dataset's raw input columns (time order within units) with the features computed in the scoring pass. */
  scoreColumns(
    forest: number,
    inputs: Float64Array[],
    units: Float64Array | undefined,
    settings: Float64Array[],
  ): { scores: Float64Array; unscorable: number } {
    const n = inputs[0].length;
    const cols = this.recipe.regimes ? this.normaliseRegimeColumns(inputs, settings) : inputs;
    return this.engine.scoreWindowedColumns(forest, this.handle, cols, this.slotsFor(units, n));
  }

  /** Scores a streamed row-major batch of raw inputs; the units' state carries over to the next batch. */
  scoreRows(
    forest: number,
    raw: Float64Array,
    stride: number,
    units: Float64Array | undefined,
    n: number,
    settings?: Float64Array,
  ): { scores: Float64Array; unscorable: number } {
    let block = raw;
    let width = stride;
    if (this.recipe.regimes) {
      const d = this.recipe.inputs.length;
      const dense = new Float64Array(n * d);
      for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) dense[i * d + f] = raw[i * stride + f];
      block = this.normaliseRegimes(dense, n, settings);
      width = d;
    }
    return this.engine.scoreWindowedRows(forest, this.handle, block.subarray(0, n * width), width, this.slotsFor(units, n));
  }

  private slotsFor(units: Float64Array | undefined, n: number): Int32Array {
    const slots = new Int32Array(n);
    let lastUnit = NaN;
    let lastSlot = 0;
    for (let i = 0; i < n; i++) {
      const u = units ? units[i] : 0;
      if (!(u === lastUnit)) {
        let s = this.slotOf.get(u);
        if (s === undefined) this.slotOf.set(u, (s = this.slotOf.size));
        lastUnit = u;
        lastSlot = s;
      }
      slots[i] = lastSlot;
    }
    if (this.slotOf.size > this.capacity) {
      // Doubling, unless that alone would pass the state budget: then exactly what is needed.
      const doubled = Math.max(this.slotOf.size, this.capacity * 2);
      this.capacity = doubled * this.unitBytes > DOUBLING_BUDGET ? this.slotOf.size : doubled;
      this.engine.growWindow(this.handle, this.capacity);
    }
    return slots;
  }

  /** Bytes of window state per unit (0 without a window): what caps the units a stream may track. */
  get unitBytes(): number {
    return this.identity ? 0 : this.recipe.inputs.length * (WINDOW_HEADER + this.recipe.window.size) * 8;
  }

  /** A unit's window state (baseline sums, sliding sums, ring), copied out; undefined when never seen. */
  unitState(unit: number): Float64Array | undefined {
    const s = this.slotOf.get(unit);
    return s === undefined || this.identity ? undefined : this.engine.readWindowSlot(this.handle, s);
  }

  /** Puts a unit's window state back (from unitState of the same recipe). */
  setUnitState(unit: number, words: Float64Array): void {
    if (this.identity) return;
    this.slotsFor(new Float64Array([unit]), 1);
    this.engine.writeWindowSlot(this.handle, this.slotOf.get(unit)!, words);
  }

  /** Forgets a unit's window state; its slot is kept for the next unit under the same number. */
  forgetUnit(unit: number): void {
    const s = this.slotOf.get(unit);
    if (s !== undefined && !this.identity) this.engine.clearWindowSlot(this.handle, s);
  }

  private normaliseRegimeColumns(inputs: Float64Array[], settings: Float64Array[]): Float64Array[] {
    const m = this.recipe.regimes!;
    const n = inputs[0].length;
    if (settings.length !== m.settings.length)
      throw new Error('this model normalises by operating regime: the data needs the setting columns');
    const out = inputs.map(() => new Float64Array(n));
    const buf = new Float64Array(settings.length);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < settings.length; j++) buf[j] = settings[j][i];
      // No regime without its settings: the reading's features are missing (unscored), never another regime's.
      if (!buf.every(Number.isFinite)) {
        for (let f = 0; f < inputs.length; f++) out[f][i] = NaN;
        continue;
      }
      const r = regimeOf(m, buf);
      for (let f = 0; f < inputs.length; f++) out[f][i] = (inputs[f][i] - m.mean[r][f]) / m.scale[r][f];
    }
    return out;
  }

  private normaliseRegimes(raw: Float64Array, n: number, settings?: Float64Array): Float64Array {
    const m = this.recipe.regimes!;
    const d = this.recipe.inputs.length;
    const k = m.settings.length;
    if (!settings) throw new Error('this model normalises by operating regime: the data needs the setting columns');
    const out = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const at = settings.subarray(i * k, i * k + k);
      if (!at.every(Number.isFinite)) {
        out.fill(NaN, i * d, i * d + d);
        continue;
      }
      const r = regimeOf(m, at);
      for (let f = 0; f < d; f++) out[i * d + f] = (raw[i * d + f] - m.mean[r][f]) / m.scale[r][f];
    }
    return out;
  }

  reset(): void {
    if (this.handle) this.engine.resetWindow(this.handle);
    this.slotOf.clear();
  }

  dispose(): void {
    if (this.handle) this.engine.freeWindow(this.handle);
    this.handle = 0;
  }
}
