// Marks every ArrayBuffer inside a result for transfer, so a worker's answer moves
// to the page instead of being structured-cloned a second time.
import * as Comlink from 'comlink';

function collect(value: unknown, out: Set<ArrayBuffer>, depth = 0): void {
  if (depth > 4 || value === null || typeof value !== 'object') return;
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) out.add(value.buffer);
    return;
  }
  for (const v of Object.values(value)) collect(v, out, depth + 1);
}

export function transferring<T>(value: T): T {
  const buffers = new Set<ArrayBuffer>();
  collect(value, buffers);
  return Comlink.transfer(value, [...buffers]);
}
