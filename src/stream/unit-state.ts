// What a partition's units need to score on exactly as if nothing had stopped: each unit's
// window state (baseline sums, sliding sums, ring; copied out of Wasm) and its k-of-n state.
// A snapshot is taken right after a batch is scored and saved with that batch's position,
// so a restart, a rewind or a reload restores the state that belongs to where it resumes.
// A unit's readings stay on one partition (the partition key is the unit), so partitions'
// snapshots never overlap.
import type { LoadedModel } from '../model/loaded-model.js';
import type { KofN, UnitAlarmState } from '../alarms/k-of-n.js';
import type { UnitKey, UnitTable } from './unit-table.js';

export interface UnitsSnapshot {
  /** The model whose state this is: another model's state is never restored. */
  model: string;
  /** Window words per unit, and the k-of-n window n, as checks. */
  words: number;
  n: number;
  units: { id: UnitKey; window: Float64Array; alarm: UnitAlarmState }[];
}

export function snapshotUnits(model: LoadedModel, debounce: KofN, table: UnitTable, partition: string): UnitsSnapshot {
  const words = model.streamUnitBytes / 8;
  const units = table.slotsOf(partition).map((s) => ({
    id: table.keyOf(s)!,
    window: model.streamUnitState(s) ?? new Float64Array(words),
    alarm: debounce.unitState(s) ?? { ring: new Uint8Array(debounce.n), head: 0, count: 0, alarm: 0 },
  }));
  return { model: model.model.id, words, n: debounce.n, units };
}

/** Forgets the partition's units, then puts the snapshot's back; false (units fresh) when it is another model's. */
export function restoreUnits(
  model: LoadedModel,
  debounce: KofN,
  table: UnitTable,
  partition: string,
  snap: UnitsSnapshot | undefined,
  evict: (slot: number) => void,
): boolean {
  for (const s of table.slotsOf(partition)) {
    evict(s);
    table.release(s);
  }
  if (!snap) return true;
  if (snap.model !== model.model.id || snap.words * 8 !== model.streamUnitBytes || snap.n !== debounce.n) return false;
  table.nextPass();
  for (const u of snap.units) {
    const s = table.slot(u.id, partition, evict);
    if (s < 0) break; // more units than the cap holds now: the rest start fresh
    if (snap.words) model.setStreamUnitState(s, u.window);
    debounce.setUnitState(s, u.alarm);
  }
  return true;
}

const MAGIC = 0x31555349; // "ISU1"

/** A snapshot as bytes (Blob or IndexedDB): a JSON header, then every window (f64), then every alarm ring (u8). */
export function encodeUnits(snap: UnitsSnapshot): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({
      model: snap.model,
      words: snap.words,
      n: snap.n,
      units: snap.units.map((u) => [u.id, u.alarm.head, u.alarm.count, u.alarm.alarm]),
    }),
  );
  const at = Math.ceil((8 + header.length) / 8) * 8;
  const m = snap.units.length;
  const bytes = new Uint8Array(at + m * snap.words * 8 + m * snap.n);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, header.length, true);
  bytes.set(header, 8);
  const windows = new Float64Array(bytes.buffer, at, m * snap.words);
  snap.units.forEach((u, i) => {
    windows.set(u.window, i * snap.words);
    bytes.set(u.alarm.ring, at + m * snap.words * 8 + i * snap.n);
  });
  return bytes;
}

export function decodeUnits(bytes: Uint8Array): UnitsSnapshot {
  const own = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const view = new DataView(own.buffer, own.byteOffset, own.byteLength);
  if (own.byteLength < 8 || view.getUint32(0, true) !== MAGIC) throw new Error('saved unit state: not an isoscope unit-state record');
  const len = view.getUint32(4, true);
  const head = JSON.parse(new TextDecoder().decode(own.subarray(8, 8 + len))) as {
    model: string;
    words: number;
    n: number;
    units: [UnitKey, number, number, number][];
  };
  const at = Math.ceil((8 + len) / 8) * 8;
  const m = head.units.length;
  if (own.byteLength !== at + m * head.words * 8 + m * head.n) throw new Error('saved unit state: truncated');
  const units = head.units.map(([id, headAt, count, alarm], i) => ({
    id,
    window: new Float64Array(own.buffer, own.byteOffset + at + i * head.words * 8, head.words).slice(),
    alarm: {
      ring: own.slice(at + m * head.words * 8 + i * head.n, at + m * head.words * 8 + (i + 1) * head.n),
      head: headAt,
      count,
      alarm,
    },
  }));
  return { model: head.model, words: head.words, n: head.n, units };
}
