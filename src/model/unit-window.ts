// One unit's part of the rolling data check: the runs that tell a stuck sensor or a jump out of
// the range (per input: last value, run length, depth beyond the edge, whether the excursion
// began with a jump), and the unit's own window of its last readings' flags with their counts and
// the unit's alerts in force. Everything lives in one fixed-size buffer, so a unit costs the same
// bytes whatever it sends, and a checkpoint copies it as it is.

/** Readings a unit's own alert shares are taken over. */
export const UNIT_WINDOW = 50;

export class UnitCheck {
  /** The whole state, for checkpoints. */
  readonly bytes: Uint8Array;
  readonly last: Float64Array;
  /** Depth beyond the range edge at the last reading (widths; 0 inside). */
  readonly depth: Float64Array;
  readonly run: Int32Array;
  /** Per alert slot (input × kind, then the regime): flagged readings in the window. */
  readonly counts: Int32Array;
  /** [next row, rows filled] of the window. */
  private readonly meta: Int32Array;
  /** 1 while the unit's excursion on an input began with a jump. */
  readonly jumped: Uint8Array;
  /** Per reading in the window: the flag bits per input, then the regime's. */
  private readonly ring: Uint8Array;
  /** The unit's alerts in force, per alert slot. */
  readonly active: Uint8Array;
  private readonly d: number;
  readonly window: number;

  /** Bytes a unit's state takes for `d` inputs. */
  static byteLength(d: number, window = UNIT_WINDOW): number {
    const slots = d * 4 + 1;
    return 16 * d + 4 * (d + slots + 2) + d + window * (d + 1) + slots;
  }

  /** A fresh unit, or one put back from `from` (a copy of another's `bytes`; its length must match). */
  constructor(d: number, window = UNIT_WINDOW, from?: Uint8Array) {
    this.d = d;
    this.window = window;
    const slots = d * 4 + 1;
    const size = UnitCheck.byteLength(d, window);
    if (from && from.length !== size) throw new Error(`saved data-check state: ${from.length} bytes per unit, expected ${size}`);
    this.bytes = from ? from.slice() : new Uint8Array(size);
    const buf = this.bytes.buffer;
    let at = 0;
    const f64 = (n: number) => new Float64Array(buf, (at += n * 8) - n * 8, n);
    const i32 = (n: number) => new Int32Array(buf, (at += n * 4) - n * 4, n);
    const u8 = (n: number) => new Uint8Array(buf, (at += n) - n, n);
    this.last = f64(d);
    this.depth = f64(d);
    this.run = i32(d);
    this.counts = i32(slots);
    this.meta = i32(2);
    this.jumped = u8(d);
    this.ring = u8(window * (d + 1));
    this.active = u8(slots);
    if (!from) this.last.fill(NaN);
  }

  get filled(): number {
    return this.meta[1];
  }

  /** Adds a reading's flag bits (d + 1 of them: inputs, then the regime), dropping the oldest when full. */
  record(bits: Uint8Array): void {
    const stride = this.d + 1;
    const row = this.meta[0] * stride;
    const full = this.meta[1] === this.window;
    for (let f = 0; f <= this.d; f++) {
      if (full) countBits(this.counts, f, this.ring[row + f], -1);
      this.ring[row + f] = bits[f];
      countBits(this.counts, f, bits[f], 1);
    }
    this.meta[0] = (this.meta[0] + 1) % this.window;
    if (!full) this.meta[1]++;
  }
}

/** Counts a column's bits into the alert slots: input f's kinds at f*4+k, the regime (f = d) at d*4. */
export function countBits(counts: Int32Array, f: number, bits: number, by: number): void {
  for (let k = 0; k < 4; k++) if (bits & (1 << k)) counts[f * 4 + k] += by;
}
