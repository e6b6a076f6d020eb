// The order readings arrive in when a dataset is played as a stream.
import { columnByRole, type Dataset } from './dataset.js';

/** Row order for a stream: by time, then by unit (so units interleave cycle by cycle). */
export function streamOrder(ds: Dataset): Int32Array {
  const time = columnByRole(ds, 'time')?.values;
  const unit = columnByRole(ds, 'unit')?.values;
  const order = Int32Array.from({ length: ds.rows }, (_, i) => i);
  if (!time) return order;
  return order.sort((a, b) => time[a] - time[b] || (unit ? unit[a] - unit[b] : 0) || a - b);
}

/**
 * Checks that every unit's readings come in time order, across the pieces of a file read
 * in turn: each unit's last time carries from one piece to the next.
 */
export class TimeOrderCheck {
  private readonly last = new Map<number, number>();
  private lastUnit = NaN;
  private lastTime = -Infinity;

  /** The first row of this piece whose time goes back within its unit, or -1. */
  firstBackstep(time: Float64Array, unit: Float64Array | undefined, rows: number): number {
    for (let i = 0; i < rows; i++) {
      const u = unit ? unit[i] : 0;
      if (!(u === this.lastUnit)) {
        this.last.set(this.lastUnit, this.lastTime);
        this.lastUnit = u;
        this.lastTime = this.last.get(u) ?? -Infinity;
      }
      if (time[i] < this.lastTime) return i;
      this.lastTime = time[i];
    }
    return -1;
  }
}

/** True when every unit's readings already come in time order: row order then gives the stream's per-unit sequences. */
export function timeOrderedPerUnit(ds: Dataset): boolean {
  const time = columnByRole(ds, 'time')?.values;
  if (!time) return true;
  return new TimeOrderCheck().firstBackstep(time, columnByRole(ds, 'unit')?.values, ds.rows) < 0;
}

const arrival = new WeakMap<Dataset, Int32Array | null>();

/**
 * The order to walk rows in when only each unit's own time order matters (alarm rules,
 * per-unit outcomes): none (null) when the rows already are in it, as files usually are,
 * else the stream order. Remembered per dataset, since a slider frame asks again.
 */
export function unitTimeOrder(ds: Dataset): Int32Array | null {
  let order = arrival.get(ds);
  if (order === undefined) arrival.set(ds, (order = timeOrderedPerUnit(ds) ? null : streamOrder(ds)));
  return order;
}
