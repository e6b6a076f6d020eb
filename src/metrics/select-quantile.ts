// numpy's linear quantile without sorting: a slider frame needs two quantiles of up to one
// lead time per unit, and a full sort of 29,100 of them cost more than the rest of the summary.
import { quantile } from './evaluate.js';

/**
 * quantile(sorted copy of `values`, q), reordering `values` in place (it must be scratch).
 * Values with NaN fall back to the sort, which puts NaN last.
 */
export function quantileInPlace(values: Float64Array, q: number): number | null {
  const n = values.length;
  if (!n) return null;
  for (let i = 0; i < n; i++) if (values[i] !== values[i]) return quantile(values.sort(), q);
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const low = select(values, lo);
  if (lo + 1 >= n) return low;
  // After selection everything past lo is at least values[lo]: the next order statistic is their minimum.
  let high = Infinity;
  for (let i = lo + 1; i < n; i++) if (values[i] < high) high = values[i];
  return low + (high - low) * (pos - lo);
}

/** The k-th smallest value (0-based): values[k] ends there, smaller ones before it, larger ones after. */
function select(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    // Median of three as the pivot keeps sorted and reversed input linear.
    const mid = (left + right) >>> 1;
    if (a[mid] < a[left]) swap(a, mid, left);
    if (a[right] < a[left]) swap(a, right, left);
    if (a[right] < a[mid]) swap(a, right, mid);
    const pivot = a[mid];
    // Hoare partition: runs of equal values split evenly, so many ties stay linear.
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) swap(a, i++, j--);
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return a[k];
  }
  return a[k];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
