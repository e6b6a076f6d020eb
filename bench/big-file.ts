// A large C-MAPSS-format file for benchmarks: FD001's rows repeated with new unit ids.
import { closeSync, createWriteStream, fsyncSync, openSync, readFileSync, readSync } from 'node:fs';

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
  // On disk before anything is timed, as a user's file is: no write-back of fresh pages competing with a timed read.
  const fd = openSync(target, 'r');
  fsyncSync(fd);
  closeSync(fd);
  return rows;
}

/**
 * Reads the file once, so a timed read finds it in the page cache: the figure is then the
 * page's parse and profile, not this VM's disk (about 70 MB/s here once the kernel has
 * evicted the pages: 15-23 s for 1 GB against 9-10 s cached). Returns the read's seconds.
 */
export function warmFile(path: string): number {
  const t0 = performance.now();
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(8 << 20);
  try {
    while (readSync(fd, buf, 0, buf.length, null) > 0);
  } finally {
    closeSync(fd);
  }
  return (performance.now() - t0) / 1000;
}
