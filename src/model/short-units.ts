// Units with fewer readings than the own-unit baseline: each reading is then compared with a
// baseline of the unit's few first ones, itself among them, so such a unit can hardly look
// unusual. Many of them mostly mean the unit column names something finer than a machine (a
// serial per batch, a reading id): training says so.
import { columnByRole, type Dataset } from '../data/dataset.js';

export interface ShortUnits {
  /** Units with fewer readings than the baseline, of all units, and the baseline's length. */
  units: number;
  of: number;
  baseline: number;
  column: string;
}

export function shortUnits(ds: Dataset, baseline: number): ShortUnits | undefined {
  const unit = columnByRole(ds, 'unit');
  if (!unit || baseline <= 1) return undefined;
  const counts = new Map<number, number>();
  const u = unit.values;
  for (let i = 0; i < ds.rows; i++) if (u[i] === u[i]) counts.set(u[i], (counts.get(u[i]) ?? 0) + 1);
  let short = 0;
  for (const n of counts.values()) if (n < baseline) short++;
  return short ? { units: short, of: counts.size, baseline, column: unit.name } : undefined;
}

export function shortUnitsWords(s: ShortUnits): string {
  const most = s.units * 2 > s.of;
  return (
    `${s.units.toLocaleString('en-US')} of ${s.of.toLocaleString('en-US')} units have fewer readings than the own-unit baseline (${s.baseline}): ` +
    `their readings are compared with the unit's own few first ones, so they can hardly look unusual` +
    (most ? `; if ${s.column} does not name machines, choose the column that does as the unit column` : '')
  );
}
