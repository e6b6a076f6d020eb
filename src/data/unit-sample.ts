// A bounded, seeded sample of whole units, taken from a dataset that arrives in pieces
// (a file bigger than memory). Training needs whole units: the recipe's windows, each
// unit's own baseline and "first X% of its life" all look along a unit's readings, so a
// unit is kept entirely or not at all.
//
// Each unit gets a priority from a seeded hash of its id; the sample is the units of
// lowest priority whose readings fit in the budget. Whenever the kept readings exceed the
// budget, the unit of highest priority is evicted and every unit at or above its priority
// is refused from then on. Sizes only grow, so a unit that belongs to the final set is never
// evicted: the result is the same set whatever the piece sizes or the order units arrive
// in, and a file that fits is kept whole, in its own row order.
import type { Column, Dataset } from './dataset.js';
import { columnByRole } from './dataset.js';

export interface SampleFigures {
  /** Readings and units kept. */
  rows: number;
  units: number;
  /** Readings and units the whole data had. */
  ofRows: number;
  ofUnits: number;
}

interface UnitEntry {
  priority: number;
  kept: number;
}

/** A 32-bit mix of a unit id's bits and the seed (murmur3's finaliser): the same on every machine. */
function priorityOf(unit: number, seed: number): number {
  const bits = new Float64Array([unit]);
  const words = new Uint32Array(bits.buffer);
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const w of words) {
    h = Math.imul(h ^ w, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

export class UnitSample {
  private readonly budget: number;
  /** Readings kept per unit at most: a unit longer than this keeps its first readings only. */
  private readonly perUnit: number;
  private readonly seed: number;
  private template?: Column[];
  private name = '';
  private format: Dataset['format'] = 'csv';
  private notes: string[] = [];
  private store: Float64Array[] = [];
  /** The unit of each kept reading (NaN for a file without a unit column). */
  private unitOf = new Float64Array(0);
  private length = 0;
  private live = 0;
  private readonly units = new Map<number, UnitEntry>();
  /** Units at or above this priority are out of the sample for good. */
  private refusedFrom = Infinity;
  private seenRows = 0;
  private readonly seenUnits = new Set<number>();

  /** budget: readings kept at most; perUnit: readings one unit contributes at most (default: the budget). */
  constructor(budget: number, seed: number, perUnit = budget) {
    if (!(budget >= 1)) throw new RangeError('the sample budget must be at least one reading');
    this.budget = Math.floor(budget);
    this.perUnit = Math.max(1, Math.min(Math.floor(perUnit), this.budget));
    this.seed = seed;
  }

  add(piece: Dataset): void {
    if (!this.template) {
      this.template = piece.columns;
      this.name = piece.name;
      this.format = piece.format;
      this.store = piece.columns.map(() => new Float64Array(1024));
      this.unitOf = new Float64Array(1024);
    } else {
      // Metadata that grows with the data (text ids, counts) comes from the newest piece.
      this.template = piece.columns;
    }
    if (piece.notes.length) this.notes = piece.notes;
    const unit = columnByRole(piece, 'unit')?.values;
    const cols = piece.columns.map((c) => c.values);
    for (let i = 0; i < piece.rows; i++) {
      const u = unit ? unit[i] : NaN;
      this.seenRows++;
      let entry = this.units.get(u);
      if (!entry) {
        this.seenUnits.add(u);
        const priority = priorityOf(u, this.seed);
        if (priority >= this.refusedFrom) continue;
        this.units.set(u, (entry = { priority, kept: 0 }));
      }
      if (entry.priority >= this.refusedFrom || entry.kept >= this.perUnit) continue;
      this.push(cols, i, u);
      entry.kept++;
      this.live++;
    }
    this.evictOverBudget();
  }

  /** The sample as a dataset, in the data's own row order, and how much of the data it holds. */
  finish(): { ds: Dataset; figures: SampleFigures } {
    this.compact();
    // Views, not copies: the store is the sample's only copy.
    const columns = (this.template ?? []).map((c, k) => ({ ...c, values: this.store[k].subarray(0, this.length) }));
    for (const c of columns) {
      let missing = 0;
      for (let i = 0; i < c.values.length; i++) if (Number.isNaN(c.values[i])) missing++;
      // Counts of what the kept readings lack; which cells held text is not known any more.
      c.missing = missing - Math.min(missing, c.nonNumeric);
      c.nonNumeric = Math.min(missing, c.nonNumeric);
    }
    const ds: Dataset = { name: this.name, format: this.format, rows: this.length, columns, notes: this.notes };
    const keptUnits = [...this.units.values()].filter((e) => e.kept > 0 && e.priority < this.refusedFrom).length;
    return { ds, figures: { rows: this.length, units: keptUnits, ofRows: this.seenRows, ofUnits: this.seenUnits.size } };
  }

  private push(cols: Float64Array[], i: number, u: number): void {
    if (this.length === this.unitOf.length && this.length - this.live > this.length / 4) this.compact();
    if (this.length === this.unitOf.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.store = this.store.map(grow);
      this.unitOf = grow(this.unitOf);
    }
    for (let k = 0; k < cols.length; k++) this.store[k][this.length] = cols[k][i];
    this.unitOf[this.length++] = u;
  }

  private evictOverBudget(): void {
    while (this.live > this.budget) {
      let worst = -1;
      for (const e of this.units.values()) if (e.priority < this.refusedFrom && e.kept > 0 && e.priority > worst) worst = e.priority;
      this.refusedFrom = worst;
      for (const e of this.units.values()) {
        if (e.priority < worst) continue;
        this.live -= e.kept;
        e.kept = 0;
      }
    }
    // Refused units' readings are dropped once they are half the store, so compaction stays linear.
    if (this.length - this.live > this.live) this.compact();
  }

  private compact(): void {
    let n = 0;
    for (let i = 0; i < this.length; i++) {
      const u = this.unitOf[i];
      if (this.units.get(u)!.priority >= this.refusedFrom) continue;
      if (n !== i) {
        for (const s of this.store) s[n] = s[i];
        this.unitOf[n] = u;
      }
      n++;
    }
    this.length = n;
    // Units no longer in the sample need not be remembered beyond their refusal.
    for (const [u, e] of this.units) if (e.priority >= this.refusedFrom) this.units.delete(u);
  }
}
