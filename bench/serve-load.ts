// The open-loop load generator of bench:serve, phase B, run as its own process (forked by
// bench/serve.ts, pinned to the core the server is not on) so the bench's own heap and work
// never delay a send. Request i is due at t0 + i/rate whatever happened to earlier ones, and its
// latency is counted from that due time, not from when it went out: a generator that falls
// behind adds its own lag to the figures instead of hiding the server's (coordinated omission).
// How late each send was is reported too, so a late generator is seen, not guessed.
//
// The client is a few lines over raw keep-alive sockets, HTTP/1.1 written by hand (bodies
// prebuilt): fetch spent ~0.1 ms of the generator's core per request. A small worker thread
// sleeps until each due time with sub-millisecond precision (Atomics.wait) and wakes the main
// loop, whose timers only tick in whole milliseconds.
import { connect, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';

export interface LoadRequest {
  url: string;
  /** Request bodies, sent in turn. */
  bodies: string[];
  rate: number;
  ms: number;
  /** Keep-alive connections opened up front; a send takes an idle one. */
  connections: number;
}

export interface LoadResult {
  /** Answer time minus due time, ms, per request (sorted). */
  latency: number[];
  /** Answer time minus actual send time, ms (sorted). */
  service: number[];
  /** Actual send time minus due time, ms (sorted): the generator's own lag. */
  lag: number[];
  /** Sends that found no idle connection and were pipelined behind another request. */
  queued: number;
  errors: string[];
}

class Connection {
  readonly inFlight: number[] = [];
  readonly socket: Socket;
  private readonly answered: (id: number, status: number) => void;
  private buf: Buffer = Buffer.alloc(0);
  constructor(socket: Socket, answered: (id: number, status: number) => void) {
    this.socket = socket;
    this.answered = answered;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
  }

  private read(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const head = this.buf.indexOf('\r\n\r\n');
      if (head < 0) return;
      const header = this.buf.toString('latin1', 0, head);
      const m = /\r\ncontent-length: *(\d+)/i.exec(header);
      if (!m) throw new Error(`an answer without content-length: ${header.split('\r\n')[0]}`);
      const end = head + 4 + Number(m[1]);
      if (this.buf.length < end) return;
      this.buf = this.buf.subarray(end);
      this.answered(this.inFlight.shift()!, Number(header.slice(9, 12)));
    }
  }
}

function open(host: string, port: number, answered: (id: number, status: number) => void): Promise<Connection> {
  return new Promise((ok, fail) => {
    const s = connect(port, host, () => ok(new Connection(s, answered)));
    s.once('error', fail);
  });
}

/** The ticker: sleeps until each due time (ms after its start) and posts the index of the request due. */
const TICKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { t0, rate, total } = workerData;
const cell = new Int32Array(new SharedArrayBuffer(4));
for (let i = 0; i < total; i++) {
  const wait = t0 + (i * 1000) / rate - performance.timeOrigin - performance.now();
  if (wait > 0) Atomics.wait(cell, 0, 0, wait);
  parentPort.postMessage(i);
}`;

export async function runLoad(req: LoadRequest): Promise<LoadResult> {
  const { hostname, port } = new URL(req.url);
  const total = Math.floor((req.ms / 1000) * req.rate);
  const bytes = req.bodies.map((b) =>
    Buffer.from(
      `POST /predict HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(b)}\r\n\r\n${b}`,
    ),
  );
  const due = new Float64Array(total);
  const sentAt = new Float64Array(total);
  const doneAt = new Float64Array(total);
  const errors: string[] = [];
  let answered = 0;
  let queued = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((ok) => (finish = ok));
  const onAnswer = (id: number, status: number) => {
    doneAt[id] = performance.now();
    if (status !== 200 && errors.length < 5) errors.push(`request ${id} answered ${status}`);
    if (++answered === total) finish();
  };
  const conns = await Promise.all(Array.from({ length: req.connections }, () => open(hostname, Number(port), onAnswer)));

  // Absolute due times on the shared clock (timeOrigin + now), so the ticker thread agrees with this one.
  const start = performance.timeOrigin + performance.now() + 20;
  for (let i = 0; i < total; i++) due[i] = start - performance.timeOrigin + (i * 1000) / req.rate;
  const ticker = new Worker(TICKER, { eval: true, workerData: { t0: start, rate: req.rate, total } });
  ticker.on('message', (i: number) => {
    const c = conns.find((x) => x.inFlight.length === 0) ?? conns.reduce((a, b) => (b.inFlight.length < a.inFlight.length ? b : a));
    if (c.inFlight.length) queued++;
    c.inFlight.push(i);
    sentAt[i] = performance.now();
    c.socket.write(bytes[i % bytes.length]);
  });
  const guard = setTimeout(finish, req.ms + 30_000); // a server that stops answering ends the run, reported as errors
  await finished;
  clearTimeout(guard);
  await ticker.terminate();
  for (const c of conns) c.socket.destroy();
  if (answered < total) errors.push(`${total - answered} of ${total} requests unanswered 30 s after the run`);
  const sorted = (f: (i: number) => number) => Array.from({ length: answered }, (_, i) => f(i)).sort((a, b) => a - b);
  const ids = Array.from({ length: total }, (_, i) => i).filter((i) => doneAt[i] > 0);
  return {
    latency: sorted((k) => doneAt[ids[k]] - due[ids[k]]),
    service: sorted((k) => doneAt[ids[k]] - sentAt[ids[k]]),
    lag: sorted((k) => sentAt[ids[k]] - due[ids[k]]),
    queued,
    errors,
  };
}

// Forked by bench/serve.ts: each LoadRequest in gets one LoadResult out; the process ends with its parent.
if (process.send) {
  process.on('message', (req: LoadRequest) => {
    runLoad(req).then(
      (r) => process.send!(r),
      (e: Error) => process.send!({ latency: [], service: [], lag: [], queued: 0, errors: [e.message] } satisfies LoadResult),
    );
  });
  process.once('disconnect', () => process.exit(0));
}
