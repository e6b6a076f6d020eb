// The CLI on a file bigger than memory (issue 15): a 1.5 GB C-MAPSS-format file (8.8M
// readings, FD001's rows under new unit ids) through score (one thread, then every core),
// profile, evaluate and train, each as its own process under /usr/bin/time for its peak
// resident memory. Floors: peak memory at most 1 GB; every core at least ×1.6 over
// --threads 1, end to end, on two cores.
//
//   node dist/bench/big-cli.js [--rows 8800000] [--file BIG.txt]   (also the last part of npm run bench;
//   --file reuses a file already written, e.g. by an earlier run)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../src/engine/node-engine.js';
import { warmFile, writeBigCmapss } from './big-file.js';

const root = packageRoot();
const bin = join(root, 'bin', 'isoscope.js');
const model = join(root, 'models', 'fd001-baseline.json');

interface Run {
  seconds: number;
  peakMb: number;
}

function timed(args: string[]): Run {
  const r = spawnSync('/usr/bin/time', ['-f', '%M %e', process.execPath, bin, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 ** 2 });
  const last = r.stderr.trimEnd().split('\n').pop() ?? '';
  const [kb, secs] = last.split(' ').map(Number);
  if (r.status !== 0) throw new Error(`isoscope ${args[0]} failed (${r.status}): ${r.stderr.slice(0, 400)}`);
  return { seconds: secs, peakMb: kb / 1024 };
}

export async function bigFileFigures(rows = 8_800_000, given?: string): Promise<boolean> {
  if (!existsSync('/usr/bin/time')) {
    console.log('\nBig file (CLI): skipped, /usr/bin/time is not installed (apt-get install time)');
    return true;
  }
  const dir = mkdtempSync(join(tmpdir(), 'isoscope-big-'));
  const file = given ?? join(dir, 'train_BIG.txt');
  try {
    if (!given) await writeBigCmapss(join(root, '..', 'shared', 'data', 'cmapss', 'train_FD001.txt'), file, rows);
    // Both runs find the file cached: a cold first run (--threads 1) would flatter the ratio.
    warmFile(file);
    const cores = availableParallelism();
    console.log(
      `\nBig file (CLI): ${(statSync(file).size / 1e9).toFixed(2)} GB C-MAPSS text, ${cores} cores, load average ${loadavg()[0].toFixed(1)} at the start`,
    );
    const out = join(dir, 'scores.csv');
    const one = timed(['score', file, '--model', model, '--threads', '1', '-o', out]);
    const all = timed(['score', file, '--model', model, '-o', out]);
    const profile = timed(['profile', file, '--json']);
    const evaluate = timed(['evaluate', file, '--model', model, '--json']);
    const train = timed(['train', file, '-o', join(dir, 'model.json')]);
    const line = (name: string, r: Run) =>
      console.log(`  ${name.padEnd(28)} ${r.seconds.toFixed(1).padStart(7)} s  peak ${r.peakMb.toFixed(0).padStart(5)} MB`);
    line('score --threads 1', one);
    line(`score (all ${cores} cores)`, all);
    line('profile', profile);
    line('evaluate', evaluate);
    line('train (seeded unit sample)', train);
    const floor = (ok: boolean, text: string) => console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${text}`);
    const peak = Math.max(one.peakMb, all.peakMb, profile.peakMb, evaluate.peakMb, train.peakMb);
    floor(peak <= 1024, `peak memory of every command ≤ 1 GB: ${peak.toFixed(0)} MB`);
    const gain = one.seconds / all.seconds;
    if (cores >= 2) floor(gain >= 1.6, `score on all cores ≥ ×1.6 over --threads 1, end to end: ×${gain.toFixed(2)}`);
    return peak <= 1024 && (cores < 2 || gain >= 1.6);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '8800000' }, file: { type: 'string' } } });
  const ok = await bigFileFigures(Number(values.rows), values.file);
  process.exitCode = ok ? 0 : 1;
}
