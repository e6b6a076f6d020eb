// Spreads `isoscope score` over worker threads. A unit is given to one worker the first time
// it is seen (in turn), so each unit's readings are scored in order by one engine and the
// results equal a single-threaded run's. Workers also write their rows' CSV lines; the main
// thread reads the file and splices the lines back into file order, a run of one worker's
// rows at a time. Pieces are pipelined, so reading overlaps scoring.
import { Worker } from 'node:worker_threads';
import { column, columnByRole, DataError, type Column, type Dataset } from '../data/dataset.js';
import type { ModelJson } from '../model/types.js';
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

export class ScoreThreads {
  /** Spawned when first given a unit: a file of one series needs one, whatever --threads says. */
  private readonly threads: (Thread | undefined)[];
  private readonly ownerOf = new Map<number, number>();
  private nextOwner = 0;
  private readonly inputs: string[];
  private readonly model: ModelJson;
  /** Scoring time summed over the workers. */
  scoreMs = 0;

  constructor(model: ModelJson, inputs: string[], count: number) {
    this.inputs = inputs;
    this.model = model;
    this.threads = new Array<Thread | undefined>(count).fill(undefined);
  }

  /** The CSV lines of the next piece of the file (pieces in file order), its first row numbered rowBase. */
  async score(ds: Dataset, rowBase: number): Promise<ScoredText> {
    const unit = columnByRole(ds, 'unit');
    const time = columnByRole(ds, 'time');
    const owner = this.owners(unit?.values, ds.rows);
    const names = new Set([...(unit ? [unit.name] : []), ...(time ? [time.name] : []), ...this.inputs]);
    const cols = [...names].map((n) => column(ds, n)!);
    const results = await Promise.all(
      this.threads.map((_, k) =>
        owner.counts[k] ? this.send(this.thread(k), gather(ds, cols, owner.of, k, owner.counts[k], rowBase)) : Promise.resolve(undefined),
      ),
    );
    // Runs of rows that belong to one worker are runs of its lines: one slice each.
    const parts: string[] = [];
    const at = new Int32Array(this.threads.length);
    const from = new Uint32Array(this.threads.length);
    for (let i = 0; i < ds.rows;) {
      const k = owner.of[i];
      let j = i;
      while (j < ds.rows && owner.of[j] === k) j++;
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

  async close(): Promise<void> {
    await Promise.all(this.threads.flatMap((t) => (t ? [t.worker.terminate()] : [])));
  }

  private thread(k: number): Thread {
    return (this.threads[k] ??= spawn(this.model));
  }

  private async send(t: Thread, piece: ThreadPiece): Promise<Lines> {
    await t.ready;
    const r = await new Promise<Lines>((ok, fail) => {
      t.waiting.push({ ok, fail });
      const buffers = [...piece.ds.columns.map((c) => c.values.buffer), piece.rows.buffer] as ArrayBuffer[];
      t.worker.postMessage(piece, buffers);
    });
    this.scoreMs += r.ms;
    return r;
  }

  /** Each row's worker: its unit's, given in turn to the next worker when first seen. */
  private owners(unit: Float64Array | undefined, rows: number): { of: Uint8Array; counts: Int32Array } {
    const of = new Uint8Array(rows);
    const counts = new Int32Array(this.threads.length);
    let lastUnit = NaN;
    let last = 0;
    for (let i = 0; i < rows; i++) {
      const u = unit ? unit[i] : 0;
      if (!(u === lastUnit)) {
        let k = this.ownerOf.get(u);
        if (k === undefined) {
          this.ownerOf.set(u, (k = this.nextOwner));
          this.nextOwner = (this.nextOwner + 1) % this.threads.length;
        }
        lastUnit = u;
        last = k;
      }
      of[i] = last;
      counts[last]++;
    }
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

/** Worker k's rows as a piece of their own, with their row numbers: the one copy of their values on the way out. */
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
