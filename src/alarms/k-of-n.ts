// k-of-n alarm debounce per unit, with hysteresis: a unit raises an alarm when at least
// k of its last n readings exceed the threshold, and clears only when at most `clear`
// of them do. State lives in typed ring buffers (no per-reading objects).

export interface DebounceSettings {
  k: number;
  n: number;
  /** Clears when the count in the window falls to this or below; default 0. */
  clear?: number;
}

/** The rule of a model that has none: every anomalous reading is an alarm on its own. */
export const SINGLE_READING: Required<DebounceSettings> = { k: 1, n: 1, clear: 0 };

export type AlarmEdge = 0 | 1 | -1; // none, raised, cleared

/** One unit's debounce state: its last n exceedances (ring, next write at head), their count, alarm 1/0. */
export interface UnitAlarmState {
  ring: Uint8Array;
  head: number;
  count: number;
  alarm: number;
}

export class KofN {
  readonly k: number;
  readonly n: number;
  readonly clear: number;
  private readonly slot = new Map<number, number>();
  private ring = new Uint8Array(0);
  private head = new Int32Array(0);
  private count = new Int32Array(0);
  private state = new Uint8Array(0);

  constructor(s: DebounceSettings) {
    if (!(Number.isInteger(s.n) && s.n >= 1 && s.n <= 1000)) throw new Error(`n must be an integer from 1 to 1000, got ${s.n}`);
    if (!(Number.isInteger(s.k) && s.k >= 1 && s.k <= s.n)) throw new Error(`k must be an integer from 1 to n (${s.n}), got ${s.k}`);
    const clear = s.clear ?? 0;
    if (!(Number.isInteger(clear) && clear >= 0 && clear < s.k)) throw new Error(`clear must be an integer from 0 to k-1, got ${clear}`);
    this.k = s.k;
    this.n = s.n;
    this.clear = clear;
  }

  private slotOf(unit: number): number {
    let s = this.slot.get(unit);
    if (s !== undefined) return s;
    s = this.slot.size;
    this.slot.set(unit, s);
    if (s >= this.head.length) this.grow(Math.max(16, this.head.length * 2));
    return s;
  }

  private grow(units: number): void {
    const ring = new Uint8Array(units * this.n);
    ring.set(this.ring);
    const head = new Int32Array(units);
    head.set(this.head);
    const count = new Int32Array(units);
    count.set(this.count);
    const state = new Uint8Array(units);
    state.set(this.state);
    this.ring = ring;
    this.head = head;
    this.count = count;
    this.state = state;
  }

  /** Feeds one reading's exceedance (1/0) for a unit; returns whether its alarm rose or cleared. */
  push(unit: number, exceeded: number): AlarmEdge {
    return this.pushSlot(this.slotOf(unit), exceeded);
  }

  /** Room for units numbered densely 0..units-1, for callers that feed pushSlot directly. */
  reserve(units: number): void {
    if (units > this.head.length) this.grow(units);
  }

  /**
   * push() for a caller that already numbers its units densely (0..reserved-1): no lookup
   * per reading, which matters when re-thresholding a million readings per slider frame.
   */
  pushSlot(s: number, exceeded: number): AlarmEdge {
    const at = s * this.n + this.head[s];
    this.count[s] += exceeded - this.ring[at];
    this.ring[at] = exceeded;
    this.head[s] = (this.head[s] + 1) % this.n;
    if (!this.state[s] && this.count[s] >= this.k) {
      this.state[s] = 1;
      return 1;
    }
    if (this.state[s] && this.count[s] <= this.clear) {
      this.state[s] = 0;
      return -1;
    }
    return 0;
  }

  /** A densely numbered unit's state: in alarm (1) or not, and over-threshold readings in its window. */
  slotState(s: number): { alarm: number; count: number } {
    return { alarm: this.state[s], count: this.count[s] };
  }

  /** Over-threshold readings in a densely numbered unit's window (no allocation: read per reading). */
  slotCount(s: number): number {
    return this.count[s];
  }

  /** A unit's debounce state (its last n exceedances, oldest at `head`), for a checkpoint; undefined when never seen. */
  unitState(unit: number): UnitAlarmState | undefined {
    const s = this.slot.get(unit);
    if (s === undefined) return undefined;
    return { ring: this.ring.slice(s * this.n, (s + 1) * this.n), head: this.head[s], count: this.count[s], alarm: this.state[s] };
  }

  /** Puts a checkpointed state back (same n). */
  setUnitState(unit: number, st: UnitAlarmState): void {
    if (st.ring.length !== this.n) throw new Error(`alarm state of ${st.ring.length} readings does not fit a rule over ${this.n}`);
    const s = this.slotOf(unit);
    this.ring.set(st.ring, s * this.n);
    this.head[s] = st.head;
    this.count[s] = st.count;
    this.state[s] = st.alarm;
  }

  /** Forgets a unit (evicted or restored afresh): it starts like a unit never seen; its slot is kept for reuse. */
  forgetUnit(unit: number): void {
    const s = this.slot.get(unit);
    if (s === undefined) return;
    this.ring.fill(0, s * this.n, (s + 1) * this.n);
    this.head[s] = 0;
    this.count[s] = 0;
    this.state[s] = 0;
  }

  inAlarm(unit: number): boolean {
    const s = this.slot.get(unit);
    return s !== undefined && this.state[s] === 1;
  }

  reset(): void {
    this.slot.clear();
    this.ring.fill(0);
    this.head.fill(0);
    this.count.fill(0);
    this.state.fill(0);
  }
}
