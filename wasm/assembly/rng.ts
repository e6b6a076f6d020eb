// xoshiro128** seeded through splitmix32: 32-bit state words so the stream is
// identical in every Wasm runtime, with no dependence on host randomness.

let s0: u32 = 0;
let s1: u32 = 0;
let s2: u32 = 0;
let s3: u32 = 0;

function splitmix(x: u32): u32 {
  x += 0x9e3779b9;
  x = (x ^ (x >>> 16)) * 0x85ebca6b;
  x = (x ^ (x >>> 13)) * 0xc2b2ae35;
  return x ^ (x >>> 16);
}

export function seedRng(seed: u32): void {
  s0 = splitmix(seed);
  s1 = splitmix(s0 ^ 0x6a09e667);
  s2 = splitmix(s1 ^ 0xbb67ae85);
  s3 = splitmix(s2 ^ 0x3c6ef372);
  if ((s0 | s1 | s2 | s3) == 0) s0 = 1;
}

export function nextU32(): u32 {
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return result;
}

/** Uniform integer in [0, bound) without modulo bias (Lemire's method). */
export function nextBelow(bound: u32): u32 {
  let m = <u64>nextU32() * <u64>bound;
  let low = <u32>m;
  if (low < bound) {
    const threshold: u32 = (<u32>0 - bound) % bound;
    while (low < threshold) {
      m = <u64>nextU32() * <u64>bound;
      low = <u32>m;
    }
  }
  return <u32>(m >>> 32);
}

/** Uniform double in [0, 1) with 53 random bits. */
export function nextUnit(): f64 {
  const hi = <u64>(nextU32() >>> 5);
  const lo = <u64>(nextU32() >>> 6);
  return <f64>((hi << 26) | lo) * 1.1102230246251565e-16; // 2^-53
}
