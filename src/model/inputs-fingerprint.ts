// A fingerprint of a file's readings as the model reads them (its raw inputs, row by row), so
// that `evaluate` can say whether the data scored is the data trained on by content, not by
// file name: two recordings both called data.csv are not one, and a training file copied under
// another name, or sorted another way (by unit, by time), still is. Each row is hashed and the
// row hashes summed, so row order does not count ('set', `rows:N:set:…`); models trained before
// record the order-bound hash ('ordered', `rows:N:…`), which is still checked as it was made.
// Pieces of a streamed read give the same value as the whole file. Not cryptographic: it tells
// data apart, it does not guard against forgery.
import { column, type Dataset } from '../data/dataset.js';
import { readRange, Scratch } from '../data/compact-columns.js';
import type { ModelJson } from './types.js';

/** Rows read at a time from compact columns. */
const CHUNK = 65536;

export type FingerprintKind = 'set' | 'ordered';

/** How a recorded fingerprint was made, so the data is hashed the same way. */
export function fingerprintKind(recorded: string | undefined): FingerprintKind {
  return recorded && /^rows:\d+:set:/.test(recorded) ? 'set' : 'ordered';
}

const SEED1 = 0x811c9dc5;
const SEED2 = 0x27d4eb2f;

function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class InputsFingerprint {
  private h1 = SEED1;
  private h2 = SEED2;
  /** 'set': the sums of the rows' finished hashes. */
  private s1 = 0;
  private s2 = 0;
  private rows = 0;
  private readonly word = new Float64Array(1);
  private readonly bits = new Uint32Array(this.word.buffer);
  private readonly inputs: readonly string[];
  private readonly kind: FingerprintKind;

  constructor(inputs: readonly string[], kind: FingerprintKind = 'set') {
    this.inputs = inputs;
    this.kind = kind;
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
    const set = this.kind === 'set';
    let h1 = this.h1;
    let h2 = this.h2;
    let s1 = this.s1;
    let s2 = this.s2;
    for (let r = 0; r < rows; r++) {
      if (set) {
        h1 = SEED1;
        h2 = SEED2;
      }
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
      if (set) {
        s1 = (s1 + fmix(h1)) >>> 0;
        s2 = (s2 + fmix(h2 ^ 0x9e3779b9)) >>> 0;
      }
    }
    this.h1 = h1;
    this.h2 = h2;
    this.s1 = s1;
    this.s2 = s2;
  }

  /** The fingerprint so far: the row count and 64 bits. */
  digest(): string {
    const hex = (h: number) => h.toString(16).padStart(8, '0');
    if (this.kind === 'set') return `rows:${this.rows}:set:${hex(fmix(this.s1 ^ this.rows))}${hex(fmix(this.s2 + this.inputs.length))}`;
    return `rows:${this.rows}:${hex(fmix(this.h1 ^ this.rows))}${hex(fmix(this.h2 + this.inputs.length))}`;
  }
}

/** The fingerprint of a whole dataset's inputs (by default as models record it now). */
export function inputsFingerprint(ds: Pick<Dataset, 'columns' | 'rows'>, inputs: readonly string[], kind: FingerprintKind = 'set'): string {
  const f = new InputsFingerprint(inputs, kind);
  f.add(ds);
  return f.digest();
}

/** The columns a model's inputs fingerprint covers: its raw inputs, as training chose them. */
export function fingerprintInputs(model: ModelJson): string[] {
  return model.recipe?.inputs ?? model.features;
}

/** A fingerprint of data to compare with the one the model records, made the same way. */
export function fingerprintFor(model: ModelJson): InputsFingerprint {
  return new InputsFingerprint(fingerprintInputs(model), fingerprintKind(model.training.inputsFingerprint));
}

/**
 * The in-sample rule of evaluate, the Evaluation panel and the Models panel: data of this name
 * and row count holds the model's training readings when its fingerprint (asked for only when
 * the row counts agree) equals the one the model records; by file name for a model that records none.
 */
export function isTrainingData(
  model: ModelJson,
  data: { name: string; rows: number },
  fingerprint: (kind: FingerprintKind) => string,
): boolean {
  const recorded = model.training.inputsFingerprint;
  if (!recorded) return model.training.source === data.name;
  return rowsMatchTraining(recorded, data.rows) && fingerprint(fingerprintKind(recorded)) === recorded;
}

/** Whether a recorded fingerprint counts this many rows: when not, the data is other data, with no pass over it. */
export function rowsMatchTraining(recorded: string, rows: number): boolean {
  return recorded.startsWith(`rows:${rows}:`);
}
