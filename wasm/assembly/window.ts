// Causal per-unit features in one pass. For every raw input of a reading:
//   dev = x - (mean of the unit's first B readings so far)      when B > 0, else x
// then over the last k values of dev (k = 1 keeps dev itself):
//   mean, population std, least-squares slope per reading.
// State is per unit slot (dense ids chosen by JS) and survives between calls, so a
// stream fed batch by batch gets exactly the values a batch pass computes.
//
// State layout per (slot, input), f64 words: [baseSum, baseCount, count, sum, sumSq, sumXY, head, ring[k]]

export const HEADER: i32 = 7;

@unmanaged
export class WindowSpec {
  inputs: i32 = 0;     // raw values per reading
  baseline: i32 = 0;   // B: readings in the unit's own baseline (0 = off)
  size: i32 = 1;       // k: window length
  stats: i32 = 1;      // bit 0 mean, bit 1 std, bit 2 slope, bit 3 the value itself (dev)
  slots: i32 = 0;      // units the state has room for
  state: usize = 0;    // f64[slots * inputs * (HEADER + size)]
}

export function outputsPerInput(stats: i32): i32 {
  return (stats & 1) + ((stats >> 1) & 1) + ((stats >> 2) & 1) + ((stats >> 3) & 1);
}

/** Largest state block: sizes are checked in u64 first, as a wrapped 32-bit product would allocate too little. */
const MAX_STATE_BYTES: u64 = 1 << 29;

/** Returns 0 when the state for `slots` units would exceed MAX_STATE_BYTES. */
export function createWindow(inputs: i32, baseline: i32, size: i32, stats: i32, slots: i32): usize {
  if (inputs < 1 || size < 1 || slots < 0) return 0;
  const w = changetype<WindowSpec>(heap.alloc(offsetof<WindowSpec>()));
  w.inputs = inputs;
  w.baseline = baseline;
  w.size = size;
  w.stats = stats;
  w.slots = 0;
  w.state = 0;
  if (growWindow(changetype<usize>(w), slots) != 0) {
    heap.free(changetype<usize>(w));
    return 0;
  }
  return changetype<usize>(w);
}

/** Makes room for `slots` units, keeping the state of the ones already seen; -1 (state kept) when too large. */
export function growWindow(handle: usize, slots: i32): i32 {
  const w = changetype<WindowSpec>(handle);
  if (slots <= w.slots) return 0;
  if (<u64>slots * <u64>w.inputs * <u64>(HEADER + w.size) * 8 > MAX_STATE_BYTES) return -1;
  const per = <usize>w.inputs * <usize>(HEADER + w.size) * 8;
  const next = heap.alloc(<usize>slots * per);
  memory.fill(next, 0, <usize>slots * per);
  if (w.state != 0) {
    memory.copy(next, w.state, <usize>w.slots * per);
    heap.free(w.state);
  }
  w.state = next;
  w.slots = slots;
  return 0;
}

export function resetWindow(handle: usize): void {
  const w = changetype<WindowSpec>(handle);
  memory.fill(w.state, 0, <usize>w.slots * <usize>w.inputs * <usize>(HEADER + w.size) * 8);
}

/** Bytes of one unit slot's state (all inputs): what a snapshot of that unit copies. */
export function windowSlotBytes(handle: usize): usize {
  const w = changetype<WindowSpec>(handle);
  return <usize>w.inputs * <usize>(HEADER + w.size) * 8;
}

/** Where one unit slot's state starts, for the host to copy it out (snapshot) or in (restore); 0 when out of range. */
export function windowSlotPointer(handle: usize, slot: i32): usize {
  const w = changetype<WindowSpec>(handle);
  if (slot < 0 || slot >= w.slots) return 0;
  return w.state + <usize>slot * windowSlotBytes(handle);
}

/** Forgets one unit slot (an evicted or restarted unit): the slot starts like a unit never seen. */
export function clearWindowSlot(handle: usize, slot: i32): void {
  const at = windowSlotPointer(handle, slot);
  if (at != 0) memory.fill(at, 0, windowSlotBytes(handle));
}

export function freeWindow(handle: usize): void {
  const w = changetype<WindowSpec>(handle);
  if (w.state != 0) heap.free(w.state);
  heap.free(handle);
}

/**
 * A value this many times larger than every other in the window leaves sums that are its
 * rounding: 1e10 in a window of temperatures near 80 leaves sumSq off by thousands once it is
 * gone, and x*x of 1e200 is Infinity, so Infinity - Infinity made every later std NaN.
 * 2^15: its square then dwarfs the rest by 2^30, a third of a double's 52 bits.
 */
const OUTLIER_RATIO: f64 = 32768;

/**
 * A finite value past ±1e150 is no measurement (a stuck register, a garbage cast), and its square
 * would overflow the window's sums. Its features are the value itself (its std its size), far past
 * any trained range, which the range rule scores 1 (an extended forest's trees score it as they
 * will); the unit's state never takes it.
 * Taken into a unit's baseline it left every later reading of the unit unscored (1e308) or
 * anomalous (1e200) for good.
 */
const MAX_READING: f64 = 1e150;

/** Whether a finite x is too large for the window's sums (see MAX_READING). */
@inline export function isAbsurd(x: f64): bool {
  return Math.abs(x) > MAX_READING;
}

/**
 * True when the value that just left the window (`old`) was an outlier so large that the
 * sliding sums kept mostly its rounding error, or when the sums overflowed: they are then
 * summed afresh from the ring, as a window that never saw it would hold them. The cheap
 * test runs on every reading; the scan of the ring only when `old` dwarfs the new value.
 * ring holds the current window with its oldest value at head.
 */
@inline export function needsResum(ring: usize, k: i32, old: f64, v: f64, sum: f64, sumSq: f64): bool {
  if (!isFinite(sum) || !isFinite(sumSq)) return true;
  const big = Math.abs(old);
  if (!(big > OUTLIER_RATIO * Math.abs(v))) return false;
  for (let j = 0; j < k; j++) if (!(Math.abs(load<f64>(ring + (<usize>j << 3))) * OUTLIER_RATIO < big)) return false;
  return true;
}

/** Σv over the ring. */
export function ringSum(ring: usize, k: i32): f64 {
  let t = 0.0;
  for (let j = 0; j < k; j++) t += load<f64>(ring + (<usize>j << 3));
  return t;
}

/** Σv² over the ring. */
export function ringSumSq(ring: usize, k: i32): f64 {
  let t = 0.0;
  for (let j = 0; j < k; j++) {
    const v = load<f64>(ring + (<usize>j << 3));
    t += v * v;
  }
  return t;
}

/** Σ j·v_j with j = 0 for the oldest value (at head), k-1 for the newest. */
export function ringSumXY(ring: usize, head: i32, k: i32): f64 {
  let t = 0.0;
  for (let j = 0; j < k; j++) t += <f64>j * load<f64>(ring + (<usize>((head + j) % k) << 3));
  return t;
}

/** Updates one (slot, input) state with x and writes its outputs at o, o+step, ...; returns nothing. */
@inline export function update(w: WindowSpec, s: usize, x: f64, o: usize, step: usize): void {
  const k = w.size;
  if (!isFinite(x)) {
    const outs = outputsPerInput(w.stats);
    for (let j = 0; j < outs; j++) store<f64>(o + <usize>j * step, NaN);
    return;
  }
  if (isAbsurd(x)) {
    // In output order (value, mean, std, slope), as below.
    const outs = outputsPerInput(w.stats);
    const sd = w.stats & 2 ? (w.stats & 8 ? 1 : 0) + (w.stats & 1) : -1;
    for (let j = 0; j < outs; j++) store<f64>(o + <usize>j * step, j == sd ? Math.abs(x) : x);
    return;
  }
  let v = x;
  if (w.baseline > 0) {
    let baseSum = load<f64>(s);
    let baseCount = load<f64>(s, 8);
    if (baseCount < <f64>w.baseline) {
      baseSum += x;
      baseCount += 1;
      store<f64>(s, baseSum);
      store<f64>(s, baseCount, 8);
    }
    v = x - baseSum / baseCount;
  }
  // Sliding sums over the last k values of v.
  let count = load<f64>(s, 16);
  let sum = load<f64>(s, 24);
  let sumSq = load<f64>(s, 32);
  let sumXY = load<f64>(s, 40);
  let head = <i32>load<f64>(s, 48);
  const ring = s + (<usize>HEADER << 3);
  if (count < <f64>k) {
    sumXY += count * v; // x positions 0..count-1 are taken; v sits at x = count
    count += 1;
    sum += v;
    sumSq += v * v;
    store<f64>(ring + (<usize>head << 3), v);
    head = head + 1 == k ? 0 : head + 1;
  } else {
    const old = load<f64>(ring + (<usize>head << 3));
    // Drop the oldest (x = 0), shift every x down by one, add v at x = k-1.
    sumXY = sumXY - (sum - old) + <f64>(k - 1) * v;
    sum += v - old;
    sumSq += v * v - old * old;
    store<f64>(ring + (<usize>head << 3), v);
    head = head + 1 == k ? 0 : head + 1;
    // sumSq counts only when std is asked for, as in scoreWindowed, so both paths resum at the same readings.
    if (needsResum(ring, k, old, v, sum, w.stats & 2 ? sumSq : 0.0)) {
      sum = ringSum(ring, k);
      sumSq = ringSumSq(ring, k);
      sumXY = ringSumXY(ring, head, k);
    }
  }
  store<f64>(s, count, 16);
  store<f64>(s, sum, 24);
  store<f64>(s, sumSq, 32);
  store<f64>(s, sumXY, 40);
  store<f64>(s, <f64>head, 48);
  const m = count;
  // A full window multiplies by 1/k (as scoreWindowed does), so both paths agree to the bit.
  const mean = m == <f64>k ? sum * (1.0 / <f64>k) : sum / m;
  let at = o;
  if (w.stats & 8) {
    store<f64>(at, v);
    at += step;
  }
  if (w.stats & 1) {
    store<f64>(at, mean);
    at += step;
  }
  if (w.stats & 2) {
    // A spread over fewer readings than the window is no spread the model knows: NaN until full.
    const varp = sumSq / m - mean * mean;
    store<f64>(at, m < <f64>k ? NaN : varp > 0 ? Math.sqrt(varp) : 0);
    at += step;
  }
  if (w.stats & 4) {
    const sx = m * (m - 1) / 2;
    const sxx = (m - 1) * m * (2 * m - 1) / 6;
    const den = m * sxx - sx * sx;
    store<f64>(at, den > 0 ? (m * sumXY - sx * sum) / den : 0);
  }
}

/**
 * Row-major, for streamed batches. in: n × inputs raw values; slots: i32[n] unit slot
 * per reading (< w.slots); out: n × (inputs × outputsPerInput), grouped by input then
 * statistic (value, mean, std, slope). A non-finite input leaves the state untouched
 * and writes NaN for that input's outputs.
 */
export function transformWindow(handle: usize, input: usize, slots: usize, n: i32, out: usize): void {
  const w = changetype<WindowSpec>(handle);
  const d = w.inputs;
  const per = HEADER + w.size;
  const outs = outputsPerInput(w.stats);
  for (let r = 0; r < n; r++) {
    const slot = load<i32>(slots + (<usize>r << 2));
    const rowIn = input + ((<usize>r * <usize>d) << 3);
    const rowOut = out + ((<usize>r * <usize>(d * outs)) << 3);
    for (let f = 0; f < d; f++) {
      const s = w.state + ((<usize>(slot * d + f) * <usize>per) << 3);
      update(w, s, load<f64>(rowIn + (<usize>f << 3)), rowOut + (<usize>(f * outs) << 3), 8);
    }
  }
}

/**
 * Columnar, for whole datasets: inCols: inputs pointers to f64[n]; outCols:
 * (inputs × outputsPerInput) pointers to f64[n]. Input by input, so each column streams
 * through once.
 */
export function transformColumns(handle: usize, inCols: usize, slots: usize, n: i32, outCols: usize): void {
  const w = changetype<WindowSpec>(handle);
  const d = w.inputs;
  const per = HEADER + w.size;
  const outs = outputsPerInput(w.stats);
  for (let f = 0; f < d; f++) {
    const col = load<usize>(inCols + <usize>f * sizeof<usize>());
    const first = load<usize>(outCols + <usize>(f * outs) * sizeof<usize>());
    // Output columns of one input are allocated contiguously by JS: stride between them.
    const step = outs > 1 ? load<usize>(outCols + <usize>(f * outs + 1) * sizeof<usize>()) - first : 0;
    for (let r = 0; r < n; r++) {
      const slot = load<i32>(slots + (<usize>r << 2));
      const s = w.state + ((<usize>(slot * d + f) * <usize>per) << 3);
      update(w, s, load<f64>(col + (<usize>r << 3)), first + (<usize>r << 3), step);
    }
  }
}
