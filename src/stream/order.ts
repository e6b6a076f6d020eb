// The order readings arrive in when a dataset is played as a stream.
import { columnByRole, type Dataset } from '../data/dataset.js';

/** Row order for a stream: by time, then by unit (so units interleave cycle by cycle). */
export function streamOrder(ds: Dataset): Int32Array {
  const time = columnByRole(ds, 'time')?.values;
  const unit = columnByRole(ds, 'unit')?.values;
  const order = Int32Array.from({ length: ds.rows }, (_, i) => i);
  if (!time) return order;
  return order.sort((a, b) => time[a] - time[b] || (unit ? unit[a] - unit[b] : 0) || a - b);
}
