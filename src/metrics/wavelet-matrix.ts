// A wavelet matrix over a sequence of small integers (ranks): how many of a prefix are below
// a value, and the k-th smallest of one prefix's multiset minus another's, each in
// O(log sigma) rank queries on bit vectors. A slider frame asks it for lead-time quantiles
// over every unit without visiting any unit (metrics/lead-index.ts). Plain typed arrays, so
// the index moves between threads by transfer.

export interface WaveletData {
  /** Bits per value (levels), most significant first. */
  levels: number;
  length: number;
  /** Per level, the bit vector in 32-bit words; `words` words per level. */
  bits: Uint32Array;
  /** Per level, the ones before each word. */
  ones: Int32Array;
  /** Per level, how many zeros it has (they go first in the next level's order). */
  zeros: Int32Array;
}

const wordsFor = (n: number) => (n >>> 5) + 1;

/** The matrix of `values` (each in [0, 2^levels)). */
export function buildWavelet(values: Int32Array, levels: number): WaveletData {
  const n = values.length;
  const words = wordsFor(n);
  const bits = new Uint32Array(levels * words);
  const ones = new Int32Array(levels * words);
  const zeros = new Int32Array(levels);
  let cur = values.slice();
  let next = new Int32Array(n);
  for (let l = 0; l < levels; l++) {
    const shift = levels - 1 - l;
    const base = l * words;
    let z = 0;
    for (let i = 0; i < n; i++) if (((cur[i] >>> shift) & 1) === 0) z++;
    zeros[l] = z;
    // Stable partition: zeros keep their order first, then ones.
    let at0 = 0;
    let at1 = z;
    for (let i = 0; i < n; i++) {
      const v = cur[i];
      if ((v >>> shift) & 1) {
        bits[base + (i >>> 5)] |= 1 << (i & 31);
        next[at1++] = v;
      } else next[at0++] = v;
    }
    let count = 0;
    for (let w = 0; w < words; w++) {
      ones[base + w] = count;
      count += popcount(bits[base + w]);
    }
    [cur, next] = [next, cur];
  }
  return { levels, length: n, bits, ones, zeros };
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Ones among the first i bits of level l. */
function rank1(m: WaveletData, l: number, i: number): number {
  const at = l * wordsFor(m.length) + (i >>> 5);
  return m.ones[at] + popcount(m.bits[at] & ((1 << (i & 31)) - 1));
}

/**
 * The k-th smallest value (0-based) of the multiset of p's first `a` values minus q's first
 * `b` values. The caller guarantees the second is contained in the first and k is below the
 * difference's size.
 */
export function kthOfDifference(p: WaveletData, a: number, q: WaveletData, b: number, k: number): number {
  let sp = 0;
  let ep = a;
  let sq = 0;
  let eq = b;
  let value = 0;
  for (let l = 0; l < p.levels; l++) {
    const op = rank1(p, l, sp);
    const oe = rank1(p, l, ep);
    const qp = rank1(q, l, sq);
    const qe = rank1(q, l, eq);
    const z = ep - sp - (oe - op) - (eq - sq - (qe - qp));
    if (k < z) {
      sp -= op;
      ep -= oe;
      sq -= qp;
      eq -= qe;
    } else {
      k -= z;
      value |= 1 << (p.levels - 1 - l);
      sp = p.zeros[l] + op;
      ep = p.zeros[l] + oe;
      sq = q.zeros[l] + qp;
      eq = q.zeros[l] + qe;
    }
  }
  return value;
}
