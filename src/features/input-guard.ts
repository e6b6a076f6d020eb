// Raw readings far past what the model was trained on, caught before a recipe with a unit
// baseline (LoadedModel applies it only then).
// A recipe scores a reading by its deviation from its unit's own first readings, so a unit
// whose first reading is 1e300 (or a sensor's 65535 error code) deviates by nothing and scores
// as normal; folded into the unit's baseline, it then shifts every later deviation. Such a
// value is kept out of the window (as a missing one is) and its reading gets the highest
// anomaly score (-1 as score_samples), as the engine gives a feature past its trees' range.

/** What the guard reads of a model's training envelope (model/envelope.ts): per input, its quantiles, lowest to highest. */
export interface EnvelopeQuantiles {
  inputs: readonly { name: string; q: readonly number[] }[];
}

/** How far past the healthy envelope (its 0.1%–99.9% quantiles) a value may lie, in widths of it. */
export const INPUT_MARGIN = 3;

export interface Guarded {
  /** What to score: the same arrays when nothing was past the range, copies with those values NaN otherwise. */
  values: Float64Array[];
  /** Per row, 1 where an input was past its range; undefined when none was. */
  outside?: Uint8Array;
}

export class InputGuard {
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;

  private constructor(lo: Float64Array, hi: Float64Array) {
    this.lo = lo;
    this.hi = hi;
  }

  /** The guard of a model's recipe inputs, from its training envelope; undefined without one. */
  static of(env: EnvelopeQuantiles | undefined, inputs: string[]): InputGuard | undefined {
    if (!env) return undefined;
    const lo = new Float64Array(inputs.length).fill(-Infinity);
    const hi = new Float64Array(inputs.length).fill(Infinity);
    let any = false;
    inputs.forEach((name, f) => {
      const q = env.inputs.find((i) => i.name === name)?.q;
      if (!q) return;
      const [low, high] = [q[0], q[q.length - 1]];
      const width = high - low;
      // An input constant in health has no width to scale a margin by: left to the trees.
      if (!(width > 0) || !Number.isFinite(width)) return;
      lo[f] = low - INPUT_MARGIN * width;
      hi[f] = high + INPUT_MARGIN * width;
      any = true;
    });
    return any ? new InputGuard(lo, hi) : undefined;
  }

  /** Input columns (one per recipe input, n rows each). */
  columns(cols: Float64Array[]): Guarded {
    let outside: Uint8Array | undefined;
    const values = cols.map((c, f) => {
      const [lo, hi] = [this.lo[f], this.hi[f]];
      let copy: Float64Array | undefined;
      for (let i = 0; i < c.length; i++) {
        const x = c[i];
        if (!(x < lo || x > hi)) continue;
        copy ??= c.slice();
        copy[i] = NaN;
        (outside ??= new Uint8Array(c.length))[i] = 1;
      }
      return copy ?? c;
    });
    return { values, outside };
  }

  /** A row-major block, `stride` values a row, the recipe inputs first. */
  rows(block: Float64Array, stride: number, n: number): Guarded {
    let outside: Uint8Array | undefined;
    let copy: Float64Array | undefined;
    const d = this.lo.length;
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < d; f++) {
        const x = block[i * stride + f];
        if (!(x < this.lo[f] || x > this.hi[f])) continue;
        copy ??= block.slice();
        copy[i * stride + f] = NaN;
        (outside ??= new Uint8Array(n))[i] = 1;
      }
    }
    return { values: [copy ?? block], outside };
  }
}

/** Scores of guarded rows set to -1; those rows are no longer counted unscorable. */
export function markOutside(
  scored: { scores: Float64Array; unscorable: number },
  outside: Uint8Array | undefined,
): { scores: Float64Array; unscorable: number } {
  if (!outside) return scored;
  let { unscorable } = scored;
  for (let i = 0; i < outside.length; i++) {
    if (!outside[i]) continue;
    if (Number.isNaN(scored.scores[i])) unscorable--;
    scored.scores[i] = -1;
  }
  return { scores: scored.scores, unscorable };
}
