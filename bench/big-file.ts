// A large C-MAPSS-format file for benchmarks: FD001's rows repeated with new unit ids.
import { createWriteStream, readFileSync } from 'node:fs';

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
  return rows;
}
