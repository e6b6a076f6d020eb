// Units that stopped reporting. A board shows each unit's state at its latest reading; on a
// shared clock (timestamps), a unit whose latest reading lies far behind the fleet's is shown
// by a state that may be long out of date: a "healthy" pump whose logger died last week.
import { unitPhrase } from './unit-phrase.js';
import { columnByRole, type Dataset } from './dataset.js';
import { GAP_FACTOR } from './time-gaps.js';
import { dateAt, dateSpan } from './time-text.js';

/** Unit codes below this find their slot in a typed array: a file in time order changes unit every row. */
const DENSE_CODES = 1 << 20;

export interface Silence {
  /** The fleet's latest reading time. */
  latest: number;
  /** Each silent unit's latest reading time, by unit id. */
  silent: Map<number, number>;
}

/**
 * Units silent for GAP_FACTOR times their own usual interval (their readings' mean step) or
 * longer before the fleet's latest reading; undefined when none is. Only in a fleet whose units
 * report together: for a unit that ended before the current ones typically began, and unless
 * at least two of the rest are current for each silent one, an early end is how the data was
 * made (recordings one after another, a test bench's runs), not a silence.
 */
export function silentUnits(time: Float64Array, unit: Float64Array): Silence | undefined {
  const tracker = new SilenceTracker();
  tracker.add(time, unit);
  return tracker.result();
}

/** Each unit's first, latest and next-to-latest reading time and its count, gathered piece by piece (a streamed file). */
export class SilenceTracker {
  private readonly slots = new Map<number, number>();
  private dense: Int32Array = new Int32Array(64); // slot + 1, 0: not seen
  private readonly ids: number[] = [];
  private first: Float64Array = new Float64Array(64);
  private last: Float64Array = new Float64Array(64);
  private before: Float64Array = new Float64Array(64); // each unit's reading before its latest
  private count: Float64Array = new Float64Array(64);

  add(time: Float64Array, unit: Float64Array): void {
    const n = Math.min(time.length, unit.length);
    if (this.dense.length < DENSE_CODES && this.dense.length < n + 1) this.widen(Math.min(DENSE_CODES, n + 1));
    const dense = this.dense;
    let runUnit = NaN;
    let slot = -1;
    for (let i = 0; i < n; i++) {
      const t = time[i];
      const u = unit[i];
      if (t !== t || u !== u) continue;
      if (u !== runUnit) {
        runUnit = u;
        slot = this.slotOf(u, dense);
      }
      const { first, last, before, count } = this;
      if (t < first[slot]) first[slot] = t;
      if (t > last[slot]) {
        before[slot] = last[slot];
        last[slot] = t;
      } else if (t > before[slot]) before[slot] = t;
      count[slot]++;
    }
  }

  /** A longer typed array of slots; codes the map kept while it was shorter move into it, so a code has one slot. */
  private widen(length: number): void {
    const dense = new Int32Array(length);
    dense.set(this.dense);
    for (const [u, slot] of this.slots)
      if (u >= 0 && u < length && u === Math.floor(u)) {
        dense[u] = slot + 1;
        this.slots.delete(u);
      }
    this.dense = dense;
  }

  private slotOf(u: number, dense: Int32Array): number {
    // Unit codes are small whole numbers (text ids count from 1): a typed array finds their slot; others a map.
    const code = u >= 0 && u < dense.length && u === Math.floor(u);
    let s = code ? dense[u] - 1 : (this.slots.get(u) ?? -1);
    if (s >= 0) return s;
    s = this.ids.length;
    if (code) dense[u] = s + 1;
    else this.slots.set(u, s);
    this.ids.push(u);
    if (s === this.first.length)
      [this.first, this.last, this.before, this.count] = [this.first, this.last, this.before, this.count].map(grown);
    this.first[s] = Infinity;
    this.last[s] = -Infinity;
    this.before[s] = -Infinity;
    return s;
  }

  result(): Silence | undefined {
    const { ids, first, last, before, count } = this;
    const units = ids.length;
    if (units < 2) return undefined;
    const steps = Array.from({ length: units }, (_, s) =>
      count[s] > 1 && last[s] > first[s] ? (last[s] - first[s]) / (count[s] - 1) : NaN,
    );
    const known = steps.filter((d) => d > 0).sort((a, b) => a - b);
    if (!known.length) return undefined;
    const usual = known[known.length >> 1]; // a unit of one reading has no step of its own: the fleet's
    // The fleet's latest, from each unit's reading before its last: one reading of a logger whose clock jumped to 2099
    // would otherwise leave every other unit behind. A unit of one reading counts by it.
    let now = -Infinity;
    for (let s = 0; s < units; s++) now = Math.max(now, count[s] > 1 ? before[s] : last[s]);
    let latest = now;
    for (let s = 0; s < units; s++) if (last[s] <= now + GAP_FACTOR * (steps[s] > 0 ? steps[s] : usual)) latest = Math.max(latest, last[s]);
    const quiet = (s: number) => latest - last[s] >= GAP_FACTOR * (steps[s] > 0 ? steps[s] : usual);
    const starts: number[] = [];
    for (let s = 0; s < units; s++) if (!quiet(s)) starts.push(first[s]);
    if (!starts.length) return undefined;
    starts.sort((a, b) => a - b);
    // When the current units typically began (their median start: one unit logging throughout does not move it). A unit
    // that stopped before then was recorded before them (a batch, a bench run), not silenced, and is no part of the fleet.
    const currentFrom = starts[starts.length >> 1];
    const silent = new Map<number, number>();
    for (let s = 0; s < units; s++) if (quiet(s) && last[s] >= currentFrom) silent.set(ids[s], last[s]);
    // At least two current units for each silent one: a live fleet loses a logger or a few, while two overlapping
    // batches of recordings would otherwise read as one fleet with a third of it silenced.
    if (!silent.size || starts.length < 2 * silent.size) return undefined;
    return { latest, silent };
  }
}

/** The silent units of a dataset read with a unit column and timestamps; cycles and row numbers are each unit's own clock. */
export function silenceIn(ds: Dataset): Silence | undefined {
  const time = columnByRole(ds, 'time');
  const unit = columnByRole(ds, 'unit');
  return time?.timestamp && unit ? silentUnits(time.values, unit.values) : undefined;
}

/** The data step's and `isoscope profile`'s note naming the silent units (the first three), or none. */
export function silentUnitsNote(ds: Dataset): string | undefined {
  const quiet = silenceIn(ds);
  return quiet && silenceWords(quiet, columnByRole(ds, 'unit')!.labels);
}

/** The silent units in words (the first three named); text ids by their labels. */
export function silenceWords(quiet: Silence, labels: string[] | undefined): string {
  const name = (code: number) => unitPhrase(labels ? labels[code - 1] : String(code));
  const named = [...quiet.silent]
    .sort((a, b) => a[1] - b[1])
    .slice(0, 3)
    .map(([unit, last]) => `${name(unit)} (last reading ${dateAt(last)}, ${dateSpan(quiet.latest - last)} before)`);
  const n = quiet.silent.size;
  return `${n} unit${n === 1 ? '' : 's'} stopped reporting long before the rest (${GAP_FACTOR} or more of ${n === 1 ? 'its' : 'their'} usual intervals before the latest reading, ${dateAt(quiet.latest)} UTC): ${named.join(', ')}${n > 3 ? ` and ${n - 3} more` : ''}. ${n === 1 ? 'Its scores and alarms are as of its last reading' : 'Their scores and alarms are as of their last readings'}.`;
}

function grown(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}
