// Sorting millions of doubles for the slider's index: Float64Array.prototype.sort costs
// about a second per 6M values in V8; an LSD radix sort over the bits (4 passes of 16 bits)
// takes a fraction of that. Same order as the built-in sort: ascending, -0 before +0
// (NaN must be left out by the caller).

/** Sorts `a` in place, ascending (no NaN), and returns it. */
export function sortDoubles(a: Float64Array): Float64Array {
  const n = a.length;
  if (n < 4096) return a.sort();
  const words = new Uint32Array(a.buffer, a.byteOffset, n * 2); // little-endian: [low, high] per value
  // Flip to an unsigned order: negatives all bits, positives the sign bit.
  for (let i = 0; i < n; i++) {
    const hi = words[2 * i + 1];
    if (hi >>> 31) {
      words[2 * i] = ~words[2 * i] >>> 0;
      words[2 * i + 1] = ~hi >>> 0;
    } else words[2 * i + 1] = (hi | 0x80000000) >>> 0;
  }
  let src: Uint32Array<ArrayBufferLike> = words;
  let dst: Uint32Array<ArrayBufferLike> = new Uint32Array(n * 2);
  const count = new Int32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass >> 1;
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(src[2 * i + word] >>> shift) & 0xffff]++;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const at = count[(src[2 * i + word] >>> shift) & 0xffff]++;
      dst[2 * at] = src[2 * i];
      dst[2 * at + 1] = src[2 * i + 1];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  // four passes: the sorted words are back in `words` (a's buffer)
  for (let i = 0; i < n; i++) {
    const hi = words[2 * i + 1];
    if (hi >>> 31) words[2 * i + 1] = (hi & 0x7fffffff) >>> 0;
    else {
      words[2 * i] = ~words[2 * i] >>> 0;
      words[2 * i + 1] = ~hi >>> 0;
    }
  }
  return a;
}

/**
 * The positions of `keys` (no NaN) in ascending order, ties in position order: the same
 * radix passes carrying each key's position (the index of millions of warning records).
 */
export function sortOrder(keys: Float64Array): Int32Array {
  const n = keys.length;
  if (n < 4096) {
    // -0 before +0, as the radix passes (and Float64Array.prototype.sort) order them
    const rank = (v: number) => (Object.is(v, -0) ? -1 : 0);
    return Int32Array.from({ length: n }, (_, i) => i).sort((i, j) => {
      const x = keys[i];
      const y = keys[j];
      return x < y ? -1 : x > y ? 1 : rank(x) - rank(y) || i - j;
    });
  }
  let src = new Uint32Array(n * 2);
  let dst = new Uint32Array(n * 2);
  let order = Int32Array.from({ length: n }, (_, i) => i);
  let next = new Int32Array(n);
  src.set(new Uint32Array(keys.buffer, keys.byteOffset, n * 2));
  for (let i = 0; i < n; i++) {
    const hi = src[2 * i + 1];
    if (hi >>> 31) {
      src[2 * i] = ~src[2 * i] >>> 0;
      src[2 * i + 1] = ~hi >>> 0;
    } else src[2 * i + 1] = (hi | 0x80000000) >>> 0;
  }
  const count = new Int32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass >> 1;
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(src[2 * i + word] >>> shift) & 0xffff]++;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const at = count[(src[2 * i + word] >>> shift) & 0xffff]++;
      dst[2 * at] = src[2 * i];
      dst[2 * at + 1] = src[2 * i + 1];
      next[at] = order[i];
    }
    [src, dst] = [dst, src];
    [order, next] = [next, order];
  }
  return order;
}
