// Per-reading attribution. In each tree, the path's shortening against the average,
// c(psi) - h(x), is shared among the real splits on the path (dummy padding splits are
// skipped) by what each one did: a split from a node of n training rows into a child of m
// earns c(n) - 1 - c(m), the expected path it saved. The split that sends a reading into a
// near-empty corner earns most; an even split earns little, one into a larger share less
// than nothing. The credits telescope to c(n_root) - depth - c(leaf size); the root's
// c(psi) - c(n_root) (fewer training rows than psi) goes to the first split. Averaged over
// trees, sum(attribution) = c(psi) - E[h(x)] over trees whose root is not a leaf: positive
// totals mean "isolated faster than an average point", i.e. anomalous.
import { Forest, outsideRange } from './forest';
import { scaleBlock } from './scale';

/** row: f64[nFeatures] raw values; out: f64[nFeatures]. Returns the mean path length, NaN if unscorable. */
export function explainRow(handle: usize, row: usize, out: usize): f64 {
  const forest = changetype<Forest>(handle);
  // Hyperplane forests have no range rule (their lo/hi are unbounded) and walk other nodes.
  if (forest.kind == 1) return explainExtended(forest, row, out);
  const d = forest.nFeatures;
  const scaled = heap.alloc((<usize>d) << 2);
  const flag = heap.alloc(8);
  const credited = heap.alloc((<usize>(forest.depth + 1)) << 2);
  const cs = heap.alloc((<usize>(forest.depth + 1)) << 3);
  const gains = heap.alloc((<usize>(forest.depth + 1)) << 3);
  scaleBlock(1, row, d, d, 0, 1, forest.mean, forest.scale, scaled, flag);
  memory.fill(out, 0, (<usize>d) << 3);
  const mean = load<u8>(flag) != 0 ? NaN : explainAxis(forest, scaled, out, credited, cs, gains);
  heap.free(scaled);
  heap.free(flag);
  heap.free(credited);
  heap.free(cs);
  heap.free(gains);
  return mean;
}

/** An axis-split forest's attribution of a scaled row (f32[d]) into out; the scratch holds depth + 1 entries each. */
function explainAxis(forest: Forest, scaled: usize, out: usize, credited: usize, cs: usize, gains: usize): f64 {
  const d = forest.nFeatures;
  // Scored -1 (isolated at once, a path of 0) for a feature past its range: the whole c(psi) is
  // shared among the features out of range, so the explanation names what scoring acted on.
  let outside = 0;
  for (let f = 0; f < d; f++) if (outsideRange(forest, f, load<f32>(scaled + ((<usize>f) << 2)))) outside++;
  if (outside > 0) {
    for (let f = 0; f < d; f++)
      if (outsideRange(forest, f, load<f32>(scaled + ((<usize>f) << 2)))) store<f64>(out + ((<usize>f) << 3), forest.cPsi / <f64>outside);
    return 0;
  }
  const internal = ((<u32>1) << (<u32>forest.depth)) - 1;
  let total: f64 = 0;
  for (let t = 0; t < forest.nTrees; t++) {
    const nodes = forest.nodes + <usize>t * <usize>internal * 8;
    const nodeC = forest.nodeC + <usize>t * <usize>internal * 8;
    let i: u32 = 0;
    let splits = 0;
    for (let l = 0; l < forest.depth; l++) {
      const np = nodes + ((<usize>i) << 3);
      const threshold = load<f32>(np);
      const offset = load<u32>(np, 4);
      if (threshold != Infinity) {
        store<u32>(credited + ((<usize>splits) << 2), offset >> 2);
        store<f64>(cs + ((<usize>splits) << 3), load<f64>(nodeC + ((<usize>i) << 3)));
        splits++;
      }
      const x = load<f32>(scaled + <usize>offset);
      i = 2 * i + 1 + <u32>(x > threshold);
    }
    const leaf = load<f64>(forest.leaves + ((<usize>t * (<usize>internal + 1) + <usize>(i - internal)) << 3));
    total += leaf;
    if (splits == 0) continue;
    creditSplits(cs, splits, leaf, forest.cPsi, gains);
    for (let s = 0; s < splits; s++) {
      const p = out + ((<usize>load<u32>(credited + ((<usize>s) << 2))) << 3);
      store<f64>(p, load<f64>(p) + load<f64>(gains + ((<usize>s) << 3)));
    }
  }
  const norm = <f64>forest.nTrees;
  for (let f = 0; f < d; f++) {
    const p = out + ((<usize>f) << 3);
    store<f64>(p, load<f64>(p) / norm);
  }
  return total / norm;
}

/**
 * Each real split's credit from c(n) at the splits on the path (cs[0..splits)) and the leaf's
 * path length (splits + c(leaf size)): c(n_k) - 1 - c(n_k+1), the last against the leaf.
 */
function creditSplits(cs: usize, splits: i32, leaf: f64, cPsi: f64, gains: usize): void {
  const leafC = leaf - <f64>splits;
  for (let k = 0; k < splits; k++) {
    const next = k + 1 < splits ? load<f64>(cs + ((<usize>(k + 1)) << 3)) : leafC;
    store<f64>(gains + ((<usize>k) << 3), load<f64>(cs + ((<usize>k) << 3)) - 1.0 - next);
  }
  store<f64>(gains, load<f64>(gains) + (cPsi - load<f64>(cs)));
}

/**
 * Hyperplane forests: each real split's share of c(psi) - h(x) is spread over the
 * features by the weight |normal_f| / sum |normal|, so the total stays c(psi) - E[h(x)].
 */
function explainExtended(forest: Forest, row: usize, out: usize): f64 {
  const d = forest.nFeatures;
  const scaled = heap.alloc((<usize>d) << 2);
  const flag = heap.alloc(8);
  const path = heap.alloc((<usize>(forest.depth + 1)) << 2);
  const cs = heap.alloc((<usize>(forest.depth + 1)) << 3);
  const gains = heap.alloc((<usize>(forest.depth + 1)) << 3);
  scaleBlock(1, row, d, d, 0, 1, forest.mean, forest.scale, scaled, flag);
  memory.fill(out, 0, (<usize>d) << 3);
  let total: f64 = load<u8>(flag) != 0 ? NaN : 0;
  const internal = ((<u32>1) << (<u32>forest.depth)) - 1;
  for (let t = 0; t < forest.nTrees && !isNaN(total); t++) {
    const normals = forest.normals + <usize>t * <usize>internal * <usize>d * 8;
    const thresholds = forest.thresholds + ((<usize>t * <usize>internal) << 3);
    const nodeC = forest.nodeC + <usize>t * <usize>internal * 8;
    let i: u32 = 0;
    let splits = 0;
    for (let l = 0; l < forest.depth; l++) {
      const normal = normals + <usize>i * <usize>d * 8;
      const thr = load<f64>(thresholds + ((<usize>i) << 3));
      if (thr != Infinity) {
        store<u32>(path + ((<usize>splits) << 2), i);
        store<f64>(cs + ((<usize>splits) << 3), load<f64>(nodeC + ((<usize>i) << 3)));
        splits++;
      }
      let s: f64 = 0;
      for (let f = 0; f < d; f++) s += load<f64>(normal + ((<usize>f) << 3)) * <f64>load<f32>(scaled + ((<usize>f) << 2));
      i = 2 * i + 1 + <u32>(s > thr);
    }
    const leaf = load<f64>(forest.leaves + ((<usize>t * (<usize>internal + 1) + <usize>(i - internal)) << 3));
    total += leaf;
    if (splits == 0) continue;
    creditSplits(cs, splits, leaf, forest.cPsi, gains);
    for (let k = 0; k < splits; k++) {
      const share = load<f64>(gains + ((<usize>k) << 3));
      const normal = normals + <usize>load<u32>(path + ((<usize>k) << 2)) * <usize>d * 8;
      let norm1: f64 = 0;
      for (let f = 0; f < d; f++) norm1 += Math.abs(load<f64>(normal + ((<usize>f) << 3)));
      if (norm1 == 0) continue;
      for (let f = 0; f < d; f++) {
        const p = out + ((<usize>f) << 3);
        store<f64>(p, load<f64>(p) + (share * Math.abs(load<f64>(normal + ((<usize>f) << 3)))) / norm1);
      }
    }
  }
  for (let f = 0; f < d; f++) {
    const p = out + ((<usize>f) << 3);
    store<f64>(p, load<f64>(p) / <f64>forest.nTrees);
  }
  heap.free(scaled);
  heap.free(flag);
  heap.free(path);
  heap.free(cs);
  heap.free(gains);
  return total / <f64>forest.nTrees;
}
