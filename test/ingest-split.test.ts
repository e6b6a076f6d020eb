// The two-worker read in Node: the ingest service with its partner's side called directly
// (the real readShare; only the worker boundary is left out).
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { IngestService, type IngestProgress, type IngestResult } from '../src/services/ingest-service.js';
import { cutFor, pump, readShare } from '../src/services/ingest-split.js';
import { TextIngest } from '../src/data/text-ingest.js';
import { MAX_TEXT_BYTES } from '../src/data/limits.js';
import { cmapssPath } from './helpers.js';
import { wasmPath } from '../src/engine/node-engine.js';
import { PartsColumn } from '../src/data/parts-column.js';

const fd001 = readFileSync(cmapssPath('train_FD001.txt'), 'utf8');

/** An ingest service whose partner reads shares in this thread; `log` records what the partner was asked and did. */
function service(log: string[]): IngestService {
  const svc = new IngestService();
  let cancelled = false;
  const partner = {
    readShare: (f: Blob, n: string, a: number, b: number, on: (n: number) => void) => {
      cancelled = false;
      log.push('share asked');
      return readShare(f, n, a, b, on, () => cancelled).then(
        (s) => (log.push('share read'), s),
        (e: Error) => (log.push(`share failed: ${e.message}`), Promise.reject(e)),
      );
    },
    cancel: () => {
      cancelled = true;
      log.push('cancel');
      return Promise.resolve();
    },
  };
  (svc as unknown as { partner: unknown }).partner = partner;
  svc.setSplitAbove(1e6);
  return svc;
}

const bytesOf = (v: Float64Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

const rowsOf = (ds: { columns: { values: Float64Array }[] }) =>
  ds.columns.map((c) => Array.from(c.values.subarray(0, 5)).concat(c.values.length));

describe('a file read by two ingest workers', () => {
  test('with the Wasm fast path loaded, split or whole, the same dataset and profile; a path that fails to load leaves reads as they were', async () => {
    const file = new File([fd001.repeat(3)], 'three.txt');
    const same = (a: IngestResult, b: IngestResult) => {
      expect(a.parts).toBe(b.parts);
      expect(a.dataset.rows).toBe(b.dataset.rows);
      a.dataset.columns.forEach((c, k) => expect(bytesOf(c.values).equals(bytesOf(b.dataset.columns[k].values))).toBe(true));
      expect(a.profile).toEqual(b.profile);
    };
    const wasm = readFileSync(wasmPath());
    const fast = service([]);
    await fast.init(wasm);
    same(await fast.ingest([file], () => undefined), await service([]).ingest([file], () => undefined));
    const plain = await new IngestService().ingest([file], () => undefined);
    const whole = new IngestService();
    await whole.init(wasm);
    same(await whole.ingest([file], () => undefined), plain);
    const broken = new IngestService();
    await expect(broken.init(new Uint8Array([0, 97, 115, 109, 9]))).rejects.toThrow();
    same(await broken.ingest([file], () => undefined), plain);
  });

  test('a far half whose first line has missing values is still read there and joined, as one worker reads it', async () => {
    const lines = fd001.repeat(4).trimEnd().split('\n');
    const mid = Math.floor(lines.length / 2);
    for (let i = mid - 3; i < mid + 3; i++) lines[i] = lines[i].replace(/ \S+ \S+$/, ' NaN nan');
    const file = new File([lines.join('\n') + '\n'], 'gaps.txt');
    const log: string[] = [];
    const split = await service(log).ingest([file], () => undefined);
    const one = await new IngestService().ingest([file], () => undefined);
    expect(split.parts).toBe(2);
    expect(log).toEqual(['share asked', 'share read']);
    // The readings stay in the two parts, joined by no one here; unit and time are joined (ground truth and the time axis read them).
    const readings = split.dataset.columns.filter((c) => c.role === 'feature' || c.role === 'setting');
    expect(readings.length).toBe(24);
    for (const c of readings)
      expect(c instanceof PartsColumn && c.parts.length === 2 && !(c as unknown as { joined?: unknown }).joined).toBe(true);
    expect(split.dataset.columns.filter((c) => c instanceof PartsColumn).length).toBe(24);
    expect(rowsOf(split.dataset)).toEqual(rowsOf(one.dataset));
    expect(split.dataset.columns.map((c) => c.missing + c.nonNumeric)).toEqual(one.dataset.columns.map((c) => c.missing + c.nonNumeric));
    expect(split.profile.columns.map((c) => [c.name, c.count, c.missing, c.distinct, c.longestFlatRun])).toEqual(
      one.profile.columns.map((c) => [c.name, c.count, c.missing, c.distinct, c.longestFlatRun]),
    );
  });

  test('an error in the first half stops the partner; no progress is reported after the load has failed', async () => {
    const lines = fd001.repeat(6).split('\n');
    lines[4] = lines[4].split(' ').slice(0, 20).join(' ');
    const log: string[] = [];
    let settled = false;
    const late: IngestProgress[] = [];
    const failed = await service(log)
      .ingest([new File([lines.join('\n')], 'bad-head.txt')], (p) => settled && late.push(p))
      .then(
        () => 'loaded',
        (e: Error) => e.message,
      );
    settled = true;
    expect(failed).toBe('bad-head.txt, line 5: expected 26 values in a C-MAPSS row, found 20');
    await new Promise((ok) => setTimeout(ok, 500));
    expect(log).toContain('cancel');
    expect(late).toEqual([]);
  });

  test('progress never passes the file size, also while the far half is read again after the partner failed', async () => {
    const text = fd001.repeat(12).trimEnd() + ' 99\n';
    const seen: number[] = [];
    const log: string[] = [];
    const failed = await service(log)
      .ingest([new File([text], 'bad-tail.txt')], (p) => seen.push(p.bytesRead / p.bytesTotal))
      .catch((e: Error) => e.message);
    const one = await new IngestService().ingest([new File([text], 'bad-tail.txt')], () => undefined).catch((e: Error) => e.message);
    expect(failed).toBe('bad-tail.txt, line 247572: expected 26 values in a C-MAPSS row, found more');
    expect(failed).toBe(one);
    expect(log[1]).toMatch(/^share failed/);
    expect(Math.max(...seen)).toBeLessThanOrEqual(1);
  });

  test('a file past the text limit is not split: a one-worker read refuses it, so must a split one', async () => {
    const huge = { size: MAX_TEXT_BYTES + 1, slice: () => new Blob([fd001.slice(0, 65536)]) } as unknown as Blob;
    expect(await cutFor(huge, 1e6)).toBeUndefined();
    const big = { size: MAX_TEXT_BYTES - 1, slice: () => new Blob([fd001.slice(0, 65536)]) } as unknown as Blob;
    expect(await cutFor(big, 1e6)).toBeGreaterThan(MAX_TEXT_BYTES / 2);
  });
});

describe('pump', () => {
  const text = fd001.repeat(2);
  const read = async (blob: Blob) => {
    const ingest = new TextIngest('fd.txt', { maxValues: MAX_TEXT_BYTES });
    const seen: number[] = [];
    await pump(
      blob,
      ingest,
      (n) => seen.push(n),
      () => false,
    );
    return { rows: rowsOf(ingest.finish()), seen };
  };

  test('a byte stream is read into one buffer and a stream of any other chunks gives the same rows, with the bytes counted up to the size', async () => {
    const bytes = new TextEncoder().encode(text);
    const byob = await read(new Blob([bytes]));
    // Pieces of 7 MB and of 1,000 bytes, from a stream that offers no BYOB reader: the readers' way in for other browsers.
    for (const size of [7 << 20, 1000]) {
      const plain = {
        stream: () =>
          new ReadableStream<Uint8Array>({
            at: 0,
            pull(c) {
              if (this.at >= bytes.length) return c.close();
              c.enqueue(bytes.slice(this.at, (this.at += size)));
            },
          } as UnderlyingDefaultSource<Uint8Array> & { at: number }),
      } as unknown as Blob;
      const other = await read(plain);
      expect(other.rows).toEqual(byob.rows);
      expect(other.seen.at(-1)).toBe(bytes.length);
    }
    expect(byob.rows[0].at(-1)).toBe(fd001.trimEnd().split('\n').length * 2);
    expect(byob.seen.at(-1)).toBe(bytes.length);
  });
});
