// Counts distinct values (up to a cap) and the most frequent value's count, with an
// open-addressing table over typed arrays: a Map per column is ~10x slower on a
// million rows.

export interface DistinctState {
  cap: number;
  size: number;
  keys: Float64Array;
  counts: Int32Array;
}

export class DistinctCounter {
  readonly keys: Float64Array;
  readonly counts: Int32Array;
  private readonly bits = new Float64Array(1);
  private readonly words = new Uint32Array(this.bits.buffer);
  private readonly mask: number;
  /** The slot of the value added last (a profile kernel counts into the table too: profile-kernel.ts). */
  last = 0;
  size = 0;
  readonly cap: number;

  constructor(cap: number, from?: DistinctState) {
    this.cap = cap;
    let slots = 16;
    while (slots < cap * 2) slots *= 2;
    this.keys = from?.keys ?? new Float64Array(slots);
    this.counts = from?.counts ?? new Int32Array(slots);
    this.size = from?.size ?? 0;
    this.mask = this.keys.length - 1;
  }

  /**
   * Adds a non-NaN value. Once `cap` distinct values are held, counting stops: the size
   * says "at least cap" and the top count is no longer known (a column that varies that
   * much is not near-constant), so millions of readings cost no hashing.
   */
  add(x: number): void {
    if (this.size < this.cap) this.addCount(x, 1);
  }

  /** Adds the value added last once more (a repeated reading costs no hashing). */
  repeat(): void {
    if (this.size < this.cap) this.counts[this.last]++;
  }

  private addCount(x: number, n: number): void {
    this.bits[0] = x === 0 ? 0 : x; // -0 and 0 are one value
    let h = Math.imul(this.words[0] ^ Math.imul(this.words[1], 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    let at = h & this.mask;
    for (;;) {
      const c = this.counts[at];
      if (c === 0) {
        this.keys[at] = x;
        this.counts[at] = n;
        this.size++;
        this.last = at;
        return;
      }
      if (this.keys[at] === x) {
        this.counts[at] = c + n;
        this.last = at;
        return;
      }
      at = (at + 1) & this.mask;
    }
  }

  /**
   * Takes in the values another counter counted (another worker's share of the rows): the
   * same size and top count as one counter over all of them.
   */
  merge(other: DistinctState): void {
    if (other.cap !== this.cap) throw new Error(`distinct counters of caps ${this.cap} and ${other.cap} cannot merge`);
    if (other.size >= other.cap) this.size = this.cap;
    for (let s = 0; s < other.keys.length && this.size < this.cap; s++)
      if (other.counts[s] > 0) this.addCount(other.keys[s], other.counts[s]);
  }

  /** The table as plain data, to cross a worker boundary. */
  state(): DistinctState {
    return { cap: this.cap, size: this.size, keys: this.keys, counts: this.counts };
  }

  /** The most frequent value's count; NaN once the cap is reached. */
  topCount(): number {
    if (this.size >= this.cap) return NaN;
    let top = 0;
    for (let i = 0; i < this.counts.length; i++) if (this.counts[i] > top) top = this.counts[i];
    return top;
  }
}
