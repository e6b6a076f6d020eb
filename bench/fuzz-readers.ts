// npm run fuzz, first half: reads fuzzed files (bench/fuzz-inputs.ts) in worker
// threads, each whole and in chunks, and counts crashes (errors other than
// DataError), hangs (no answer within the timeout: the worker is killed and
// replaced), unclear messages and chunked reads that differ from whole ones. The
// input of every failure is saved under bench/out/fuzz-readers/. Exits 1 on any.
//
//   node dist/bench/fuzz-readers.js [--count 100000] [--seed 1] [--timeout 2000] [--workers 1] [--data DIR]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { makeCase, type Corpus } from './fuzz-inputs.js';
import type { Report, Result } from './fuzz-readers-worker.js';

const { values: opts } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '2000' },
    workers: { type: 'string', default: '1' },
    data: { type: 'string', default: fileURLToPath(new URL('../../../shared/data/cmapss/', import.meta.url)) },
  },
});
const count = Number(opts.count);
const seed = Number(opts.seed);
const timeout = Number(opts.timeout);
const workers = Math.max(1, Number(opts.workers));
const outDir = fileURLToPath(new URL('../../bench/out/fuzz-readers/', import.meta.url));

function loadCorpus(dir: string): Corpus {
  const lines = (name: string, n: number) =>
    existsSync(join(dir, name))
      ? readFileSync(join(dir, name), 'utf8')
          .split('\n')
          .filter((l) => l.trim())
          .slice(0, n)
      : [];
  const corpus = {
    cmapss: [...lines('train_FD001.txt', 400), ...lines('test_FD001.txt', 200), ...lines('train_FD002.txt', 200)],
    rul: lines('RUL_FD001.txt', 100),
  };
  if (!corpus.cmapss.length) console.error(`fuzz-readers: no C-MAPSS files in ${dir}; C-MAPSS seeds are synthetic only`);
  return corpus;
}

const corpus = loadCorpus(opts.data);
const tally: Record<Result | 'hang', number> = { dataset: 0, 'data-error': 0, crash: 0, unclear: 0, mismatch: 0, hang: 0 };
const times: number[] = [];
let slowest: Report | undefined;
let next = 0;
let done = 0;
let saved = 0;
const started = performance.now();

/** Writes the failing input (rebuilt from its index) and what went wrong. */
function save(index: number, what: string, detail: string): void {
  const c = makeCase(seed, index, corpus);
  console.error(`  ${what} at #${index} (${c.kind}): ${detail.split('\n')[0].slice(0, 200)}`);
  if (saved++ >= 50) return;
  const dir = join(outDir, `${what}-${index}`);
  mkdirSync(dir, { recursive: true });
  c.files.forEach((f) => writeFileSync(join(dir, f.name), f.bytes));
  writeFileSync(join(dir, 'what.txt'), `${what} (seed ${seed}, index ${index}, ${c.kind}, chunks ${c.chunks.join(',')})\n${detail}\n`);
}

function record(r: Report): void {
  tally[r.result]++;
  times.push(r.ms);
  if (!slowest || r.ms > slowest.ms) slowest = r;
  if (r.result === 'crash' || r.result === 'unclear' || r.result === 'mismatch') save(r.index, r.result, r.detail ?? '');
}

function progress(): void {
  done++;
  if (done % 10_000 === 0)
    console.error(
      `  ${done.toLocaleString('en-US')} / ${count.toLocaleString('en-US')} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
  if (done === count) finish();
}

function startWorker(): void {
  const worker = new Worker(new URL('./fuzz-readers-worker.js', import.meta.url), { workerData: { seed, corpus } });
  let current = -1;
  let timer: NodeJS.Timeout | undefined;
  const feed = () => {
    if (next >= count) return void worker.terminate();
    current = next++;
    timer = setTimeout(() => {
      worker.removeAllListeners();
      void worker.terminate();
      tally.hang++;
      save(current, 'hang', `no answer within ${timeout} ms`);
      startWorker();
      progress();
    }, timeout);
    worker.postMessage(current);
  };
  worker.on('message', (m: Report | 'ready') => {
    if (m !== 'ready') {
      clearTimeout(timer);
      record(m);
      progress();
    }
    feed();
  });
  worker.on('error', (e) => {
    // The thread died (out of memory, say): a crash of the input it was reading.
    clearTimeout(timer);
    worker.removeAllListeners();
    tally.crash++;
    save(current, 'crash', e.stack ?? e.message);
    startWorker();
    progress();
  });
}

function finish(): void {
  const secs = (performance.now() - started) / 1000;
  const n = (x: number) => x.toLocaleString('en-US');
  times.sort((a, b) => a - b);
  const s = slowest;
  console.log(
    `fuzz-readers: ${n(count)} inputs, seed ${seed}, ${workers} worker(s), ${timeout} ms timeout per input, ${secs.toFixed(0)} s`,
  );
  console.log(`  read: ${n(tally.dataset)} datasets, ${n(tally['data-error'])} clear data errors`);
  console.log(`  crashes (errors other than DataError): ${n(tally.crash)}`);
  console.log(`  hangs (no answer within ${timeout} ms): ${n(tally.hang)}`);
  console.log(`  unclear messages (not one line naming the file): ${n(tally.unclear)}`);
  console.log(`  chunked read differs from whole read: ${n(tally.mismatch)}`);
  console.log(
    `  per input: median ${times[times.length >> 1]?.toFixed(2)} ms, p99.9 ${times[Math.floor(times.length * 0.999)]?.toFixed(1)} ms`,
  );
  if (s) console.log(`  slowest input: ${s.ms.toFixed(1)} ms (#${s.index}, ${s.kind}, ${n(s.size)} bytes)`);
  const failures = tally.crash + tally.hang + tally.unclear + tally.mismatch;
  if (failures) console.log(`  inputs saved under ${outDir}`);
  process.exit(failures ? 1 : 0);
}

if (!(count > 0)) finish();
for (let w = 0; w < Math.min(workers, count); w++) startWorker();
