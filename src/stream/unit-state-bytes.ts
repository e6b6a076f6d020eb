// The header of a saved unit state: a magic number, the JSON header's length, the JSON. "ISU1"
// records (before the data check was saved) still read: their units' checks start fresh.
import type { UnitKey } from './unit-table.js';

const MAGIC_V1 = 0x31555349; // "ISU1"
const MAGIC = 0x32555349; // "ISU2"

export interface UnitsHeader {
  model: string;
  words: number;
  n: number;
  checkBytes?: number;
  /** Per unit: id, k-of-n head, count, alarm, and 1 when its check state follows. */
  units: [UnitKey, number, number, number, number?][];
  /** The fleet window: its position, each reading's unit, and the sizes of its flag and alert parts. */
  fleet?: { next: number; filled: number; units: (UnitKey | null)[]; bits: number; active: number };
}

/** The header's bytes (8 + JSON); the sections after it start at the next multiple of 8. */
export function encodeHeader(head: UnitsHeader): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(head));
  const out = new Uint8Array(8 + json.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, json.length, true);
  out.set(json, 8);
  return out;
}

export function decodeHeader(bytes: Uint8Array): { head: UnitsHeader; length: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = bytes.byteLength >= 8 ? view.getUint32(0, true) : 0;
  if (magic !== MAGIC && magic !== MAGIC_V1) throw new Error('saved unit state: not an isoscope unit-state record');
  const len = view.getUint32(4, true);
  if (8 + len > bytes.byteLength) throw new Error('saved unit state: truncated');
  const head = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len))) as UnitsHeader;
  return { head, length: 8 + len };
}
