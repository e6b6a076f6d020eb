// Isolation Forest training (Liu, Ting & Zhou 2008) with scikit-learn's conventions:
// each tree is grown on its own subsample of psi rows (without replacement unless
// bootstrap), over its own random subset of maxFeatures features, to a height limit;
// a node splits on a random non-constant feature at a uniform threshold in (min, max).
// Trees are written sparse (node arrays, children after parents) for the model JSON.
import { seedRng, nextBelow, nextUnit } from "./rng";

const STACK_CAP: i32 = 128; // > height limit (<= 30) + 2: DFS never holds more

/** Sparse output of one training run; every array has nTrees * nodeCap entries. */
@unmanaged
export class TrainOutput {
  nodeCount: usize = 0; // i32[nTrees]
  feature: usize = 0;   // i32, -1 at leaves
  threshold: usize = 0; // f32; go left when x <= threshold
  left: usize = 0;      // i32, -1 at leaves
  right: usize = 0;     // i32, -1 at leaves
  size: usize = 0;      // i32 training rows that reached the node
}

export function trainForest(
  data: usize, n: i32, d: i32,
  nTrees: i32, psi: i32, maxDepth: i32, featuresPerTree: i32, bootstrap: bool, seed: u32,
  out: TrainOutput,
): i32 {
  if (n < 1 || d < 1 || psi < 1 || psi > n || featuresPerTree < 1 || featuresPerTree > d) return -1;
  if (maxDepth < 0 || maxDepth > STACK_CAP - 4) return -2;
  seedRng(seed);
  const nodeCap = 2 * psi - 1;
  const perm = heap.alloc(<usize>n << 2);
  const idx = heap.alloc(<usize>psi << 2);
  const features = heap.alloc(<usize>d << 2);
  const treeFeatures = heap.alloc(<usize>d << 2);
  const stack = heap.alloc(<usize>STACK_CAP * 16);
  for (let i = 0; i < n; i++) store<i32>(perm + (<usize>i << 2), i);
  for (let f = 0; f < d; f++) store<i32>(features + (<usize>f << 2), f);

  for (let t = 0; t < nTrees; t++) {
    drawSubsample(perm, idx, n, psi, bootstrap);
    // The tree's feature subset: a partial shuffle of all features, kept across trees.
    for (let k = 0; k < featuresPerTree; k++) {
      const j = k + <i32>nextBelow(<u32>(d - k));
      swapI32(features, k, j);
    }
    memory.copy(treeFeatures, features, <usize>featuresPerTree << 2);
    const base = <usize>t * <usize>nodeCap;
    const count = growTree(data, d, idx, psi, maxDepth, treeFeatures, featuresPerTree, stack, out, base);
    store<i32>(out.nodeCount + (<usize>t << 2), count);
  }
  heap.free(perm);
  heap.free(idx);
  heap.free(features);
  heap.free(treeFeatures);
  heap.free(stack);
  return 0;
}

export function drawSubsample(perm: usize, idx: usize, n: i32, psi: i32, bootstrap: bool): void {
  if (bootstrap) {
    for (let k = 0; k < psi; k++) store<i32>(idx + (<usize>k << 2), <i32>nextBelow(<u32>n));
    return;
  }
  // Partial Fisher-Yates; the permutation carries over between trees, which keeps
  // each draw uniform while costing O(psi) instead of O(n) per tree.
  for (let k = 0; k < psi; k++) {
    const j = k + <i32>nextBelow(<u32>(n - k));
    swapI32(perm, k, j);
  }
  memory.copy(idx, perm, <usize>psi << 2);
}

@inline export function swapI32(arr: usize, a: i32, b: i32): void {
  const pa = arr + (<usize>a << 2);
  const pb = arr + (<usize>b << 2);
  const va = load<i32>(pa);
  store<i32>(pa, load<i32>(pb));
  store<i32>(pb, va);
}

@inline function value(data: usize, d: i32, row: i32, f: i32): f32 {
  return load<f32>(data + ((<usize>row * <usize>d + <usize>f) << 2));
}

function growTree(
  data: usize, d: i32, idx: usize, psi: i32, maxDepth: i32,
  feats: usize, nFeats: i32, stack: usize, out: TrainOutput, base: usize,
): i32 {
  // Stack entries: node id, start, end, depth (i32 each).
  let top = 0;
  let nodes = 1;
  pushFrame(stack, top++, 0, 0, psi, 0);
  while (top > 0) {
    top--;
    const fp = stack + (<usize>top << 4);
    const node = load<i32>(fp);
    const start = load<i32>(fp, 4);
    const end = load<i32>(fp, 8);
    const depth = load<i32>(fp, 12);
    const at = base + <usize>node;
    store<i32>(out.size + (at << 2), end - start);
    let splitFeature = -1;
    let threshold: f32 = 0;
    if (depth < maxDepth && end - start > 1) {
      // Draw features until one is not constant in this node, as scikit-learn does.
      for (let k = 0; k < nFeats; k++) {
        const j = k + <i32>nextBelow(<u32>(nFeats - k));
        swapI32(feats, k, j);
        const f = load<i32>(feats + (<usize>k << 2));
        let lo = value(data, d, load<i32>(idx + (<usize>start << 2)), f);
        let hi = lo;
        for (let s = start + 1; s < end; s++) {
          const x = value(data, d, load<i32>(idx + (<usize>s << 2)), f);
          lo = min(lo, x);
          hi = max(hi, x);
        }
        if (hi > lo) {
          let t = <f32>(<f64>lo + nextUnit() * (<f64>hi - <f64>lo));
          if (t >= hi) t = lo; // rounding reached max: keep both sides non-empty
          splitFeature = f;
          threshold = t;
          break;
        }
      }
    }
    store<i32>(out.feature + (at << 2), splitFeature);
    store<f32>(out.threshold + (at << 2), threshold);
    if (splitFeature < 0) {
      store<i32>(out.left + (at << 2), -1);
      store<i32>(out.right + (at << 2), -1);
      continue;
    }
    // Partition idx[start, end) into x <= threshold | x > threshold.
    let i = start;
    let j = end - 1;
    while (i <= j) {
      if (value(data, d, load<i32>(idx + (<usize>i << 2)), splitFeature) <= threshold) i++;
      else swapI32(idx, i, j--);
    }
    const leftId = nodes++;
    const rightId = nodes++;
    store<i32>(out.left + (at << 2), leftId);
    store<i32>(out.right + (at << 2), rightId);
    // Right first so the left child is grown next: preorder-ish ids, children after parents.
    pushFrame(stack, top++, rightId, i, end, depth + 1);
    pushFrame(stack, top++, leftId, start, i, depth + 1);
  }
  return nodes;
}

@inline export function pushFrame(stack: usize, at: i32, node: i32, start: i32, end: i32, depth: i32): void {
  const fp = stack + (<usize>at << 4);
  store<i32>(fp, node);
  store<i32>(fp, start, 4);
  store<i32>(fp, end, 8);
  store<i32>(fp, depth, 12);
}
