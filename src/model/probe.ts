// Load-time proof that a model behaves: compile it and score a small block of finite
// readings, refusing it (a ModelError) unless every score is a proper score_samples
// value in [-1, 0) and every explanation is finite. Run in a sandbox instance, so a
// model that traps or misbehaves never touches the engine other models live in.
import { EngineTrap, type ForestSpec, type WasmEngine } from '../engine/wasm-engine.js';
import { ModelError } from './validate.js';

/** Readings per probe: the training mean, points a few scales out, and a spread around it. */
const PROBE_ROWS = 16;
const OFFSETS = [0, 1, -1, 3, -3, 0.5, -0.5, 10, -10];

/** Finite raw readings around the scaler's mean, deterministic so a refusal can be reproduced. */
export function probeRows(mean: Float64Array, scale: Float64Array): Float64Array {
  const d = mean.length;
  const rows = new Float64Array(PROBE_ROWS * d);
  let seed = 0x9e3779b9;
  const next = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  for (let r = 0; r < PROBE_ROWS; r++) {
    for (let f = 0; f < d; f++) {
      const z = r < OFFSETS.length ? OFFSETS[r] : (next() - 0.5) * 8;
      const x = mean[f] + z * scale[f];
      // A scaler near the f64 limits could push the reading itself to ±Infinity: not a finite probe.
      rows[r * d + f] = Number.isFinite(x) ? x : mean[f];
    }
  }
  return rows;
}

/** Throws a ModelError naming what went wrong; leaves nothing allocated in `engine`. */
export function probeForest(engine: WasmEngine, spec: ForestSpec): void {
  let handle = 0;
  try {
    handle = engine.loadForest(spec);
    const d = spec.mean.length;
    const rows = probeRows(spec.mean, spec.scale);
    const { scores } = engine.scoreRowMajor(handle, rows, d);
    scores.forEach((s, r) => {
      // score_samples = -2^(-E[h]/c(psi)): in [-1, 0) whenever path lengths are finite and >= 0.
      if (!(s >= -1 && s < 0))
        throw new ModelError(
          'bad-score',
          `model field /forest: scores ${s} for a finite reading (probe row ${r}); a score must lie in [-1, 0)`,
        );
    });
    for (const r of [0, 3]) {
      const { attribution, meanPathLength } = engine.explain(handle, rows.subarray(r * d, (r + 1) * d));
      const bad = attribution.findIndex((a) => !Number.isFinite(a));
      if (bad >= 0 || !Number.isFinite(meanPathLength)) {
        throw new ModelError(
          'bad-explanation',
          `model field /forest: explains a finite reading (probe row ${r}) with ${bad >= 0 ? `attribution ${attribution[bad]} for feature ${bad}` : `mean path length ${meanPathLength}`}`,
        );
      }
    }
  } catch (e) {
    if (e instanceof ModelError) throw e;
    throw engineRefused(e);
  } finally {
    if (handle) engine.freeForest(handle);
  }
}

/** A model the engine could not compile or run, as the one-line error a user sees. */
export function engineRefused(e: unknown): ModelError {
  const why = (e as Error).message.split('\n')[0].replace(/^engine: /, '');
  const what = e instanceof EngineTrap ? 'the engine trapped on this model' : 'the engine refused this model';
  return new ModelError('engine', `model field /forest: ${what} (${why})`);
}
