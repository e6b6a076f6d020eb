// npm run bench:serve: `isoscope serve` under load on this machine. The server runs as its own
// process pinned to one core (taskset, when there is one), the load generator on the other,
// over HTTP keep-alive (Node's fetch). Every phase is bounded in time.
//   A: POST /predict with batches of 1,000 readings, four requests in flight (the server never waits for the load generator): readings/s.
//   B: POST /predict with one reading at a fixed 1,000 requests/s (open loop: a request is
//      sent on schedule whether or not the previous one was answered): p50/p99 latency.
// Floors: A ≥ 100,000 readings/s; B p99 ≤ 5 ms. Each phase runs TRIALS times; the verdict is on
// the median trial, and every trial is printed (a busy neighbour shows up as one bad trial).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/engine/node-engine.js';
import { ingestFiles } from '../src/data/ingest.js';
import { columnByRole } from '../src/data/dataset.js';
import { readingOf } from '../src/stream/reading-codec.js';

const BATCH = 1000;
const RATE = 1000;
const WARMUP_MS = 1500;
const RUN_MS = Number(process.env.BENCH_SERVE_MS ?? 3000);
/** Trials per phase: the machine is shared, so each phase runs a few times and every trial is printed. */
const TRIALS = Number(process.env.BENCH_SERVE_TRIALS ?? 3);
const FLOOR_READINGS_PER_S = 100_000;
const FLOOR_P99_MS = 5;

const root = packageRoot();
const ds = ingestFiles([{ name: 'test_FD001.txt', bytes: readFileSync(join(root, '..', 'shared', 'data', 'cmapss', 'test_FD001.txt')) }]);
const unit = columnByRole(ds, 'unit')!.values;
const time = columnByRole(ds, 'time')!.values;
// The fleet in time order: every unit's cycle 1, then cycle 2, …; bodies serialised up front so the
// load generator spends its core on sending. Cycling through them again just carries on each unit's window.
const order = Array.from({ length: ds.rows }, (_, i) => i).sort((a, b) => time[a] - time[b] || unit[a] - unit[b]);
const readings = order.map((row) => readingOf(ds, row));
const singles = readings.map((r) => JSON.stringify(r));
const batches: string[] = [];
for (let i = 0; i + BATCH <= readings.length; i += BATCH) batches.push(JSON.stringify(readings.slice(i, i + BATCH)));

const pin = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
if (pin) spawnSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });

async function startServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const args = [join(root, 'bin', 'isoscope.js'), 'serve', '--model', join(root, 'models', 'fd001-baseline.json'), '--port', '0'];
  const child = pin ? spawn('taskset', ['-c', '0', 'node', ...args]) : spawn('node', args);
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000); // whatever happens, the bench ends
  const end = Date.now() + 20_000;
  while (!/listening on (\S+)/.test(log)) {
    if (child.exitCode !== null || Date.now() > end) throw new Error(`isoscope serve did not start: ${log}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
  return {
    url: /listening on (\S+)/.exec(log)![1],
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((ok) => child.once('exit', ok));
      clearTimeout(killer);
    },
  };
}

async function predict(url: string, body: string): Promise<void> {
  const r = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (r.status !== 200) throw new Error(`POST /predict answered ${r.status}: ${await r.text()}`);
  await r.arrayBuffer();
}

/** A: batches back to back on `inFlight` connections for `ms`; readings answered per second. */
async function throughput(url: string, ms: number, inFlight = 4): Promise<number> {
  let next = 0;
  let readingsDone = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        await predict(url, batches[next++ % batches.length]);
        readingsDone += BATCH;
      }
    }),
  );
  return readingsDone / ((performance.now() - t0) / 1000);
}

/** B: single readings on a fixed schedule of `rate` per second for `ms`; latency of each answer. */
async function latencies(url: string, ms: number, rate: number): Promise<{ sent: Float64Array; late: number }> {
  const total = Math.floor((ms / 1000) * rate);
  const took = new Float64Array(total);
  const pending: Promise<void>[] = [];
  let late = 0; // requests sent more than 1 ms after their slot (the load generator's own lag)
  const t0 = performance.now();
  for (let i = 0; i < total;) {
    const now = performance.now();
    while (i < total && t0 + (i * 1000) / rate <= now) {
      if (now - (t0 + (i * 1000) / rate) > 1) late++;
      const k = i++;
      const sentAt = performance.now();
      pending.push(predict(url, singles[k % singles.length]).then(() => void (took[k] = performance.now() - sentAt)));
    }
    await new Promise((ok) => setTimeout(ok, 1)); // a timer tick, not a spin: the generator leaves CPU to the answers
  }
  await Promise.all(pending);
  return { sent: took.sort(), late };
}

const pct = (sorted: Float64Array, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const server = await startServer();
try {
  console.log(
    `isoscope serve bench: ${pin ? 'server pinned to core 0, load on core 1' : 'no taskset: processes not pinned'}; ${TRIALS} trials of ${RUN_MS / 1000} s per phase`,
  );
  await throughput(server.url, WARMUP_MS);
  const rates: number[] = [];
  for (let t = 0; t < TRIALS; t++) rates.push(await throughput(server.url, RUN_MS));
  const rate = median(rates);
  console.log(
    `A  batches of ${BATCH}: ${fmt(rate)} readings/s median (trials: ${rates.map(fmt).join(', ')}; floor ${fmt(FLOOR_READINGS_PER_S)}) ${rate >= FLOOR_READINGS_PER_S ? 'ok' : 'BELOW FLOOR'}`,
  );
  await latencies(server.url, WARMUP_MS, RATE);
  const trials: { p50: number; p99: number; max: number; late: number }[] = [];
  for (let t = 0; t < TRIALS; t++) {
    const { sent, late } = await latencies(server.url, RUN_MS, RATE);
    trials.push({ p50: pct(sent, 0.5), p99: pct(sent, 0.99), max: sent[sent.length - 1], late });
  }
  const p50 = median(trials.map((x) => x.p50));
  const p99 = median(trials.map((x) => x.p99));
  console.log(
    `B  single readings at ${RATE}/s: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms median (floor p99 ${FLOOR_P99_MS} ms) ${p99 <= FLOOR_P99_MS ? 'ok' : 'ABOVE FLOOR'}`,
  );
  for (const [i, x] of trials.entries())
    console.log(
      `   trial ${i + 1}: p50 ${x.p50.toFixed(2)} ms, p99 ${x.p99.toFixed(2)} ms, max ${x.max.toFixed(2)} ms; ${x.late} of ${(RUN_MS / 1000) * RATE} sent > 1 ms late by the load generator`,
    );
} finally {
  await server.stop();
}
