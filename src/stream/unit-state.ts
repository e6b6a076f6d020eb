// What a partition's units need to score on exactly as if nothing had stopped: each unit's
// window state (baseline sums, sliding sums, ring; copied out of Wasm), its k-of-n state and its
// part of the rolling data check (runs, own window, alerts in force), plus the data check's fleet
// window. A snapshot is taken right after a batch is scored and saved with that batch's position,
// so a restart, a rewind or a reload restores the state that belongs to where it resumes.
// A unit's readings stay on one partition (the partition key is the unit), so partitions'
// snapshots never overlap. The fleet window spans partitions: every snapshot carries it, and
// it is put back only into a check that holds no reading yet (a fresh start), from the first
// partition restored, so an alert in force stays in force rather than being raised again.
import type { LoadedModel } from '../model/loaded-model.js';
import type { KofN, UnitAlarmState } from '../alarms/k-of-n.js';
import type { FleetState } from '../model/rolling-check.js';
import type { UnitKey, UnitTable } from './unit-table.js';
import type { DataWatch } from './data-watch.js';
import { decodeHeader, encodeHeader } from './unit-state-bytes.js';

/** The fleet window with each reading's unit by id (slots are not kept across a restart). */
export type SavedFleet = Omit<FleetState, 'slots'> & { units: (UnitKey | null)[] };

export interface UnitsSnapshot {
  /** The model whose state this is: another model's state is never restored. */
  model: string;
  /** Window words per unit, and the k-of-n window n, as checks. */
  words: number;
  n: number;
  /** Data-check bytes per unit (0: the model has no check). */
  checkBytes: number;
  units: { id: UnitKey; window: Float64Array; alarm: UnitAlarmState; check?: Uint8Array }[];
  fleet?: SavedFleet;
}

export function snapshotUnits(model: LoadedModel, debounce: KofN, table: UnitTable, partition: string, watch?: DataWatch): UnitsSnapshot {
  const words = model.streamUnitBytes / 8;
  const units = table.slotsOf(partition).map((s) => ({
    id: table.keyOf(s)!,
    window: model.streamUnitState(s) ?? new Float64Array(words),
    alarm: debounce.unitState(s) ?? { ring: new Uint8Array(debounce.n), head: 0, count: 0, alarm: 0 },
    check: watch?.check.unitState(s),
  }));
  const snap: UnitsSnapshot = { model: model.model.id, words, n: debounce.n, checkBytes: watch?.unitBytes ?? 0, units };
  if (watch && !watch.check.empty) {
    const { slots, ...fleet } = watch.check.fleetState();
    snap.fleet = { ...fleet, units: Array.from(slots, (s) => (s >= 0 ? (table.keyOf(s) ?? null) : null)) };
  }
  return snap;
}

/** Forgets the partition's units, then puts the snapshot's back; false (units fresh) when it is another model's. */
export function restoreUnits(
  model: LoadedModel,
  debounce: KofN,
  table: UnitTable,
  partition: string,
  snap: UnitsSnapshot | undefined,
  evict: (slot: number) => void,
  watch?: DataWatch,
): boolean {
  for (const s of table.slotsOf(partition)) {
    evict(s);
    table.release(s);
  }
  if (!snap) return true;
  if (snap.model !== model.model.id || snap.words * 8 !== model.streamUnitBytes || snap.n !== debounce.n) return false;
  // Another check's state (a model without an envelope then, a differing window) is left out: the check starts fresh.
  const check = watch && snap.checkBytes === watch.unitBytes ? watch.check : undefined;
  table.nextPass();
  for (const u of snap.units) {
    const s = table.slot(u.id, partition, evict);
    if (s < 0) break; // more units than the cap holds now: the rest start fresh
    if (snap.words) model.setStreamUnitState(s, u.window);
    debounce.setUnitState(s, u.alarm);
    if (check && u.check) check.setUnitState(s, u.check);
  }
  if (check?.empty && snap.fleet) {
    const { units, ...fleet } = snap.fleet;
    check.setFleetState({ ...fleet, slots: Int32Array.from(units, (k) => (k === null ? -1 : table.find(k))) });
  }
  return true;
}

/** A snapshot as bytes (Blob or IndexedDB): a JSON header, then every window (f64), alarm ring (u8), check state and the fleet window. */
export function encodeUnits(snap: UnitsSnapshot): Uint8Array {
  const fleet = snap.fleet;
  const header = encodeHeader({
    model: snap.model,
    words: snap.words,
    n: snap.n,
    checkBytes: snap.checkBytes,
    units: snap.units.map((u) => [u.id, u.alarm.head, u.alarm.count, u.alarm.alarm, u.check ? 1 : 0]),
    fleet: fleet && { next: fleet.next, filled: fleet.filled, units: fleet.units, bits: fleet.bits.length, active: fleet.active.length },
  });
  const at = Math.ceil(header.length / 8) * 8;
  const m = snap.units.length;
  const fleetBytes = fleet ? 2 * fleet.bits.length + fleet.active.length : 0;
  const bytes = new Uint8Array(at + m * (snap.words * 8 + snap.n + snap.checkBytes) + fleetBytes);
  bytes.set(header);
  const windows = new Float64Array(bytes.buffer, at, m * snap.words);
  let o = at + m * snap.words * 8;
  snap.units.forEach((u, i) => {
    windows.set(u.window, i * snap.words);
    bytes.set(u.alarm.ring, o + i * snap.n);
  });
  o += m * snap.n;
  snap.units.forEach((u, i) => u.check && bytes.set(u.check, o + i * snap.checkBytes));
  o += m * snap.checkBytes;
  if (fleet) for (const part of [fleet.bits, fleet.cover, fleet.active]) bytes.set(part, (o += part.length) - part.length);
  return bytes;
}

export function decodeUnits(bytes: Uint8Array): UnitsSnapshot {
  const own = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const { head, length } = decodeHeader(own);
  const at = Math.ceil(length / 8) * 8;
  const m = head.units.length;
  const checkBytes = head.checkBytes ?? 0;
  const f = head.fleet;
  const fleetBytes = f ? 2 * f.bits + f.active : 0;
  if (own.byteLength !== at + m * (head.words * 8 + head.n + checkBytes) + fleetBytes) throw new Error('saved unit state: truncated');
  const rings = at + m * head.words * 8;
  const checks = rings + m * head.n;
  const units = head.units.map(([id, headAt, count, alarm, hasCheck], i) => ({
    id,
    window: new Float64Array(own.buffer, own.byteOffset + at + i * head.words * 8, head.words).slice(),
    alarm: { ring: own.slice(rings + i * head.n, rings + (i + 1) * head.n), head: headAt, count, alarm },
    ...(hasCheck ? { check: own.slice(checks + i * checkBytes, checks + (i + 1) * checkBytes) } : {}),
  }));
  const snap: UnitsSnapshot = { model: head.model, words: head.words, n: head.n, checkBytes, units };
  if (f) {
    let o = checks + m * checkBytes;
    const take = (n: number) => own.slice(o, (o += n));
    snap.fleet = { next: f.next, filled: f.filled, units: f.units, bits: take(f.bits), cover: take(f.bits), active: take(f.active) };
  }
  return snap;
}
