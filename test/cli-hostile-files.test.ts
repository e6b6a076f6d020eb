import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'fflate';
import { afterAll, expect, test } from 'vitest';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'isoscope.js');
const dir = mkdtempSync(join(tmpdir(), 'isoscope-hostile-'));
afterAll(() => rmSync(dir, { recursive: true }));

async function cli(command: string, file: string, extra: string[] = []): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run('node', [BIN, command, file, ...extra, ...(command === 'train' ? ['-o', join(dir, 'm.json')] : [])]);
    return { code: 0, stderr };
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { code: err.code, stderr: err.stderr };
  }
}

test('hostile files (sparse, damaged gzip, gzip bomb, over the size limit) get one clear line and exit 1', async () => {
  const sparse = join(dir, 'sparse.csv');
  writeFileSync(sparse, '');
  truncateSync(sparse, 3 * 1024 ** 3); // all zero bytes, and no disk used
  const huge = join(dir, 'huge.csv');
  writeFileSync(huge, `a,b\n${'1,2\n'.repeat(300_000)}`);
  truncateSync(huge, 2 * 1024 ** 3);
  const gz = gzipSync(new TextEncoder().encode('a,b\n1,2\n'.repeat(10_000)));
  gz.fill(0xff, 30, 60);
  const damaged = join(dir, 'damaged.csv.gz');
  writeFileSync(damaged, gz);
  const bomb = join(dir, 'bomb.csv.gz');
  writeFileSync(bomb, gzipSync(new Uint8Array(16 * 1024 ** 2)));
  const rul = join(dir, 'RUL_FD001.txt');
  writeFileSync(rul, '112\n98\n');
  // profile and train stream a file of any size (train keeps a sample of units), so the 2 GiB
  // file is stopped at its first zero byte; with a RUL file train reads its test file whole,
  // so it refuses the file by its size before reading it.
  for (const [command, file, message, extra] of [
    ['profile', sparse, /^isoscope: sparse.csv: this looks like a binary file/],
    ['profile', huge, /^isoscope: huge.csv: this looks like a binary file \(a zero byte at offset 1200004\)/],
    ['train', huge, /^isoscope: huge.csv: this looks like a binary file \(a zero byte at offset 1200004\)/],
    ['train', huge, /^isoscope: .*huge.csv: the data file is 2 GiB; isoscope reads at most 1 GiB/, ['--rul', rul]],
    ['profile', damaged, /^isoscope: damaged.csv.gz: the gzip data is damaged or cut short/],
    ['profile', bomb, /^isoscope: bomb.csv.gz: this looks like a binary file/],
  ] as [string, string, RegExp, string[]?][]) {
    const { code, stderr } = await cli(command, file, extra);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(code).toBe(1);
  }
});
