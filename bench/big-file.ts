// A large C-MAPSS-format file for benchmarks: FD001's rows repeated with new unit ids.
import { closeSync, createWriteStream, fsyncSync, openSync, readFileSync } from 'node:fs';

export async function writeBigCmapss(source: string, target: string, minRows: number): Promise<number> {
  const lines = readFileSync(source, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const out = createWriteStream(target);
  let rows = 0;
  for (let copy = 0; rows < minRows; copy++) {
    const chunk: string[] = [];
    for (const line of lines) {
      const space = line.indexOf(' ');
      chunk.push(`${Number(line.slice(0, space)) + copy * 100}${line.slice(space)}`);
    }
    rows += chunk.length;
    if (!out.write(`${chunk.join('\n')}\n`)) await new Promise<void>((ok) => out.once('drain', () => ok()));
  }
  await new Promise<void>((ok, fail) => out.end((e?: Error | null) => (e ? fail(e) : ok())));
  // On disk before anything is timed: a user's file is, and the kernel writing back a
  // gigabyte of fresh pages would take one of two cores from the read (17-27 s against 9-11 s).
  const fd = openSync(target, 'r');
  fsyncSync(fd);
  closeSync(fd);
  return rows;
}
