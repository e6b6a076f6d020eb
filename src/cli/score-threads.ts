// Spreads `isoscope score` over threads: the main thread, which also reads and parses the
// file, and N−1 worker threads. A unit is given to one thread the first time it is seen, so
// each unit's readings are scored in order by one engine and the results equal a
// single-threaded run's. On two cores a third busy thread only adds switching and copying,
// so the main thread scores a share itself, sized (ShareBalance) so that it finishes its
// parse and its share when the workers finish theirs. Threads write their rows' CSV lines;
// the main thread splices them back into file order, a run of one thread's rows at a time.
import { Worker } from 'node:worker_threads';
import { column, columnByRole, DataError, type Column, type Dataset } from '../data/dataset.js';
import { scoresCsvLines } from '../data/scores-csv.js';
import type { PieceScorer } from '../model/piece-scorer.js';
import type { ModelJson } from '../model/types.js';
import { ShareBalance } from './share-balance.js';
import type { ThreadPiece, ThreadReply } from './score-worker.js';

type Lines = Extract<ThreadReply, { text: string }>;

interface Thread {
  worker: Worker;
  waiting: { ok: (r: Lines) => void; fail: (e: Error) => void }[];
  ready: Promise<void>;
}

export interface ScoredText {
  text: string;
  unscorable: number;
}

/** Thread 0 is the main thread. */
const MAIN = 0;

export class ScoreThreads {
  private readonly workers: Thread[];
  private readonly local: PieceScorer;
  private readonly offset: number;
  private readonly ownerOf = new Map<number, number>();
  private readonly balance: ShareBalance;
  private readonly inputs: string[];
  /** Scoring time summed over the threads. */
  scoreMs = 0;

  /** `count` threads in all: this one, scoring with `local`, and count − 1 workers. */
  constructor(model: ModelJson, inputs: string[], count: number, local: PieceScorer) {
    this.inputs = inputs;
    this.local = local;
    this.offset = model.threshold.offset;
    this.workers = Array.from({ length: count - 1 }, () => spawn(model));
    this.balance = new ShareBalance(count - 1);
  }

  /** The main thread's time per piece besides scoring (reading, parsing, writing): its share shrinks as that grows. */
  noteMainWork(ms: number, rows: number): void {
    this.balance.noteOverhead(ms, rows);
  }

  /** The CSV lines of the next piece of the file (pieces in file order), its first row numbered rowBase. */
  async score(ds: Dataset, rowBase: number): Promise<ScoredText> {
    const unit = columnByRole(ds, 'unit');
    const time = columnByRole(ds, 'time');
    const owner = this.owners(unit?.values, ds.rows);
    const names = new Set([...(unit ? [unit.name] : []), ...(time ? [time.name] : []), ...this.inputs]);
    const cols = [...names].map((n) => column(ds, n)!);
    const pending = this.workers.map((t, k) =>
      owner.counts[k + 1] ? this.send(t, gather(ds, cols, owner.of, k + 1, owner.counts[k + 1], rowBase)) : Promise.resolve(undefined),
    );
    // Settled at once, so a worker failing while this thread scores its share is not left unhandled.
    const settled = Promise.allSettled(pending);
    let mine: Lines | undefined;
    if (owner.counts[MAIN]) {
      const t0 = performance.now();
      mine = this.scoreHere(gather(ds, cols, owner.of, MAIN, owner.counts[MAIN], rowBase));
      this.balance.noteMain(mine.ms, owner.counts[MAIN]);
      this.scoreMs += performance.now() - t0;
    }
    const results: (Lines | undefined)[] = [mine];
    for (const r of await settled) {
      if (r.status === 'rejected') throw r.reason;
      results.push(r.value);
    }
    return splice(owner.of, results);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((t) => t.worker.terminate()));
  }

  private scoreHere({ ds, rows }: ThreadPiece): Lines {
    const t0 = performance.now();
    const r = this.local.score(ds);
    const table = {
      unit: columnByRole(ds, 'unit'),
      time: columnByRole(ds, 'time'),
      scores: r.scores,
      offset: this.offset,
      flags: r.flags,
      alarm: r.alarm,
    };
    const { text, ends } = scoresCsvLines(table, rows);
    return { text, ends, unscorable: r.unscorable, ms: performance.now() - t0 };
  }

  private async send(t: Thread, piece: ThreadPiece): Promise<Lines> {
    const rows = piece.rows.length; // its buffer is transferred
    await t.ready;
    const r = await new Promise<Lines>((ok, fail) => {
      t.waiting.push({ ok, fail });
      const buffers = [...piece.ds.columns.map((c) => c.values.buffer), piece.rows.buffer] as ArrayBuffer[];
      t.worker.postMessage(piece, buffers);
    });
    this.scoreMs += r.ms;
    this.balance.noteWorker(r.ms, rows);
    return r;
  }

  /** Each row's thread: its unit's, given when first seen to the thread furthest below its share. */
  private owners(unit: Float64Array | undefined, rows: number): { of: Uint8Array; counts: Int32Array } {
    const of = new Uint8Array(rows);
    const counts = new Int32Array(this.workers.length + 1);
    let lastUnit = NaN;
    let last = 0;
    for (let i = 0; i < rows; i++) {
      const u = unit ? unit[i] : 0;
      if (!(u === lastUnit)) {
        let k = this.ownerOf.get(u);
        if (k === undefined) this.ownerOf.set(u, (k = this.balance.nextOwner()));
        lastUnit = u;
        last = k;
      }
      of[i] = last;
      counts[last]++;
    }
    this.balance.noteRows(counts);
    return { of, counts };
  }
}

function spawn(model: ModelJson): Thread {
  const worker = new Worker(new URL('./score-worker.js', import.meta.url), { workerData: { model } });
  const t: Thread = { worker, waiting: [], ready: Promise.resolve() };
  t.ready = new Promise<void>((ready, failed) => {
    const failAll = (e: Error) => {
      failed(e);
      for (const w of t.waiting.splice(0)) w.fail(e);
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`a scoring thread stopped (exit ${code})`)));
    worker.on('message', (m: ThreadReply) => {
      if ('ready' in m) return ready();
      const w = t.waiting.shift()!;
      if ('error' in m)
        w.fail(m.error.name === 'DataError' || m.error.name === 'ModelError' ? new DataError(m.error.message) : new Error(m.error.message));
      else w.ok(m);
    });
  });
  // A rejection nobody awaits yet (a worker failing before its first piece) is reported by the next send.
  t.ready.catch(() => undefined);
  return t;
}

/** The threads' lines back in file order: runs of rows that belong to one thread are runs of its lines, one slice each. */
function splice(of: Uint8Array, results: (Lines | undefined)[]): ScoredText {
  const parts: string[] = [];
  const at = new Int32Array(results.length);
  const from = new Uint32Array(results.length);
  for (let i = 0; i < of.length;) {
    const k = of[i];
    let j = i;
    while (j < of.length && of[j] === k) j++;
    const r = results[k]!;
    at[k] += j - i;
    const end = r.ends[at[k] - 1];
    parts.push(r.text.slice(from[k], end));
    from[k] = end;
    i = j;
  }
  let unscorable = 0;
  for (const r of results) if (r) unscorable += r.unscorable;
  return { text: parts.join(''), unscorable };
}

/** Thread k's rows as a piece of their own, with their row numbers: the one copy of their values on the way out. */
function gather(ds: Dataset, cols: Column[], of: Uint8Array, k: number, count: number, rowBase: number): ThreadPiece {
  const rows = new Int32Array(count);
  for (let i = 0, j = 0; i < ds.rows; i++) if (of[i] === k) rows[j++] = rowBase + i;
  const columns = cols.map((c) => {
    const values = new Float64Array(count);
    for (let j = 0; j < count; j++) values[j] = c.values[rows[j] - rowBase];
    return { ...c, values };
  });
  return { ds: { ...ds, rows: count, columns }, rows };
}
