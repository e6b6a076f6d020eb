// Counts distinct values (up to a cap) and the most frequent value's count, with an
// open-addressing table over typed arrays: a Map per column is ~10x slower on a
// million rows.

export class DistinctCounter {
  private readonly keys: Float64Array;
  private readonly counts: Int32Array;
  private readonly bits = new Float64Array(1);
  private readonly words = new Uint32Array(this.bits.buffer);
  private readonly mask: number;
  size = 0;
  readonly cap: number;

  constructor(cap: number) {
    this.cap = cap;
    let slots = 16;
    while (slots < cap * 2) slots *= 2;
    this.keys = new Float64Array(slots);
    this.counts = new Int32Array(slots);
    this.mask = slots - 1;
  }

  /** Adds a non-NaN value; once `cap` distinct values are held, new ones are ignored. */
  add(x: number): void {
    this.bits[0] = x === 0 ? 0 : x; // -0 and 0 are one value
    let h = Math.imul(this.words[0] ^ Math.imul(this.words[1], 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    let at = h & this.mask;
    for (;;) {
      const c = this.counts[at];
      if (c === 0) {
        if (this.size >= this.cap) return;
        this.keys[at] = x;
        this.counts[at] = 1;
        this.size++;
        return;
      }
      if (this.keys[at] === x) {
        this.counts[at] = c + 1;
        return;
      }
      at = (at + 1) & this.mask;
    }
  }

  topCount(): number {
    let top = 0;
    for (let i = 0; i < this.counts.length; i++) if (this.counts[i] > top) top = this.counts[i];
    return top;
  }
}
