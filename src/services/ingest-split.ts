// A big plain C-MAPSS file is read by two ingest workers at once: this one reads the
// first half, a partner worker the second (cut at a line break); each parses and profiles
// its share, and the shares join in file order (the partner's unit and time appended in
// one copy, its readings kept as a second part, the profiles joined). Whatever goes wrong on the partner's side (an error, other
// columns, too many rows, a lost or silent partner) makes this worker read that share
// itself, so the dataset, the profile and any error (with its line number) are those of a
// one-worker read.
import { looksLikeCmapss } from '../data/cmapss.js';
import { compactable } from '../data/compact-columns.js';
import { DataError, type Dataset } from '../data/dataset.js';
import type { CmapssLineScanner } from '../data/line-scanner.js';
import type { ProfileKernel } from '../data/profile-kernel.js';
import { MAX_PAGE_VALUES, MAX_TEXT_BYTES } from '../data/limits.js';
import { ProfileAccumulator, type AccumulatorState } from '../data/profile.js';
import { TextIngest } from '../data/text-ingest.js';
import { transferring } from './transfer.js';

/** Files from this size on are split (below it, a second worker's start-up and the join cost more than they save). */
export const SPLIT_ABOVE = 48 * 1024 * 1024;
/** After this worker's share is done, how long the partner may stay silent before its share is read here. */
export const PARTNER_SILENCE_MS = 60_000;

const CHUNK = 4 * 1024 * 1024;
const SNIFF = 64 * 1024;

/** The hot loops' Wasm kernels, once loaded: the reads and profiles are the same without them. */
export interface FastPaths {
  scanner?: CmapssLineScanner;
  profiler?: ProfileKernel;
}

/** One share's rows and their profile, as the partner hands them over. */
export interface Share {
  dataset: Dataset;
  profile: AccumulatorState;
}

/** What the partner worker offers: read bytes [from, to) of a file. */
export interface SharePartner {
  readShare(file: Blob, name: string, from: number, to: number, onBytes: (n: number) => void): Promise<Share>;
  cancel(): void;
}

/** Where to cut `file` for two readers, or undefined when it should be read whole (small, compressed, not C-MAPSS). */
export async function cutFor(file: Blob, splitAbove: number): Promise<number | undefined> {
  // Past the text limit a one-worker read refuses the file: so must a split one, whose halves would each pass.
  if (file.size < splitAbove || file.size > MAX_TEXT_BYTES) return undefined;
  const head = new Uint8Array(await file.slice(0, SNIFF).arrayBuffer());
  // Plain C-MAPSS only: gzip cannot be entered mid-stream, and a CSV's second half has no header to read it by.
  if (head[0] === 0x1f || !looksLikeCmapss(new TextDecoder().decode(head.subarray(0, 8192)))) return undefined;
  const mid = Math.floor(file.size / 2);
  const around = new Uint8Array(await file.slice(mid, mid + SNIFF).arrayBuffer());
  const nl = around.indexOf(10);
  return nl < 0 || mid + nl + 1 >= file.size ? undefined : mid + nl + 1;
}

/**
 * Streams a blob through a reader in chunks, yielding now and then so a cancel can arrive.
 * The readers copy what they keep of a chunk, so one buffer takes every chunk.
 */
export async function pump(blob: Blob, ingest: TextIngest, onBytes: (n: number) => void, cancelled: () => boolean): Promise<void> {
  const reader = chunkReader(blob.stream());
  let read = 0;
  let yielded = 0;
  for (;;) {
    if (cancelled()) {
      await reader.cancel();
      throw new DataError('loading cancelled');
    }
    const value = await reader.next();
    if (!value) return;
    // A stream that is no byte stream may hand out any size: the readers like pieces of at most CHUNK.
    for (let at = 0; at < value.length; at += CHUNK) ingest.pushBytes(value.subarray(at, at + CHUNK));
    read += value.length;
    onBytes(read);
    // Let queued messages (a cancel) run: buffered file reads resolve without yielding.
    if (read - yielded >= CHUNK) {
      yielded = read;
      await nextTask();
    }
  }
}

/** A task boundary without a timer: nested timers wait at least 4 ms each, half a second over a 1 GB read. */
function nextTask(): Promise<void> {
  return new Promise((ok) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      ok();
    };
    port2.postMessage(undefined);
  });
}

/**
 * The stream's chunks, read into one reused buffer where the stream is a byte stream
 * (Chromium's Blob.stream()). A fresh buffer per chunk is memory touched for the first
 * time, a gigabyte of it for a 1 GB file: reading one into Chromium took 4.4 s that way
 * and 1.3-2.3 s into one buffer (this VM makes first touches dear).
 */
function chunkReader(stream: ReadableStream<Uint8Array>): { next(): Promise<Uint8Array | undefined>; cancel(): Promise<void> } {
  let byob: ReadableStreamBYOBReader | undefined;
  try {
    byob = stream.getReader({ mode: 'byob' });
  } catch {
    // Not a byte stream: chunks come as the stream makes them.
  }
  if (byob) {
    const reader = byob;
    let buffer = new ArrayBuffer(CHUNK);
    return {
      next: async () => {
        const { done, value } = await reader.read(new Uint8Array(buffer));
        if (done || !value) return undefined;
        buffer = value.buffer;
        return value;
      },
      cancel: () => reader.cancel(),
    };
  }
  const reader = stream.getReader();
  return {
    next: async () => {
      const { done, value } = await reader.read();
      return done ? undefined : value;
    },
    cancel: () => reader.cancel(),
  };
}

/** The partner's side: its share parsed (no ground truth: that needs whole units) and profiled. */
export async function readShare(
  file: Blob,
  name: string,
  from: number,
  to: number,
  onBytes: (n: number) => void,
  cancelled: () => boolean,
  fast: FastPaths = {},
): Promise<Share> {
  const ingest = new TextIngest(name, { maxValues: MAX_PAGE_VALUES, bytesHint: to - from, format: 'cmapss', scanner: fast.scanner });
  await pump(file.slice(from, to), ingest, onBytes, cancelled);
  const dataset = ingest.finish();
  const acc = new ProfileAccumulator(undefined, fast.profiler);
  acc.add(dataset);
  return transferring({ dataset, profile: acc.state() });
}

/**
 * This worker's side: the first share read here while the partner reads the rest; the
 * rows joined, or, if the partner's share cannot join, read here after the first.
 * Returns the raw dataset and an accumulator that has seen its rows (undefined after a fallback).
 */
export async function readSplit(
  file: File,
  cut: number,
  partner: { share: Promise<Share | undefined>; silentFor: () => number },
  onBytes: (own: number) => void,
  cancelled: () => boolean,
  fast: FastPaths = {},
): Promise<{ dataset: Dataset; profile?: ProfileAccumulator; parts: number }> {
  const ingest = new TextIngest(file.name, { maxValues: MAX_PAGE_VALUES, bytesHint: file.size, scanner: fast.scanner });
  await pump(file.slice(0, cut), ingest, onBytes, cancelled);
  const mine = ingest.parsedView();
  const acc = new ProfileAccumulator(undefined, fast.profiler);
  if (mine) acc.add(mine);
  const share = await untilSilent(partner);
  if (cancelled()) throw new DataError('loading cancelled');
  // The readings stay in two parts: the engine worker encodes them from the parts (data/parts-column.ts).
  if (share && mine && ingest.appendParsed(share.dataset, compactable)) {
    acc.follow(share.profile, share.dataset);
    return { dataset: ingest.finish(), profile: acc, parts: 2 };
  }
  await pump(file.slice(cut), ingest, (n) => onBytes(cut + n), cancelled);
  return { dataset: ingest.finish(), parts: 1 };
}

/** The partner's share, or undefined once it has been silent too long (a worker that died without a word). */
function untilSilent(partner: { share: Promise<Share | undefined>; silentFor: () => number }): Promise<Share | undefined> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (partner.silentFor() > PARTNER_SILENCE_MS) {
        clearInterval(timer);
        resolve(undefined);
      }
    }, 1000);
    void partner.share.then((s) => {
      clearInterval(timer);
      resolve(s);
    });
  });
}
