// A bounded window of the most recent live points for drawing: fixed-size typed ring
// buffers, so a long stream never grows the page's memory.

export class LiveWindow {
  private readonly seq: Float64Array;
  private readonly unit: Float64Array;
  private readonly score: Float64Array;
  private readonly flag: Uint8Array;
  private start = 0;
  private size = 0;
  readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.seq = new Float64Array(capacity);
    this.unit = new Float64Array(capacity);
    this.score = new Float64Array(capacity);
    this.flag = new Uint8Array(capacity);
  }

  clear(): void {
    this.start = 0;
    this.size = 0;
  }

  push(seq: Float64Array, unit: Float64Array, score: Float64Array, flag: Uint8Array): void {
    for (let i = 0; i < seq.length; i++) {
      const at = (this.start + this.size) % this.capacity;
      this.seq[at] = seq[i];
      this.unit[at] = unit[i];
      this.score[at] = score[i];
      this.flag[at] = flag[i];
      if (this.size < this.capacity) this.size++;
      else this.start = (this.start + 1) % this.capacity;
    }
  }

  /**
   * Oldest to newest, as uPlot wants: [x, anomaly score, flagged-only, `unit`'s only]. A
   * fleet's readings arrive interleaved, so one line through them all would join units.
   */
  series(unit?: number): [number[], (number | null)[], (number | null)[], (number | null)[]] {
    const x = new Array<number>(this.size);
    const y = new Array<number | null>(this.size);
    const f = new Array<number | null>(this.size);
    const own = new Array<number | null>(this.size);
    for (let i = 0; i < this.size; i++) {
      const at = (this.start + i) % this.capacity;
      x[i] = this.seq[at];
      const s = this.score[at];
      y[i] = Number.isNaN(s) ? null : -s;
      f[i] = this.flag[at] ? -s : null;
      own[i] = this.unit[at] === unit ? y[i] : null;
    }
    return [x, y, f, own];
  }

  get length(): number {
    return this.size;
  }
}
