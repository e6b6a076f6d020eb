// Per-reading attribution. In each tree, the path's shortening against the average,
// c(psi) - h(x), is shared equally among the real splits on the path (dummy
// padding splits are skipped), credited to each split's feature; then averaged over
// trees. So sum(attribution) = c(psi) - E[h(x)] over trees whose root is not a leaf:
// positive totals mean "isolated faster than an average point", i.e. anomalous.
import { Forest } from './forest';
import { scaleBlock } from './scale';

/** row: f64[nFeatures] raw values; out: f64[nFeatures]. Returns the mean path length, NaN if unscorable. */
export function explainRow(handle: usize, row: usize, out: usize): f64 {
  const forest = changetype<Forest>(handle);
  const d = forest.nFeatures;
  const scaled = heap.alloc((<usize>d) << 2);
  const flag = heap.alloc(8);
  const credited = heap.alloc((<usize>(forest.depth + 1)) << 2);
  scaleBlock(1, row, d, d, 0, 1, forest.mean, forest.scale, scaled, flag);
  memory.fill(out, 0, (<usize>d) << 3);
  let total: f64 = 0;
  if (load<u8>(flag) != 0) total = NaN;
  const internal = ((<u32>1) << (<u32>forest.depth)) - 1;
  if (forest.kind == 1) {
    heap.free(scaled);
    heap.free(flag);
    heap.free(credited);
    return explainExtended(forest, row, out);
  }
  for (let t = 0; t < forest.nTrees && !isNaN(total); t++) {
    const nodes = forest.nodes + <usize>t * <usize>internal * 8;
    let i: u32 = 0;
    let splits = 0;
    for (let l = 0; l < forest.depth; l++) {
      const np = nodes + ((<usize>i) << 3);
      const threshold = load<f32>(np);
      const offset = load<u32>(np, 4);
      if (threshold != Infinity) {
        store<u32>(credited + ((<usize>splits) << 2), offset >> 2);
        splits++;
      }
      const x = load<f32>(scaled + <usize>offset);
      i = 2 * i + 1 + <u32>(x > threshold);
    }
    const leaf = load<f64>(forest.leaves + ((<usize>t * (<usize>internal + 1) + <usize>(i - internal)) << 3));
    total += leaf;
    if (splits == 0) continue;
    const share = (forest.cPsi - leaf) / <f64>splits;
    for (let s = 0; s < splits; s++) {
      const p = out + ((<usize>load<u32>(credited + ((<usize>s) << 2))) << 3);
      store<f64>(p, load<f64>(p) + share);
    }
  }
  const norm = <f64>forest.nTrees;
  for (let f = 0; f < d; f++) {
    const p = out + ((<usize>f) << 3);
    store<f64>(p, load<f64>(p) / norm);
  }
  heap.free(scaled);
  heap.free(flag);
  heap.free(credited);
  return total / norm;
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
  scaleBlock(1, row, d, d, 0, 1, forest.mean, forest.scale, scaled, flag);
  memory.fill(out, 0, (<usize>d) << 3);
  let total: f64 = load<u8>(flag) != 0 ? NaN : 0;
  const internal = ((<u32>1) << (<u32>forest.depth)) - 1;
  for (let t = 0; t < forest.nTrees && !isNaN(total); t++) {
    const normals = forest.normals + <usize>t * <usize>internal * <usize>d * 8;
    const thresholds = forest.thresholds + ((<usize>t * <usize>internal) << 3);
    let i: u32 = 0;
    let splits = 0;
    for (let l = 0; l < forest.depth; l++) {
      const normal = normals + <usize>i * <usize>d * 8;
      const thr = load<f64>(thresholds + ((<usize>i) << 3));
      if (thr != Infinity) {
        store<u32>(path + ((<usize>splits) << 2), i);
        splits++;
      }
      let s: f64 = 0;
      for (let f = 0; f < d; f++) s += load<f64>(normal + ((<usize>f) << 3)) * <f64>load<f32>(scaled + ((<usize>f) << 2));
      i = 2 * i + 1 + <u32>(s > thr);
    }
    const leaf = load<f64>(forest.leaves + ((<usize>t * (<usize>internal + 1) + <usize>(i - internal)) << 3));
    total += leaf;
    if (splits == 0) continue;
    const share = (forest.cPsi - leaf) / <f64>splits;
    for (let k = 0; k < splits; k++) {
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
  return total / <f64>forest.nTrees;
}
