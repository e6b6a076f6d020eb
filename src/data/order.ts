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

/** True when every unit's readings already come in time order: row order then gives the stream's per-unit sequences. */
export function timeOrderedPerUnit(ds: Dataset): boolean {
  const time = columnByRole(ds, 'time')?.values;
  if (!time) return true;
  const unit = columnByRole(ds, 'unit')?.values;
  const last = new Map<number, number>();
  let lastUnit = NaN;
  let lastTime = -Infinity;
  for (let i = 0; i < ds.rows; i++) {
    const u = unit ? unit[i] : 0;
    if (!(u === lastUnit)) {
      last.set(lastUnit, lastTime);
      lastUnit = u;
      lastTime = last.get(u) ?? -Infinity;
    }
    if (time[i] < lastTime) return false;
    lastTime = time[i];
  }
  return true;
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
