// One walk over each unit's times in file order, for the notes that say where the file's order
// and its times disagree (time-backsteps.ts) or repeat (time-repeats.ts). Rows without a time
// or without a unit id (unitless-rows.ts names those) are no unit's readings and are skipped.
import { columnByRole, type Column, type Dataset } from './dataset.js';

export interface UnitTimeSteps {
  time: Column;
  /** The unit column, absent for one series. */
  unit?: Column;
  /** Readings with a time (and a unit id, when the file has units). */
  timed: number;
  /** Units seen (1 for one series). */
  units: number;
  /** Readings earlier than their unit's reading before them; the first such row (-1: none). */
  backs: number;
  firstBack: number;
  /** Of those, steps back to where the unit's readings began (within a twentieth of its span so far), as another machine's start would be. */
  restarts: number;
  /** Readings at the same time as their unit's reading before them; the first such row (-1: none). */
  repeats: number;
  firstRepeat: number;
}

/** The walk, or undefined for a file without a time column. */
export function unitTimeSteps(ds: Dataset): UnitTimeSteps | undefined {
  const time = columnByRole(ds, 'time');
  if (!time) return undefined;
  const unit = columnByRole(ds, 'unit');
  const ids = unit?.values;
  const t = time.values;
  const last = new Map<number, number>();
  const firstOf = new Map<number, number>();
  const s = { time, unit, timed: 0, units: 0, backs: 0, firstBack: -1, restarts: 0, repeats: 0, firstRepeat: -1 };
  let lastUnit = NaN;
  let lastTime = NaN;
  for (let i = 0; i < ds.rows; i++) {
    const x = t[i];
    const u = ids ? ids[i] : 0;
    if (x !== x || u !== u) continue;
    s.timed++;
    if (u !== lastUnit) {
      if (lastUnit === lastUnit) last.set(lastUnit, lastTime);
      lastUnit = u;
      lastTime = last.get(u) ?? NaN;
      if (!firstOf.has(u)) firstOf.set(u, x);
    }
    if (x < lastTime) {
      if (s.backs++ === 0) s.firstBack = i;
      const start = firstOf.get(u)!;
      if (Math.abs(x - start) <= (lastTime - start) / 20) s.restarts++;
    } else if (x === lastTime && s.repeats++ === 0) s.firstRepeat = i;
    lastTime = x;
  }
  s.units = firstOf.size;
  return s;
}

/** A unit's name as the file writes it. */
export function unitName(s: UnitTimeSteps, row: number): string {
  const code = s.unit!.values[row];
  return s.unit!.labels ? s.unit!.labels[code - 1] : String(code);
}

/** What to do when one id seems to name several machines: the same words from both notes. */
export const SHARED_ID_WORDS =
  'so one id may name several machines (the same machine number at several sites?). ' +
  'A unit column must tell the machines apart by itself: if it takes two columns (site and machine), join them into one column in the file';
