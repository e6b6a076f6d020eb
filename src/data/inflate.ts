// Gzip and deflate decompression in small steps. fflate inflates everything it is
// handed in one go, so a 4 MB bomb pushed whole became one 1 GB buffer (5.3 GB of
// memory). Fed 16 KiB at a time, a step yields at most ~16 MiB (deflate tops out
// near 1032:1), and the reader downstream can stop at its limits between steps.
import { Gunzip, Inflate } from 'fflate';
import { DataError } from './dataset.js';

const STEP = 16 * 1024;

export class StepInflater {
  private readonly stream: Gunzip | Inflate;
  private out: Uint8Array[] = [];
  private readonly what: string;

  /** `what` names the data in messages: "x.csv.gz: the gzip data". */
  constructor(format: 'gzip' | 'deflate', what: string) {
    const take = (bytes: Uint8Array) => {
      if (bytes.length) this.out.push(bytes);
    };
    this.stream = format === 'gzip' ? new Gunzip(take) : new Inflate(take);
    this.what = what;
  }

  /**
   * Inflates `chunk` step by step, yielding what each step gives; `final` ends the
   * stream. Only fflate's own failures become "damaged": an error thrown by the
   * consumer of the yielded bytes passes through untouched.
   */
  *steps(chunk: Uint8Array, final: boolean): Generator<Uint8Array> {
    for (let at = 0; ; at += STEP) {
      const last = at + STEP >= chunk.length;
      try {
        this.stream.push(chunk.subarray(at, at + STEP), final && last);
      } catch (e) {
        throw new DataError(`${this.what} is damaged or cut short (${e instanceof Error ? e.message : String(e)})`);
      }
      const out = this.out;
      this.out = [];
      yield* out;
      if (last) return;
    }
  }
}
