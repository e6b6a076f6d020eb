// Marks every ArrayBuffer inside a result for transfer, so a worker's answer moves
// to the page instead of being structured-cloned a second time.
import * as Comlink from 'comlink';

/**
 * Deep enough for a score plan (plan → pieces → piece → columns → column → values): a
 * buffer left out is structured-cloned, a second copy of a part of the data on each side.
 */
const MAX_DEPTH = 8;

function collect(value: unknown, out: Set<ArrayBuffer>, depth = 0): void {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return;
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) out.add(value.buffer);
    return;
  }
  for (const v of Object.values(value)) collect(v, out, depth + 1);
}

/** Every ArrayBuffer inside the value, for a postMessage of its own. */
export function transferList(value: unknown): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  collect(value, buffers);
  return [...buffers];
}

export function transferring<T>(value: T): T {
  return Comlink.transfer(value, transferList(value));
}
