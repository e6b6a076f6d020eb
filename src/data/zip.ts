// A zip archive's entries from its central directory, and one entry's bytes streamed
// out without inflating the others: unzipping everything up front let a small
// archive claim gigabytes. Stored and deflated entries, zip64 sizes; every bound is
// checked, so a damaged archive is a DataError, never an exception from deep inside.
import { DataError } from './dataset.js';
import { StepInflater } from './inflate.js';
import { printable } from './printable.js';

export interface ZipEntry {
  /** The path inside the archive. */
  path: string;
  flags: number;
  method: number;
  compressedSize: number;
  headerOffset: number;
}

const STORED_SLICE = 1024 * 1024;
const END = 0x06054b50;
const END64 = 0x06064b50;
const END64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

const u16 = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
const u64 = (b: Uint8Array, at: number) => u32(b, at) + u32(b, at + 4) * 2 ** 32;

/** A local file header or an empty archive's end record. */
export function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6));
}

function damaged(why: string): DataError {
  return new DataError(`the zip archive is damaged or unsupported (${why})`);
}

export function zipEntries(bytes: Uint8Array): ZipEntry[] {
  let end = -1;
  for (let at = bytes.length - 22; at >= 0 && at >= bytes.length - 22 - 0xffff; at--) {
    if (u32(bytes, at) === END) {
      end = at;
      break;
    }
  }
  if (end < 0) throw damaged('no central directory');
  let count = u16(bytes, end + 10);
  let size = u32(bytes, end + 12);
  let offset = u32(bytes, end + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = end - 20;
    if (locator < 0 || u32(bytes, locator) !== END64_LOCATOR) throw damaged('no zip64 end record');
    const record = u64(bytes, locator + 8);
    if (record + 56 > bytes.length || u32(bytes, record) !== END64) throw damaged('no zip64 end record');
    count = u64(bytes, record + 32);
    size = u64(bytes, record + 40);
    offset = u64(bytes, record + 48);
  }
  if (offset + size > bytes.length) throw damaged('the directory lies past the end');
  const entries: ZipEntry[] = [];
  for (let at = offset, k = 0; k < count; k++) {
    if (at + 46 > bytes.length || u32(bytes, at) !== CENTRAL) throw damaged('a bad directory entry');
    const nameLength = u16(bytes, at + 28);
    const extraLength = u16(bytes, at + 30);
    const next = at + 46 + nameLength + extraLength + u16(bytes, at + 32);
    if (next > bytes.length) throw damaged('a bad directory entry');
    const flags = u16(bytes, at + 8);
    const name = bytes.subarray(at + 46, at + 46 + nameLength);
    const entry: ZipEntry = {
      path: printable(flags & 0x800 ? new TextDecoder().decode(name) : Array.from(name, (c) => String.fromCharCode(c)).join('')),
      flags,
      method: u16(bytes, at + 10),
      compressedSize: u32(bytes, at + 20),
      headerOffset: u32(bytes, at + 42),
    };
    readZip64Extra(bytes.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), u32(bytes, at + 24), entry);
    entries.push(entry);
    at = next;
  }
  return entries;
}

/** Sizes and offsets too big for 32 bits sit in the zip64 extra field, in a fixed order. */
function readZip64Extra(extra: Uint8Array, size: number, entry: ZipEntry): void {
  const wide = [size === 0xffffffff, entry.compressedSize === 0xffffffff, entry.headerOffset === 0xffffffff];
  if (!wide.some(Boolean)) return;
  for (let at = 0; at + 4 <= extra.length; at += 4 + u16(extra, at + 2)) {
    if (u16(extra, at) !== 1) continue;
    let p = at + 4;
    const field = () => {
      if (p + 8 > extra.length) throw damaged('a short zip64 field');
      p += 8;
      return u64(extra, p - 8);
    };
    if (wide[0]) field();
    if (wide[1]) entry.compressedSize = field();
    if (wide[2]) entry.headerOffset = field();
    return;
  }
  throw damaged('no zip64 field');
}

/** The entry's bytes, inflated step by step; errors name the entry, the caller adds the archive. */
export function* entryBytes(bytes: Uint8Array, entry: ZipEntry): Generator<Uint8Array> {
  const at = entry.headerOffset;
  if (at + 30 > bytes.length || u32(bytes, at) !== LOCAL) throw damaged(`no local header for ${entry.path}`);
  const start = at + 30 + u16(bytes, at + 26) + u16(bytes, at + 28);
  const data = bytes.subarray(start, start + entry.compressedSize);
  if (start + entry.compressedSize > bytes.length) throw damaged(`${entry.path} runs past the end`);
  if (entry.flags & 1) throw new DataError(`${entry.path} is encrypted; isoscope reads unencrypted archives`);
  if (entry.method === 0) {
    // In slices, as a streamed file comes: the readers never hold one 100 MB chunk.
    for (let at = 0; at < data.length; at += STORED_SLICE) yield data.subarray(at, at + STORED_SLICE);
    return;
  }
  if (entry.method !== 8)
    throw new DataError(`${entry.path} uses compression method ${entry.method}; isoscope reads stored or deflated entries`);
  yield* new StepInflater('deflate', `${entry.path}: the compressed data`).steps(data, true);
}
