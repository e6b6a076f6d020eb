// Sorting millions of doubles for the slider's index: Float64Array.prototype.sort costs
// about a second per 6M values in V8; an LSD radix sort over the bits (4 passes of 16 bits)
// takes a fraction of that. Same order as the built-in sort: ascending, -0 before +0
// (NaN must be left out by the caller).

/** Sorts `a` in place, ascending (no NaN), and returns it. */
export function sortDoubles(a: Float64Array): Float64Array {
  const n = a.length;
  if (n < 4096) return a.sort();
  const words = new Uint32Array(a.buffer, a.byteOffset, n * 2); // little-endian: [low, high] per value
  toUnsigned(words);
  radixPasses(words);
  fromUnsigned(words);
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
  const words = new Uint32Array(n * 2);
  words.set(new Uint32Array(keys.buffer, keys.byteOffset, n * 2));
  toUnsigned(words);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  radixPasses(words, order);
  return order;
}

/** Flips each double's bits (two words, low first) to an unsigned order: negatives all bits, positives the sign bit. */
function toUnsigned(words: Uint32Array): void {
  for (let i = 0; i < words.length; i += 2) {
    const hi = words[i + 1];
    if (hi >>> 31) {
      words[i] = ~words[i] >>> 0;
      words[i + 1] = ~hi >>> 0;
    } else words[i + 1] = (hi | 0x80000000) >>> 0;
  }
}

function fromUnsigned(words: Uint32Array): void {
  for (let i = 0; i < words.length; i += 2) {
    const hi = words[i + 1];
    if (hi >>> 31) words[i + 1] = (hi & 0x7fffffff) >>> 0;
    else {
      words[i] = ~words[i] >>> 0;
      words[i + 1] = ~hi >>> 0;
    }
  }
}

/**
 * Four stable passes of 16 bits over the flipped keys in `words`, `order` moving with them;
 * an even number of passes leaves the sorted keys (and order) in the arrays given.
 */
function radixPasses(words: Uint32Array, order?: Int32Array): void {
  const n = words.length / 2;
  let src: Uint32Array<ArrayBufferLike> = words;
  let dst: Uint32Array<ArrayBufferLike> = new Uint32Array(n * 2);
  let from: Int32Array<ArrayBufferLike> | undefined = order;
  let to: Int32Array<ArrayBufferLike> | undefined = order && new Int32Array(n);
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
      if (from) to![at] = from[i];
    }
    [src, dst] = [dst, src];
    [from, to] = [to, from];
  }
}
