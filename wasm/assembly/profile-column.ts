// A column's profile: the loop of ColumnStats.add (src/data/profile.ts) over one window
// of values, for the ingest workers' gigabyte reads. Every operation is the JS loop's, in
// its order (no fused multiply-add in Wasm), so the figures are bit for bit the same.
// The running figures live in `io`, f64 slots laid out as src/data/profile-kernel.ts says.

const N = 0;
const SHIFT = 1;
const SUM = 2;
const SQ = 3;
const MIN = 4;
const MAX = 5;
const RUN = 6;
const LONGEST = 7;
const RUN_UNIT = 8;
const LONGEST_UNIT = 9;
const PREV = 10;
const RISING = 11;
const STEPS = 12;
const WHOLE = 13;
const LAST_UNIT = 14;
const SIZE = 15;
const LAST = 16;

@inline
function slot(io: usize, k: i32): f64 {
  return load<f64>(io + (<usize>k << 3));
}

@inline
function put(io: usize, k: i32, v: f64): void {
  store<f64>(io + (<usize>k << 3), v);
}

/**
 * values[0, len) (and units, 0 when the data has no unit column) into the figures in io,
 * distinct values counted in the open-addressed table keys/counts (mask + 1 slots) until
 * `cap` are held, as src/data/distinct.ts counts them. `first`: values[0] is the first
 * value of the piece (a repeat of the value before it is then hashed, not just counted).
 */
export function profileColumn(values: usize, units: usize, len: i32, first: bool, io: usize, keys: usize, counts: usize, mask: i32, cap: i32): void {
  let n = slot(io, N);
  let shift = slot(io, SHIFT);
  let sum = slot(io, SUM);
  let sq = slot(io, SQ);
  let min = slot(io, MIN);
  let max = slot(io, MAX);
  let run = slot(io, RUN);
  let longest = slot(io, LONGEST);
  let runUnit = slot(io, RUN_UNIT);
  let longestUnit = slot(io, LONGEST_UNIT);
  let prev = slot(io, PREV);
  let rising = slot(io, RISING) != 0;
  let steps = slot(io, STEPS);
  let whole = slot(io, WHOLE) != 0;
  let lastUnit = slot(io, LAST_UNIT);
  let size = <i32>slot(io, SIZE);
  let last = <i32>slot(io, LAST);
  const hasUnits = units != 0;
  for (let i: i32 = 0; i < len; i++) {
    const u = hasUnits ? load<f64>(units + (<usize>i << 3)) : 0.0;
    const sameUnit = u == lastUnit;
    lastUnit = u;
    const x = load<f64>(values + (<usize>i << 3));
    if (x != x) {
      prev = NaN;
      run = 0;
      rising = false;
      continue;
    }
    if (n == 0) shift = x;
    n += 1;
    const d = x - shift;
    sum += d;
    sq += d * d;
    if (x < min) min = x;
    if (x > max) max = x;
    if (sameUnit && prev == prev) {
      steps += 1;
      if (x <= prev) rising = false;
    }
    if (x == prev && sameUnit) {
      run += 1;
      if (run > longest) {
        longest = run;
        longestUnit = runUnit;
      }
    } else {
      run = 1;
      runUnit = hasUnits ? u : NaN;
      if (longest < 1) {
        longest = 1;
        longestUnit = runUnit;
      }
    }
    if (x == prev && (i > 0 || !first)) {
      if (size < cap) {
        const at = counts + (<usize>last << 2);
        store<i32>(at, load<i32>(at) + 1);
      }
    } else {
      if (size < cap) {
        // The hash of distinct.ts: the value's two 32-bit words, -0 as 0.
        const bits = reinterpret<u64>(x == 0 ? 0.0 : x);
        let h: u32 = (<u32>bits ^ (<u32>(bits >> 32) * 0x9e3779b1)) * 0x85ebca6b;
        h ^= h >>> 15;
        let at = <i32>h & mask;
        for (;;) {
          const c = load<i32>(counts + (<usize>at << 2));
          if (c == 0) {
            store<f64>(keys + (<usize>at << 3), x);
            store<i32>(counts + (<usize>at << 2), 1);
            size++;
            last = at;
            break;
          }
          if (load<f64>(keys + (<usize>at << 3)) == x) {
            store<i32>(counts + (<usize>at << 2), c + 1);
            last = at;
            break;
          }
          at = (at + 1) & mask;
        }
      }
      if (whole && x != Math.floor(x)) whole = false;
    }
    prev = x;
  }
  put(io, N, n);
  put(io, SHIFT, shift);
  put(io, SUM, sum);
  put(io, SQ, sq);
  put(io, MIN, min);
  put(io, MAX, max);
  put(io, RUN, run);
  put(io, LONGEST, longest);
  put(io, RUN_UNIT, runUnit);
  put(io, LONGEST_UNIT, longestUnit);
  put(io, PREV, prev);
  put(io, RISING, rising ? 1 : 0);
  put(io, STEPS, steps);
  put(io, WHOLE, whole ? 1 : 0);
  put(io, LAST_UNIT, lastUnit);
  put(io, SIZE, <f64>size);
  put(io, LAST, <f64>last);
}
