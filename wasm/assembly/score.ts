// Batch scoring. Rows are scaled block by block into an f32 scratch, then every
// tree walks the block with 8 rows in lock-step: eight independent load chains
// hide memory latency, and the tree stays in L1 for the whole block.
import { Forest, outsideRange } from "./forest";
import { scaleBlock } from "./scale";
import { isolationScore } from "./pathlength";
import { WindowSpec, HEADER, isAbsurd, outputsPerInput, needsResum, ringSum, ringSumSq, ringSumXY } from "./window";

const BLOCK: i32 = 256;

@inline function step(nodes: usize, row: usize, i: u32): u32 {
  const np = nodes + (<usize>i << 3);
  const x = load<f32>(row + <usize>load<u32>(np, 4));
  return 2 * i + 1 + <u32>(x > load<f32>(np));
}

/** Hyperplane forests: at each level, normal · x (f64, in feature order) against the node's threshold. */
function walkBlockExtended(forest: Forest, rows: usize, count: i32, acc: usize): void {
  const d = forest.nFeatures;
  const depth = forest.depth;
  const internal = (<u32>1 << <u32>depth) - 1;
  memory.fill(acc, 0, <usize>count << 3);
  for (let t = 0; t < forest.nTrees; t++) {
    const normals = forest.normals + <usize>t * <usize>internal * <usize>d * 8;
    const thresholds = forest.thresholds + ((<usize>t * <usize>internal) << 3);
    const leaves = forest.leaves + ((<usize>t * (<usize>internal + 1)) << 3) - (<usize>internal << 3);
    for (let r = 0; r < count; r++) {
      const x = rows + <usize>(r * d) * 4;
      let i: u32 = 0;
      for (let l = 0; l < depth; l++) {
        const normal = normals + <usize>i * <usize>d * 8;
        let s: f64 = 0;
        for (let f = 0; f < d; f++) s += load<f64>(normal + (<usize>f << 3)) * <f64>load<f32>(x + (<usize>f << 2));
        i = 2 * i + 1 + <u32>(s > load<f64>(thresholds + (<usize>i << 3)));
      }
      const a = acc + (<usize>r << 3);
      store<f64>(a, load<f64>(a) + load<f64>(leaves + (<usize>i << 3)));
    }
  }
}

function walkBlock(forest: Forest, rows: usize, count: i32, acc: usize): void {
  if (forest.kind == 1) {
    walkBlockExtended(forest, rows, count, acc);
    return;
  }
  const d = <usize>forest.nFeatures << 2;
  const depth = forest.depth;
  const internal = (<u32>1 << <u32>depth) - 1;
  const treeNodes = <usize>internal << 3;
  const treeLeaves = (<usize>internal + 1) << 3;
  memory.fill(acc, 0, <usize>count << 3);
  let nodes = forest.nodes;
  let leaves = forest.leaves - (<usize>internal << 3); // so leaves[i] is the leaf at bottom position i
  for (let t = 0; t < forest.nTrees; t++) {
    let r = 0;
    for (; r + 8 <= count; r += 8) {
      const p = rows + <usize>r * d;
      let i0: u32 = 0, i1: u32 = 0, i2: u32 = 0, i3: u32 = 0;
      let i4: u32 = 0, i5: u32 = 0, i6: u32 = 0, i7: u32 = 0;
      for (let l = 0; l < depth; l++) {
        i0 = step(nodes, p, i0);
        i1 = step(nodes, p + d, i1);
        i2 = step(nodes, p + 2 * d, i2);
        i3 = step(nodes, p + 3 * d, i3);
        i4 = step(nodes, p + 4 * d, i4);
        i5 = step(nodes, p + 5 * d, i5);
        i6 = step(nodes, p + 6 * d, i6);
        i7 = step(nodes, p + 7 * d, i7);
      }
      const a = acc + (<usize>r << 3);
      store<f64>(a, load<f64>(a) + load<f64>(leaves + (<usize>i0 << 3)));
      store<f64>(a, load<f64>(a, 8) + load<f64>(leaves + (<usize>i1 << 3)), 8);
      store<f64>(a, load<f64>(a, 16) + load<f64>(leaves + (<usize>i2 << 3)), 16);
      store<f64>(a, load<f64>(a, 24) + load<f64>(leaves + (<usize>i3 << 3)), 24);
      store<f64>(a, load<f64>(a, 32) + load<f64>(leaves + (<usize>i4 << 3)), 32);
      store<f64>(a, load<f64>(a, 40) + load<f64>(leaves + (<usize>i5 << 3)), 40);
      store<f64>(a, load<f64>(a, 48) + load<f64>(leaves + (<usize>i6 << 3)), 48);
      store<f64>(a, load<f64>(a, 56) + load<f64>(leaves + (<usize>i7 << 3)), 56);
    }
    for (; r < count; r++) {
      const p = rows + <usize>r * d;
      let i: u32 = 0;
      for (let l = 0; l < depth; l++) i = step(nodes, p, i);
      const a = acc + (<usize>r << 3);
      store<f64>(a, load<f64>(a) + load<f64>(leaves + (<usize>i << 3)));
    }
    nodes += treeNodes;
    leaves += treeLeaves;
  }
}

/** Whether a scaled row has a feature past the range its trees were grown on (forest.ts, RANGE_MARGIN). */
@inline function outOfRange(forest: Forest, row: usize, d: i32): bool {
  for (let f = 0; f < d; f++) if (outsideRange(forest, f, load<f32>(row + (<usize>f << 2)))) return true;
  return false;
}

/** Walks a scaled block through the forest and writes its scores (NaN where a feature was missing); returns the unscorable count. */
function finishBlock(forest: Forest, scratch: usize, missing: usize, acc: usize, count: i32, out: usize): i32 {
  walkBlock(forest, scratch, count, acc);
  const norm = <f64>forest.nTrees;
  const d = forest.nFeatures;
  let unscorable = 0;
  for (let r = 0; r < count; r++) {
    let s: f64 = NaN;
    if (load<u8>(missing + <usize>r) != 0) unscorable++;
    else if (outOfRange(forest, scratch + <usize>(r * d) * 4, d)) s = -1;
    else s = -isolationScore(load<f64>(acc + (<usize>r << 3)) / norm, forest.cPsi);
    store<f64>(out + (<usize>r << 3), s);
  }
  return unscorable;
}

/**
 * scikit-learn's score_samples (-2^(-E[h]/c(psi)); lower is more abnormal) for n rows
 * into out (f64[n]). NaN for a row with a missing or non-finite feature: such a row is
 * reported, never scored as if the value were 0. layout: 0 columnar f64 (src = array of
 * column pointers), 1 row-major f64, 2 row-major f32; stride = values per input row.
 * Returns the number of unscorable rows.
 */
export function scoreSamples(handle: usize, layout: i32, src: usize, stride: i32, n: i32, out: usize): i32 {
  const forest = changetype<Forest>(handle);
  const d = forest.nFeatures;
  const scratch = heap.alloc(<usize>BLOCK * <usize>d * 4);
  const missing = heap.alloc(<usize>BLOCK);
  const acc = heap.alloc(<usize>BLOCK << 3);
  let unscorable = 0;
  for (let row0 = 0; row0 < n; row0 += BLOCK) {
    const count = min(BLOCK, n - row0);
    scaleBlock(layout, src, stride, d, row0, count, forest.mean, forest.scale, scratch, missing);
    unscorable += finishBlock(forest, scratch, missing, acc, count, out + (<usize>row0 << 3));
  }
  heap.free(scratch);
  heap.free(missing);
  heap.free(acc);
  return unscorable;
}

/**
 * score_samples with the window features computed in the same pass: per 256-row block,
 * each raw input updates its unit's state, and the derived values are scaled straight
 * into the f32 scratch the trees walk (never materialised as columns). Rows must come
 * in time order within each unit. layout: 0 columnar (src = raw input column
 * pointers), 1 row-major f64 with `stride` values per row. Returns unscorable rows.
 *
 * While consecutive rows belong to one unit, its state stays in locals (a memory
 * round trip per reading would make the sums latency-bound); it is written back when
 * the unit changes. The arithmetic is window.ts's update(), operation for operation.
 */
export function scoreWindowed(handle: usize, window: usize, layout: i32, src: usize, stride: i32, slots: usize, n: i32, out: usize): i32 {
  const forest = changetype<Forest>(handle);
  const w = changetype<WindowSpec>(window);
  const d = forest.nFeatures;
  const inputs = w.inputs;
  const stats = w.stats;
  const outs = outputsPerInput(stats);
  const per = HEADER + w.size;
  const k = w.size;
  const kf = <f64>k;
  const invK = 1.0 / kf;
  const base = w.baseline;
  const basef = <f64>base;
  const scratch = heap.alloc(<usize>BLOCK * <usize>d * 4);
  const missing = heap.alloc(<usize>BLOCK);
  const acc = heap.alloc(<usize>BLOCK << 3);
  let unscorable = 0;
  for (let row0 = 0; row0 < n; row0 += BLOCK) {
    const count = min(BLOCK, n - row0);
    memory.fill(missing, 0, <usize>count);
    for (let f = 0; f < inputs; f++) {
      const col = layout == 0 ? load<usize>(src + <usize>f * sizeof<usize>()) : 0;
      const fi0 = f * outs;
      let r = 0;
      while (r < count) {
        const slot = load<i32>(slots + (<usize>(row0 + r) << 2));
        const s = w.state + ((<usize>(slot * inputs + f) * <usize>per) << 3);
        const ring = s + (<usize>HEADER << 3);
        let baseSum = load<f64>(s);
        let baseCount = load<f64>(s, 8);
        let cnt = load<f64>(s, 16);
        let sum = load<f64>(s, 24);
        let sumSq = load<f64>(s, 32);
        let sumXY = load<f64>(s, 40);
        let head = <i32>load<f64>(s, 48);
        let baseMean = baseCount > 0 ? baseSum / baseCount : 0; // same quotient update() computes
        do {
          const row = row0 + r;
          const x = layout == 0 ? load<f64>(col + (<usize>row << 3)) : load<f64>(src + ((<usize>row * <usize>stride + <usize>f) << 3));
          const dst = scratch + <usize>(r * d) * 4;
          if (!isFinite(x)) {
            store<u8>(missing + <usize>r, 1);
          } else if (isAbsurd(x)) {
            // As update(): every feature the value itself (std its size), the unit's state untouched.
            const sd = stats & 2 ? (stats & 8 ? 1 : 0) + (stats & 1) : -1;
            for (let j = 0; j < outs; j++) {
              const fi = fi0 + j;
              const value = j == sd ? Math.abs(x) : x;
              store<f32>(dst + (<usize>fi << 2), <f32>((value - load<f64>(forest.mean + (<usize>fi << 3))) / load<f64>(forest.scale + (<usize>fi << 3))));
            }
          } else {
            let v = x;
            if (base > 0) {
              if (baseCount < basef) {
                baseSum += x;
                baseCount += 1;
                baseMean = baseSum / baseCount;
              }
              v = x - baseMean;
            }
            // Sums for std (sumSq) and slope (sumXY) only when those are asked for.
            if (cnt < kf) {
              if (stats & 4) sumXY += cnt * v;
              cnt += 1;
              sum += v;
              if (stats & 2) sumSq += v * v;
              store<f64>(ring + (<usize>head << 3), v);
              head = head + 1 == k ? 0 : head + 1;
            } else {
              const old = load<f64>(ring + (<usize>head << 3));
              if (stats & 4) sumXY = sumXY - (sum - old) + <f64>(k - 1) * v;
              sum += v - old;
              if (stats & 2) sumSq += v * v - old * old;
              store<f64>(ring + (<usize>head << 3), v);
              head = head + 1 == k ? 0 : head + 1;
              // As update(): sums that kept an outlier's rounding (or overflowed) are summed afresh.
              if (needsResum(ring, k, old, v, sum, stats & 2 ? sumSq : 0.0)) {
                sum = ringSum(ring, k);
                if (stats & 2) sumSq = ringSumSq(ring, k);
                if (stats & 4) sumXY = ringSumXY(ring, head, k);
              }
            }
            const mean = cnt == kf ? sum * invK : sum / cnt;
            let fi = fi0;
            if (stats & 8) {
              store<f32>(dst + (<usize>fi << 2), <f32>((v - load<f64>(forest.mean + (<usize>fi << 3))) / load<f64>(forest.scale + (<usize>fi << 3))));
              fi++;
            }
            if (stats & 1) {
              // A derived value that overflowed is a missing feature, as scaleBlock makes it on the derived columns.
              if (!isFinite(mean)) store<u8>(missing + <usize>r, 1);
              store<f32>(dst + (<usize>fi << 2), <f32>((mean - load<f64>(forest.mean + (<usize>fi << 3))) / load<f64>(forest.scale + (<usize>fi << 3))));
              fi++;
            }
            // Std over a window not yet full is missing (as in window.ts): the reading is unscored.
            if (stats & 2 && cnt < kf) store<u8>(missing + <usize>r, 1);
            if (stats & 2) {
              const varp = sumSq / cnt - mean * mean;
              const sd = varp > 0 ? Math.sqrt(varp) : 0;
              if (!isFinite(sd)) store<u8>(missing + <usize>r, 1);
              store<f32>(dst + (<usize>fi << 2), <f32>((sd - load<f64>(forest.mean + (<usize>fi << 3))) / load<f64>(forest.scale + (<usize>fi << 3))));
              fi++;
            }
            if (stats & 4) {
              const m = cnt;
              const sx = m * (m - 1) / 2;
              const sxx = (m - 1) * m * (2 * m - 1) / 6;
              const den = m * sxx - sx * sx;
              const slope = den > 0 ? (m * sumXY - sx * sum) / den : 0;
              if (!isFinite(slope)) store<u8>(missing + <usize>r, 1);
              store<f32>(dst + (<usize>fi << 2), <f32>((slope - load<f64>(forest.mean + (<usize>fi << 3))) / load<f64>(forest.scale + (<usize>fi << 3))));
            }
          }
          r++;
        } while (r < count && load<i32>(slots + (<usize>(row0 + r) << 2)) == slot);
        store<f64>(s, baseSum);
        store<f64>(s, baseCount, 8);
        store<f64>(s, cnt, 16);
        store<f64>(s, sum, 24);
        store<f64>(s, sumSq, 32);
        store<f64>(s, sumXY, 40);
        store<f64>(s, <f64>head, 48);
      }
    }
    unscorable += finishBlock(forest, scratch, missing, acc, count, out + (<usize>row0 << 3));
  }
  heap.free(scratch);
  heap.free(missing);
  heap.free(acc);
  return unscorable;
}
