// How much of a file the main thread of `score --threads` scores itself. It also reads,
// parses and writes, so its share is what lets it finish with the workers: with p its other
// work per row, s its scoring time per row and w a worker's, over W workers,
// p + f·s = (1 − f)·w / W. The times are measured as the file goes; which thread scores a
// unit never changes a score, only how long the whole takes.
/** The main thread's share before anything is measured: parsing costs about as much as scoring. */
const FIRST_SHARE = 0.25;
const MIN_SHARE = 0.02;
const MAX_SHARE = 0.9;

export class ShareBalance {
  private readonly workers: number;
  private mainMs = 0;
  private mainRows = 0;
  private workerMs = 0;
  private workerRows = 0;
  private overheadMs = 0;
  private overheadRows = 0;
  /** Rows given to each thread (0: the main thread), plus one per unit so units seen together spread too. */
  private readonly load: Float64Array;

  constructor(workers: number) {
    this.workers = workers;
    this.load = new Float64Array(workers + 1);
  }

  noteMain(ms: number, rows: number): void {
    this.mainMs += ms;
    this.mainRows += rows;
  }

  noteWorker(ms: number, rows: number): void {
    this.workerMs += ms;
    this.workerRows += rows;
  }

  noteOverhead(ms: number, rows: number): void {
    this.overheadMs += ms;
    this.overheadRows += rows;
  }

  noteRows(counts: Int32Array): void {
    for (let k = 0; k < counts.length; k++) this.load[k] += counts[k];
  }

  /** The main thread's target share of the rows. */
  mainShare(): number {
    if (!this.workers) return 1;
    if (!this.mainRows || !this.workerRows || !this.overheadRows) return FIRST_SHARE / this.workers;
    const s = this.mainMs / this.mainRows;
    const w = this.workerMs / this.workerRows / this.workers;
    const p = this.overheadMs / this.overheadRows;
    return Math.min(MAX_SHARE, Math.max(MIN_SHARE, (w - p) / (s + w)));
  }

  /** The thread for a unit seen for the first time: the one furthest below its share. */
  nextOwner(): number {
    const f = this.mainShare();
    let best = 0;
    let lowest = Infinity;
    for (let k = 0; k <= this.workers; k++) {
      const share = k === 0 ? f : (1 - f) / this.workers;
      const fill = (this.load[k] + 1) / share;
      if (fill < lowest) {
        lowest = fill;
        best = k;
      }
    }
    this.load[best] += 1;
    return best;
  }
}
