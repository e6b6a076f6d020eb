// The times each tracked unit was last scored at, so that a reading delivered twice (Event
// Hubs delivers at least once: a publisher's retry after a timeout stores a batch twice) is
// known as a repeat and not scored again, which would feed the unit's window the same
// reading twice and overwrite its stored score. A late reading that was never scored is not
// a repeat: it is scored in arrival order, as before.
import type { UnitKey } from './unit-table.js';

/** Times remembered per unit: a repeated publisher batch of up to this many of one unit's readings is caught whole. */
export const RECENT_TIMES = 256;

export class RecentTimes {
  /**
   * Off until repeats are first looked for (the hub paths): serve and replay never look, so their
   * units carry no ring (2 KB each).
   */
  private on = false;
  /** Per slot, a ring of its unit's latest scored times (allocated on a unit's first reading). */
  private rings: (Float64Array | undefined)[] = [];
  private next: number[] = [];
  /** Per slot, the latest time scored (the ring need only be searched at or below it). */
  private newest: number[] = [];

  add(slot: number, time: number): void {
    if (!this.on || !Number.isFinite(time)) return;
    let ring = this.rings[slot];
    if (!ring) {
      ring = this.rings[slot] = new Float64Array(RECENT_TIMES).fill(NaN);
      this.next[slot] = 0;
      this.newest[slot] = -Infinity;
    }
    ring[this.next[slot]] = time;
    this.next[slot] = (this.next[slot] + 1) % RECENT_TIMES;
    if (time > this.newest[slot]) this.newest[slot] = time;
  }

  /** True when the slot's unit was scored at exactly this time, among its last RECENT_TIMES readings. */
  has(slot: number, time: number): boolean {
    this.on = true;
    const ring = slot >= 0 ? this.rings[slot] : undefined;
    if (!ring || !(time <= this.newest[slot])) return false;
    return ring.includes(time);
  }

  forget(slot: number): void {
    this.rings[slot] = undefined;
  }

  clear(): void {
    this.rings = [];
    this.next = [];
    this.newest = [];
  }
}

/**
 * Per reading, 1 when its unit was already scored at its time (remembered, or earlier in the same
 * batch); undefined when no reading repeats (the usual case, checked without allocating per reading).
 */
export function markRepeats(
  units: ArrayLike<UnitKey>,
  times: Float64Array,
  slotOf: (unit: UnitKey) => number,
  recent: RecentTimes,
): Uint8Array | undefined {
  let marks: Uint8Array | undefined;
  const inBatch = new Map<UnitKey, number[]>();
  for (let i = 0; i < units.length; i++) {
    const t = times[i];
    if (!Number.isFinite(t)) continue;
    const earlier = inBatch.get(units[i]);
    if (recent.has(slotOf(units[i]), t) || earlier?.includes(t)) (marks ??= new Uint8Array(units.length))[i] = 1;
    else if (earlier) earlier.push(t);
    else inBatch.set(units[i], [t]);
  }
  return marks;
}
