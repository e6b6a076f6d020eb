// Output files appear whole or not at all: a full disk, a failed run or an output named like an
// input never leaves a half-written or overwritten file behind, and each says so in one line.
import { execFile } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { OutputFile } from '../src/cli/output-file.js';
import { cmapssPath } from './helpers.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'isoscope.js');
const MODEL = join(import.meta.dirname, '..', 'models', 'fd001-baseline.json');
const dir = mkdtempSync(join(tmpdir(), 'isoscope-output-'));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { cwd: dir, maxBuffer: 64 * 1024 ** 2 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

test('the file at the output name changes only when the new one is complete', () => {
  const path = join(dir, 'model.json');
  writeFileSync(path, 'the last good model');
  const failed = new OutputFile(path);
  failed.write('half of a new ');
  expect(readFileSync(path, 'utf8')).toBe('the last good model');
  failed.abandon();
  expect(readFileSync(path, 'utf8')).toBe('the last good model');
  const done = new OutputFile(path);
  done.write('a whole ');
  done.write('new model');
  done.commit();
  expect(readFileSync(path, 'utf8')).toBe('a whole new model');
  expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
});

test('a full disk is an error naming the file, for -o and for standard output, never exit 0', async () => {
  const toFile = await cli('score', cmapssPath('test_FD001.txt'), '--model', MODEL, '-o', '/dev/full');
  expect(toFile.code).toBe(1);
  expect(toFile.stderr.trim()).toBe('isoscope: cannot write /dev/full: the disk is full');
  const model = await cli('train', cmapssPath('train_FD001.txt'), '-o', '/dev/full');
  expect(model.code).toBe(1);
  expect(model.stderr.trim()).toBe('isoscope: cannot write /dev/full: the disk is full');
  const shell = await run('sh', ['-c', `node ${BIN} score ${cmapssPath('test_FD001.txt')} --model ${MODEL} > /dev/full`]).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => e,
  );
  expect(shell.code).toBe(1);
  expect(shell.stderr.trim()).toBe('isoscope: cannot write standard output: the disk is full');
});

test('an output named like an input is refused before anything is read or written', async () => {
  const input = join(dir, 'readings.txt');
  copyFileSync(cmapssPath('test_FD001.txt'), input);
  const before = readFileSync(input, 'utf8');
  const scored = await cli('score', input, '--model', MODEL, '-o', './readings.txt');
  expect(scored.code).toBe(2);
  expect(scored.stderr.trim()).toBe('isoscope: -o ./readings.txt is an input of this command; write the output to another file');
  const report = await cli('score', input, '--model', MODEL, '-o', 'scores.csv', '--report', MODEL);
  expect(report.stderr).toMatch(/--report .*fd001-baseline\.json is an input of this command/);
  const trained = await cli('train', input, '-o', input);
  expect(trained.code).toBe(2);
  expect(readFileSync(input, 'utf8')).toBe(before);
});

test('a link is written through (the link stays), /dev/stdout is written in place, a missing folder is named before any work', async () => {
  mkdirSync(join(dir, 'real'));
  writeFileSync(join(dir, 'real', 'target.csv'), 'old');
  symlinkSync(join(dir, 'real', 'target.csv'), join(dir, 'latest.csv'));
  const linked = await cli('score', cmapssPath('test_FD001.txt'), '--model', MODEL, '-o', 'latest.csv');
  expect(linked.code).toBe(0);
  expect(lstatSync(join(dir, 'latest.csv')).isSymbolicLink()).toBe(true);
  expect(readFileSync(join(dir, 'real', 'target.csv'), 'utf8')).toMatch(/^row,unit_number,time_in_cycles,score/);
  const shell = await run('sh', ['-c', `node ${BIN} score ${cmapssPath('test_FD001.txt')} --model ${MODEL} -o /dev/stdout > piped.csv`], {
    cwd: dir,
  });
  expect(shell.stderr).toBe('');
  expect(readFileSync(join(dir, 'piped.csv'), 'utf8')).toBe(readFileSync(join(dir, 'real', 'target.csv'), 'utf8'));
  const nowhere = await cli('train', cmapssPath('train_FD001.txt'), '-o', 'nodir/model.json');
  expect(nowhere.code).toBe(2);
  expect(nowhere.stderr.trim()).toBe('isoscope: -o nodir/model.json: folder nodir does not exist');
  const twice = await cli('score', cmapssPath('test_FD001.txt'), '--model', MODEL, '-o', 'x.csv', '--report', 'x.csv');
  expect(twice.stderr.trim()).toBe('isoscope: --report x.csv is also the -o file; give each output its own file');
});

test('-o into a pipe through /dev/stdout, a folder named as an output, a private file keeps its mode, a read-only one is refused', async () => {
  const expected = (await cli('score', cmapssPath('test_FD001.txt'), '--model', MODEL)).stdout;
  // Standard output a pipe: /dev/stdout resolves to "pipe:[…]", which is no path to check or rename over.
  const piped = await run(
    'sh',
    ['-c', `node ${BIN} score ${cmapssPath('test_FD001.txt')} --model ${MODEL} -o /dev/stdout | cat > fromPipe.csv`],
    {
      cwd: dir,
    },
  );
  expect(piped.stderr).toBe('');
  expect(readFileSync(join(dir, 'fromPipe.csv'), 'utf8')).toBe(expected);
  // A folder as an output is refused before the work, and the -o file beside it is not replaced.
  mkdirSync(join(dir, 'outdir'));
  writeFileSync(join(dir, 'keep.csv'), 'old');
  const folder = await cli('score', cmapssPath('test_FD001.txt'), '--model', MODEL, '-o', 'keep.csv', '--report', 'outdir');
  expect(folder.code).toBe(2);
  expect(folder.stderr.trim()).toBe('isoscope: --report outdir is a folder; name a file in it');
  expect(readFileSync(join(dir, 'keep.csv'), 'utf8')).toBe('old');
  expect((await cli('train', cmapssPath('train_FD001.txt'), '-o', 'outdir')).stderr.trim()).toBe(
    'isoscope: -o outdir is a folder; name a file in it',
  );
  // Replaced through a new file, a private file would come back world-readable.
  writeFileSync(join(dir, 'private.csv'), 'old');
  chmodSync(join(dir, 'private.csv'), 0o600);
  expect((await cli('score', cmapssPath('test_FD001.txt'), '--model', MODEL, '-o', 'private.csv')).code).toBe(0);
  expect(statSync(join(dir, 'private.csv')).mode & 0o777).toBe(0o600);
  expect(readFileSync(join(dir, 'private.csv'), 'utf8')).toBe(expected);
  // Root may write any file, so a read-only one is only read-only to others.
  if (process.getuid?.() !== 0) {
    writeFileSync(join(dir, 'locked.csv'), 'old');
    chmodSync(join(dir, 'locked.csv'), 0o444);
    const locked = await cli('score', cmapssPath('test_FD001.txt'), '--model', MODEL, '-o', 'locked.csv');
    expect(locked.code).toBe(2);
    expect(locked.stderr).toMatch(/the file is read-only/);
    expect(readFileSync(join(dir, 'locked.csv'), 'utf8')).toBe('old');
  }
});
