// The fleet board's order, kept across slider frames. Most urgent first is: alarm, watch,
// healthy; then the longest in that state; then the highest latest score; then the unit.
// The last two keys do not depend on the threshold, so they are sorted once per set of
// scores (the base order); a frame then buckets the units by state in that order and sorts
// only the units in alarm or on watch by how long. A frame whose states and durations
// equal the last one's reuses the last order outright: no sort at all.
import type { FleetRow, UnitState } from '../alarms/budget-types.js';

/** How two units are ordered by name (the page's UnitWords). */
export interface UnitOrder {
  compare(a: number, b: number): number;
}

const RANK: Record<UnitState, number> = { alarm: 0, watch: 1, healthy: 2 };
const duration = (r: FleetRow) => (r.since === null ? 0 : (r.lastTime ?? 0) - r.since);

export class FleetOrder {
  private units = new Float64Array(0);
  private scores = new Float64Array(0);
  /** Positions in the fleet, by latest score (highest first), then unit; and each position's place in that order. */
  private base = new Int32Array(0);
  private place = new Int32Array(0);
  private byUnit?: { words: UnitOrder; order: Int32Array };
  private rank = new Uint8Array(0);
  private since = new Float64Array(0);
  private last: Int32Array = new Int32Array(0);
  /** Frames that found the order unchanged (diagnostics: the tests). */
  reused = 0;

  /** The fleet most urgent first. `fleet` lists the units in the same order on every frame of one set of scores. */
  urgent(fleet: FleetRow[]): FleetRow[] {
    const n = fleet.length;
    const fresh = this.adopt(fleet);
    const rank = new Uint8Array(n);
    const dur = new Float64Array(n);
    let same = !fresh;
    for (let i = 0; i < n; i++) {
      rank[i] = RANK[fleet[i].state];
      dur[i] = duration(fleet[i]);
      if (rank[i] !== this.rank[i] || !Object.is(dur[i], this.since[i])) same = false;
    }
    this.rank = rank;
    this.since = dur;
    if (same) this.reused++;
    else this.last = this.sorted(rank, dur);
    return Array.from(this.last, (i) => fleet[i]);
  }

  /** The fleet by unit, as `words` orders units: sorted once per set of scores and words. */
  unitOrder(fleet: FleetRow[], words: UnitOrder): FleetRow[] {
    if (this.adopt(fleet) || this.byUnit?.words !== words)
      this.byUnit = { words, order: Int32Array.from(fleet.keys()).sort((a, b) => words.compare(fleet[a].unit, fleet[b].unit)) };
    return Array.from(this.byUnit.order, (i) => fleet[i]);
  }

  /** Takes the fleet's threshold-free keys; true when they differ from the last frame's (other scores). */
  private adopt(fleet: FleetRow[]): boolean {
    const n = fleet.length;
    let same = n === this.units.length;
    for (let i = 0; same && i < n; i++) same = fleet[i].unit === this.units[i] && Object.is(fleet[i].latestScore, this.scores[i]);
    if (same) return false;
    this.units = Float64Array.from(fleet, (r) => r.unit);
    this.scores = Float64Array.from(fleet, (r) => r.latestScore);
    const { units, scores } = this;
    this.base = Int32Array.from(fleet.keys()).sort((a, b) => scores[b] - scores[a] || units[a] - units[b]);
    this.place = new Int32Array(n);
    this.base.forEach((i, p) => (this.place[i] = p));
    this.byUnit = undefined;
    this.rank = new Uint8Array(0);
    return true;
  }

  private sorted(rank: Uint8Array, dur: Float64Array): Int32Array {
    const buckets: number[][] = [[], [], []];
    for (const i of this.base) buckets[rank[i]].push(i);
    const place = this.place;
    for (const b of buckets.slice(0, 2)) b.sort((i, j) => dur[j] - dur[i] || place[i] - place[j]);
    return Int32Array.from(buckets.flat());
  }
}
