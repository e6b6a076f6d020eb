// A fingerprint of a file's readings as the model reads them (its raw inputs, row by row, in
// file order), so that `evaluate` can say whether the data scored is the data trained on by
// content, not by file name: two recordings both called data.csv are not one, and a training
// file copied under another name still is. Pieces of a streamed read give the same value as
// the whole file. Not cryptographic: it tells data apart, it does not guard against forgery.
import { column, type Dataset } from '../data/dataset.js';
import { readRange, Scratch } from '../data/compact-columns.js';
import type { ModelJson } from './types.js';

/** Rows read at a time from compact columns. */
const CHUNK = 65536;

export class InputsFingerprint {
  private h1 = 0x811c9dc5;
  private h2 = 0x27d4eb2f;
  private rows = 0;
  private readonly word = new Float64Array(1);
  private readonly bits = new Uint32Array(this.word.buffer);
  private readonly inputs: readonly string[];

  constructor(inputs: readonly string[]) {
    this.inputs = inputs;
  }

  /**
   * Adds a dataset's rows (a whole file, or the next piece of one); an input it lacks reads
   * as missing. Compact columns are read a chunk at a time: reading `.values` would keep a
   * decoded Float64 copy of every input for as long as the caller's view lives (670 MB at
   * 6M rows of 14 inputs, through a whole training).
   */
  add(ds: Pick<Dataset, 'columns' | 'rows'>): void {
    const cols = this.inputs.map((name) => column(ds as Dataset, name));
    const scratch = new Scratch(Math.min(CHUNK, ds.rows));
    for (let from = 0; from < ds.rows; from += CHUNK) {
      const to = Math.min(ds.rows, from + CHUNK);
      this.mix(
        cols.map((c, f) => c && readRange(c, from, to, true, scratch.for(f))),
        to - from,
      );
    }
    this.rows += ds.rows;
  }

  private mix(cols: (Float64Array | undefined)[], rows: number): void {
    const { word, bits } = this;
    let h1 = this.h1;
    let h2 = this.h2;
    for (let r = 0; r < rows; r++) {
      for (const c of cols) {
        const v = c ? c[r] : NaN;
        // One NaN whatever its bits: CPUs write the NaN of a computation differently.
        word[0] = v;
        const lo = v === v ? bits[0] : 0;
        const hi = v === v ? bits[1] : 0x7ff80000;
        // Two 32-bit lanes of different multiply-rotate mixes: 64 bits against chance collisions.
        h1 = Math.imul(h1 ^ lo, 0x01000193);
        h2 = Math.imul(((h2 ^ lo) << 13) | ((h2 ^ lo) >>> 19), 0x5bd1e995);
        h1 = Math.imul(h1 ^ hi, 0x01000193);
        h2 = Math.imul(((h2 ^ hi) << 13) | ((h2 ^ hi) >>> 19), 0x5bd1e995);
      }
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  /** The fingerprint so far: the row count and 64 bits. */
  digest(): string {
    const fmix = (h: number) => {
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      return (h ^ (h >>> 16)) >>> 0;
    };
    const hex = (h: number) => h.toString(16).padStart(8, '0');
    return `rows:${this.rows}:${hex(fmix(this.h1 ^ this.rows))}${hex(fmix(this.h2 + this.inputs.length))}`;
  }
}

/** The fingerprint of a whole dataset's inputs. */
export function inputsFingerprint(ds: Pick<Dataset, 'columns' | 'rows'>, inputs: readonly string[]): string {
  const f = new InputsFingerprint(inputs);
  f.add(ds);
  return f.digest();
}

/** The columns a model's inputs fingerprint covers: its raw inputs, as training chose them. */
export function fingerprintInputs(model: ModelJson): string[] {
  return model.recipe?.inputs ?? model.features;
}

/**
 * The in-sample rule of evaluate, the Evaluation panel and the Models panel: data of this name
 * and row count holds the model's training readings when its fingerprint (asked for only when
 * the row counts agree) equals the one the model records; by file name for a model that records none.
 */
export function isTrainingData(model: ModelJson, data: { name: string; rows: number }, fingerprint: () => string): boolean {
  const recorded = model.training.inputsFingerprint;
  if (!recorded) return model.training.source === data.name;
  return rowsMatchTraining(recorded, data.rows) && fingerprint() === recorded;
}

/** Whether a recorded fingerprint counts this many rows: when not, the data is other data, with no pass over it. */
export function rowsMatchTraining(recorded: string, rows: number): boolean {
  return recorded.startsWith(`rows:${rows}:`);
}
