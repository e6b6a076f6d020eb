// The units a stream tracks, each in a dense slot that numbers its window and alarm state.
// Unit ids come from untrusted events, so the table is capped: a new unit beyond the cap
// takes the slot of the unit idle longest (its state is forgotten and counted), and the
// engine never runs out of memory. A slot also remembers the partition its unit arrived
// on, so a partition's units can be checkpointed and restored with its position.

export type UnitKey = string | number;

/** Units a stream tracks unless told otherwise (`--max-units`). */
export const DEFAULT_MAX_UNITS = 10_000;
/** Window state a stream may hold, whatever the cap: a window-1000 model tracks fewer units. */
export const UNIT_STATE_BUDGET = 256 * 1024 * 1024;

/** The cap in force: the asked-for cap, lowered so the units' window state stays within the budget. */
export function unitCap(asked: number, unitBytes: number): number {
  const byBudget = unitBytes > 0 ? Math.floor(UNIT_STATE_BUDGET / unitBytes) : Infinity;
  return Math.max(1, Math.min(asked, byBudget));
}

export class UnitTable {
  readonly cap: number;
  /** Units forgotten to make room for new ones. */
  evicted = 0;
  private readonly slotOf = new Map<UnitKey, number>();
  private readonly keys: (UnitKey | undefined)[] = [];
  private readonly owners: (string | undefined)[] = [];
  private lastUsed: Float64Array;
  /** Released slots (their state already forgotten), taken before any eviction. */
  private readonly free: number[] = [];
  private tick = 1;

  constructor(cap: number) {
    if (!(Number.isInteger(cap) && cap >= 1)) throw new Error(`the unit cap must be a whole number of at least 1, got ${cap}`);
    this.cap = cap;
    this.lastUsed = new Float64Array(Math.min(cap, 1024));
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** Starts a new pass: a slot used in the current pass is never evicted within it. */
  nextPass(): void {
    this.tick++;
  }

  /**
   * The unit's slot, or -1 when the table is full of units used in this pass (score what the
   * pass has, then call nextPass). `evict` is told of a slot that is about to change unit.
   */
  slot(key: UnitKey, owner: string | undefined, evict: (slot: number) => void): number {
    let s = this.slotOf.get(key);
    if (s === undefined) {
      s = this.free.pop() ?? (this.keys.length < this.cap ? this.keys.length : -1);
      if (s === -1) {
        s = this.idlest();
        if (this.lastUsed[s] === this.tick) return -1;
        evict(s);
        this.slotOf.delete(this.keys[s]!);
        this.evicted++;
      } else if (s >= this.lastUsed.length) this.growTo(Math.min(this.cap, Math.max(s + 1, this.lastUsed.length * 2)));
      this.slotOf.set(key, s);
      this.keys[s] = key;
    }
    this.lastUsed[s] = this.tick;
    this.owners[s] = owner;
    return s;
  }

  /** The slots whose units arrived on a partition. */
  slotsOf(owner: string): number[] {
    const out: number[] = [];
    for (let s = 0; s < this.keys.length; s++) if (this.keys[s] !== undefined && this.owners[s] === owner) out.push(s);
    return out;
  }

  /** The unit's slot, or -1 when it is not tracked (nothing changes). */
  find(key: UnitKey): number {
    return this.slotOf.get(key) ?? -1;
  }

  keyOf(slot: number): UnitKey | undefined {
    return this.keys[slot];
  }

  /** Forgets a unit (its slot is free for the next new unit after the ones never used). */
  release(slot: number): void {
    const key = this.keys[slot];
    if (key === undefined) return;
    this.slotOf.delete(key);
    this.keys[slot] = undefined;
    this.owners[slot] = undefined;
    this.lastUsed[slot] = 0;
    this.free.push(slot);
  }

  private idlest(): number {
    let best = 0;
    for (let s = 1; s < this.cap; s++) if (this.lastUsed[s] < this.lastUsed[best]) best = s;
    return best;
  }

  private growTo(n: number): void {
    const next = new Float64Array(n);
    next.set(this.lastUsed);
    this.lastUsed = next;
  }

  reset(): void {
    this.slotOf.clear();
    this.keys.length = 0;
    this.owners.length = 0;
    this.free.length = 0;
    this.lastUsed.fill(0);
  }
}
