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
  /** Input waiting to fill a step: steps fall at fixed offsets, so damage shows at the same point however the input was cut. */
  private readonly held = new Uint8Array(STEP);
  private heldLength = 0;
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
   * Takes a chunk of compressed input and yields what each completed step gives;
   * `final` ends the stream. Only fflate's own failures become "damaged": an error
   * thrown by the consumer of the yielded bytes passes through untouched.
   */
  *steps(chunk: Uint8Array, final: boolean): Generator<Uint8Array> {
    for (let at = 0; at < chunk.length;) {
      const take = Math.min(STEP - this.heldLength, chunk.length - at);
      this.held.set(chunk.subarray(at, at + take), this.heldLength);
      this.heldLength += take;
      at += take;
      if (this.heldLength === STEP) {
        this.heldLength = 0;
        yield* this.step(this.held.slice(), false);
      }
    }
    if (final) {
      const rest = this.held.slice(0, this.heldLength);
      this.heldLength = 0;
      yield* this.step(rest, true);
    }
  }

  private step(input: Uint8Array, final: boolean): Uint8Array[] {
    try {
      this.stream.push(input, final);
    } catch (e) {
      throw new DataError(`${this.what} is damaged or cut short (${e instanceof Error ? e.message : String(e)})`);
    }
    const out = this.out;
    this.out = [];
    return out;
  }
}
