// npm run fuzz (second half): mutated model JSON against validation, the load-time probe
// and the engine (issue 10, item 1). Each input runs in a worker thread with a deadline
// (from the moment its text is written to the verdict: parse, validate, load, score);
// a worker that misses it is terminated (a hang) and one that dies is replaced (a crash).
// Counts crashes (worker deaths, and errors that are not a clear one-line model error),
// hangs, wrong acceptances (accepted, then a non-finite score or explanation, a throw, a
// trap in the shared engine, or a reference model scoring differently) and reports the
// slowest input and the process's peak memory. --cli N also runs N of the inputs through
// `isoscope score` to check the exit status (0 or 1, never 70) and the one-line error.
//
//   node dist/bench/fuzz-models.js [--count 100000] [--seed 20261124] [--timeout 2000]
//                                  [--workers 1] [--cli 100] [--cli-only] [--start 0] [--only INDEX]
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { createNodeEngine, packageRoot } from '../src/engine/node-engine.js';
import {
  Reference,
  describeInput,
  fuzzInput,
  inputText,
  judge,
  trainedBases,
  type Base,
  type FuzzInput,
  type Verdict,
} from './model-mutations.js';

interface Setup {
  bases: Base[];
  seed: number;
}

type Outcome = { i: number; ms: number; verdict: Verdict };

/** Deadline for writing an input's text, before its own deadline starts. */
const GENERATE_MS = 30_000;

/** Input i of a run: its own fast-check seed, so any one input can be regenerated alone. */
function inputAt(bases: Base[], seed: number, i: number): FuzzInput {
  const arb = fuzzInput({ bases: bases.length, heavy: true, shippedShare: 0.2, syntheticShare: 0.15, maxSyntheticValues: 2_000_000 });
  return fc.sample(arb, { seed: (seed + i * 0x9e3779b1) | 0, numRuns: 1 })[0];
}

async function worker(): Promise<void> {
  const { bases, seed } = workerData as Setup;
  const engine = await createNodeEngine();
  const reference = new Reference(engine, bases[0].model);
  parentPort!.on('message', (i: number) => {
    // Writing a mutant's text (up to ~30 MB) is the harness's work: the deadline starts after it.
    const text = inputText(bases, inputAt(bases, seed, i));
    parentPort!.postMessage({ started: i });
    const t0 = performance.now();
    let verdict: Verdict;
    try {
      verdict = judge(engine, text, reference);
    } catch (e) {
      verdict = { kind: 'unclear', why: `the judge itself threw ${(e as Error).name}: ${(e as Error).message.split('\n')[0]}` };
    }
    const ms = performance.now() - t0;
    parentPort!.postMessage({ i, ms, verdict } satisfies Outcome);
  });
  parentPort!.postMessage('ready');
}

interface Finding {
  i: number;
  what: string;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '20261124' },
      timeout: { type: 'string', default: '2000' },
      workers: { type: 'string', default: '1' },
      cli: { type: 'string', default: '100' },
      only: { type: 'string' },
      'cli-only': { type: 'boolean' },
      start: { type: 'string', default: '0' },
      data: { type: 'string' },
    },
  });
  const count = Number(values.count);
  const seed = Number(values.seed);
  const timeout = Number(values.timeout);
  const workers = Math.max(1, Number(values.workers));
  const cliRuns = Number(values.cli);
  const root = packageRoot();
  const cmapss = values.data ?? join(root, '..', 'shared', 'data', 'cmapss');
  const t0 = performance.now();
  const bases = await trainedBases(await createNodeEngine(), join(root, 'models', 'fd001-baseline.json'), cmapss);
  const setup: Setup = { bases, seed };

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

  // --start S: only inputs S..count-1 (the same inputs a full run gives them), to look again at a stretch.
  const start = Math.min(count, Math.max(0, Number(values.start)));
  const indices = values.only !== undefined ? [Number(values.only)] : Array.from({ length: count - start }, (_, i) => start + i);
  const tally = new Map<string, number>();
  const crashes: Finding[] = [];
  const hangs: Finding[] = [];
  const wrong: Finding[] = [];
  let accepted = 0;
  let done = 0;
  let slowest = { i: -1, ms: 0 };
  let next = 0;
  const count1 = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);

  const record = ({ i, ms, verdict }: Outcome) => {
    done++;
    if (ms > slowest.ms) slowest = { i, ms };
    if (verdict.kind === 'rejected') count1(`${verdict.stage}:${verdict.code}`);
    else if (verdict.kind === 'accepted') accepted++;
    else if (verdict.kind === 'wrong') wrong.push({ i, what: verdict.why });
    else crashes.push({ i, what: verdict.why });
    if (done % 10000 === 0)
      process.stderr.write(`fuzz-models: ${done}/${indices.length} in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  };

  // Each lane is one worker thread working through the shared queue one input at a time.
  const lane = () =>
    new Promise<void>((finish) => {
      let w: Worker;
      let current = -1;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let started = 0;
      const feed = () => {
        if (next >= indices.length) {
          current = -1;
          void w.terminate().then(() => finish());
          return;
        }
        current = indices[next++];
        started = performance.now();
        timer = setTimeout(() => hang(`its text was not written within ${GENERATE_MS} ms`), GENERATE_MS);
        w.postMessage(current);
      };
      const hang = (what: string) => {
        hangs.push({ i: current, what });
        done++;
        restart();
      };
      const restart = () => {
        clearTimeout(timer);
        const old = w;
        old.removeAllListeners();
        void old.terminate();
        spawn();
      };
      const spawn = () => {
        w = new Worker(new URL(import.meta.url), { workerData: setup, resourceLimits: { maxOldGenerationSizeMb: 4096 } });
        w.on('message', (m: Outcome | { started: number } | 'ready') => {
          if (m === 'ready') return feed();
          clearTimeout(timer);
          if ('started' in m) {
            started = performance.now();
            timer = setTimeout(() => hang(`no verdict ${timeout} ms after its text was handed over`), timeout);
            return;
          }
          record(m);
          // After a failure, later inputs deserve an engine and reference model it did not touch.
          if (m.verdict.kind === 'wrong' || m.verdict.kind === 'unclear') restart();
          else feed();
        });
        const died = (why: string) => {
          if (current < 0) return;
          crashes.push({ i: current, what: `worker died: ${why}` });
          if (performance.now() - started > slowest.ms) slowest = { i: current, ms: performance.now() - started };
          done++;
          restart();
        };
        w.on('error', (e) => died(`${e.name}: ${e.message.split('\n')[0]}`));
        w.on('exit', (code) => died(`exit ${code}`));
      };
      spawn();
    });
  // --cli-only: just the CLI pass over the same inputs (to look again at what it found).
  if (!values['cli-only']) await Promise.all(Array.from({ length: Math.min(workers, indices.length) }, lane));
  clearInterval(sampler);
  const seconds = (performance.now() - t0) / 1000;

  const cli = cliRuns > 0 && values.only === undefined ? runCli(bases, seed, indices, cliRuns, root, cmapss) : undefined;

  const rejected = [...tally.values()].reduce((a, b) => a + b, 0);
  const byCode = [...tally].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`);
  const show = (label: string, list: Finding[]) => {
    console.log(`  ${label.padEnd(26)} ${list.length}`);
    for (const f of list.slice(0, 5))
      console.log(`      #${f.i}: ${f.what}\n        ${describeInput(bases, inputAt(bases, seed, f.i)).slice(0, 400)}`);
  };
  console.log(`fuzz-models: ${done} mutated models, seed ${seed}, ${workers} worker(s), timeout ${timeout} ms, ${seconds.toFixed(1)} s`);
  console.log(`  ${'refused (model error)'.padEnd(26)} ${rejected}  (${byCode.join(', ')})`);
  console.log(`  ${'accepted, scored finite'.padEnd(26)} ${accepted}`);
  show('wrong acceptances', wrong);
  show('crashes', crashes);
  show('hangs', hangs);
  if (slowest.i >= 0) {
    console.log(`  slowest input              #${slowest.i}, ${slowest.ms.toFixed(0)} ms`);
    console.log(`      ${describeInput(bases, inputAt(bases, seed, slowest.i)).slice(0, 400)}`);
  }
  console.log(`  peak RSS (main + workers)  ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
  if (cli) {
    console.log(
      `  CLI: ${cli.runs} inputs through isoscope score: exit 0 ${cli.codes.get(0) ?? 0}, exit 1 ${cli.codes.get(1) ?? 0}, other ${cli.bad.length - cli.multiline}; ` +
        `multi-line errors ${cli.multiline}; peak RSS of one run ${cli.peakKb ? `${(cli.peakKb / 1024).toFixed(0)} MiB` : 'not measured'}`,
    );
    for (const b of cli.bad.slice(0, 5)) console.log(`      #${b.i}: ${b.what}`);
  }
  const failed = wrong.length + crashes.length + hangs.length + (cli ? cli.bad.length : 0);
  process.exitCode = failed ? 1 : 0;
}

/** Every (count / runs)-th input through the real CLI, as a user would meet it. */
function runCli(bases: Base[], seed: number, indices: number[], runs: number, root: string, cmapss: string) {
  const dir = mkdtempSync(join(tmpdir(), 'isoscope-fuzz-'));
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const codes = new Map<number, number>();
  const bad: Finding[] = [];
  let multiline = 0;
  let peakKb = 0;
  const step = Math.max(1, Math.floor(indices.length / runs));
  let n = 0;
  try {
    for (let k = 0; k < indices.length && n < runs; k += step, n++) {
      const i = indices[k];
      const path = join(dir, `m${i}.json`);
      writeFileSync(path, inputText(bases, inputAt(bases, seed, i)));
      const args = [join(root, 'bin', 'isoscope.js'), 'score', join(cmapss, 'test_FD001.txt'), '--model', path, '-o', join(dir, 'out.csv')];
      const r = timeBin
        ? spawnSync(timeBin, ['-f', '%M', process.execPath, ...args], { encoding: 'utf8', timeout: 60_000 })
        : spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });
      let stderr = r.stderr ?? '';
      if (timeBin) {
        // time(1) adds its own "Command exited with non-zero status" line, then the %M figure.
        const lines = stderr.trimEnd().split('\n');
        peakKb = Math.max(peakKb, Number(lines.pop()) || 0);
        stderr = lines.filter((l) => !l.startsWith('Command exited with non-zero status')).join('\n');
      }
      const code = r.status ?? -1;
      codes.set(code, (codes.get(code) ?? 0) + 1);
      const errLines = stderr.split('\n').filter((l) => l.startsWith('isoscope:'));
      if (code !== 0 && code !== 1) bad.push({ i, what: `exit ${code}${r.signal ? ` (${r.signal})` : ''}: ${stderr.split('\n')[0]}` });
      else if (code === 1 && stderr.trim().split('\n').length !== 1) {
        multiline++;
        bad.push({ i, what: `exit 1 with ${stderr.trim().split('\n').length} lines: ${stderr.trim().slice(0, 300)}` });
      } else if (code === 1 && errLines.length !== 1) bad.push({ i, what: `exit 1 without one "isoscope:" line: ${stderr.slice(0, 200)}` });
      rmSync(path);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { runs: n, codes, bad, multiline, peakKb };
}

if (isMainThread) await main();
else await worker();
