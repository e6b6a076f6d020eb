// A compiled forest: every tree laid out as a complete binary tree of one common
// depth D (heap order, children of i at 2i+1 and 2i+2), so scoring walks exactly D
// steps with no branch on node kind. A leaf above depth D is pushed down the left
// spine through dummy splits (threshold +inf: every value goes left).
import { averagePathLength } from "./pathlength";

export const MAX_DEPTH: i32 = 20;
/**
 * Largest block compileForest asks the allocator for. usize is 32 bits here, so sizes
 * are computed in u64 and checked against this before any allocation: a product that
 * wrapped would allocate a small block and then write past it into other forests.
 * Half of TLSF's 1 GiB block limit; JS validation keeps real models far below it.
 */
export const MAX_BLOCK_BYTES: u64 = 1 << 29;

@unmanaged
export class Forest {
  nTrees: i32 = 0;
  depth: i32 = 0;
  nFeatures: i32 = 0;
  nodes: usize = 0;  // per node 8 bytes: f32 threshold, u32 byte offset of the feature in a scaled row
  leaves: usize = 0; // f64 path length (depth + c(size)) per bottom position
  mean: usize = 0;   // f64[nFeatures]
  scale: usize = 0;  // f64[nFeatures]
  cPsi: f64 = 0;     // c(max_samples): the score's normaliser
  kind: i32 = 0;     // 0 axis-parallel splits, 1 hyperplanes (extended)
  normals: usize = 0;    // extended: f64[nTrees * internal * nFeatures]
  thresholds: usize = 0; // extended: f64[nTrees * internal]
  nodeC: usize = 0;      // f64[nTrees * internal]: c(size) at each real split, for explainRow's per-split credit
  lo: usize = 0;         // f32[nFeatures]: a scaled value below this is out of the trees' range (see RANGE_MARGIN)
  hi: usize = 0;         // f32[nFeatures]: and above this
}

/**
 * How far past the span of a feature's split thresholds (about its training range) a value may
 * lie, in widths of that span, before the reading is out of range. The trees see only which side
 * of each split a value falls, so 1e300 on one sensor walks to the same leaves as that sensor's
 * largest healthy value and scores as normal; a reading that far out is isolated at once instead
 * (score -1). Wide enough that wear (a unit leaving its envelope as it degrades) stays the trees'
 * to judge.
 */
export const RANGE_MARGIN: f64 = 3;

/**
 * The least span a feature's range is widened by, in scaled units (standard deviations of the
 * training rows, as isoscope's scaler records them). A feature split only a few times (a 0/1
 * flag set on three rows of 20,000) can have its thresholds close together, far inside its
 * values: widened by their own span alone, the range left out nearly every training row.
 */
export const MIN_SPAN: f64 = 3;

/**
 * Splits a feature needs before its thresholds' span stands for its range. Thresholds are drawn
 * uniformly between a node's least and largest value, so many of them reach near both ends; two
 * or three (a 0/1 flag set on three rows of 20,000, split at 0.69 and 0.80) can sit well inside,
 * and the range they give left out every row holding 0. With 16, all falling in one quarter of
 * the values has odds below 1 in 10^9.
 */
export const MIN_SPLITS: i32 = 16;

/** Largest f32 not above t, so `f32(x) <= result` iff `f32(x) <= t` for every x. */
function floorToF32(t: f64): f32 {
  let f = <f32>t;
  if (<f64>f > t) {
    const bits = reinterpret<u32>(f);
    if (f > 0) f = reinterpret<f32>(bits - 1);
    else if (f < 0) f = reinterpret<f32>(bits + 1);
    else f = reinterpret<f32>(<u32>0x80000001); // just below zero
  }
  return f;
}

/**
 * Builds a Forest from sparse trees (already validated in JS: indices in range,
 * acyclic, depth <= depth). offsets: i32[nTrees+1] into the node arrays.
 * Returns 0 or a handle.
 */
export function compileForest(
  nTrees: i32, depth: i32, nFeatures: i32, psi: f64,
  offsets: usize, feature: usize, threshold: usize, left: usize, right: usize, size: usize,
  mean: usize, scale: usize, normals: usize,
): usize {
  if (nTrees < 1 || depth < 0 || depth > MAX_DEPTH || nFeatures < 1) return 0;
  const slots = <u64>nTrees << <u64>depth;
  const internalSlots = slots - <u64>nTrees;
  if (slots * 8 > MAX_BLOCK_BYTES || <u64>nFeatures * 8 > MAX_BLOCK_BYTES) return 0;
  if (normals != 0 && internalSlots * <u64>nFeatures * 8 + 8 > MAX_BLOCK_BYTES) return 0;
  const internal = (<usize>1 << <usize>depth) - 1;
  const bottom = <usize>1 << <usize>depth;
  // heap.alloc runs no constructor: every field is set here, none left to chance.
  const forest = changetype<Forest>(heap.alloc(offsetof<Forest>()));
  forest.kind = 0;
  forest.normals = 0;
  forest.thresholds = 0;
  forest.nTrees = nTrees;
  forest.depth = depth;
  forest.nFeatures = nFeatures;
  forest.nodes = heap.alloc(<usize>nTrees * internal * 8 + 8);
  forest.nodeC = heap.alloc(<usize>nTrees * internal * 8 + 8);
  forest.leaves = heap.alloc(<usize>nTrees * bottom * 8);
  forest.mean = heap.alloc(<usize>nFeatures << 3);
  forest.scale = heap.alloc(<usize>nFeatures << 3);
  forest.cPsi = averagePathLength(psi);
  forest.lo = heap.alloc(<usize>nFeatures << 2);
  forest.hi = heap.alloc(<usize>nFeatures << 2);
  const splits = heap.alloc(<usize>nFeatures << 2);
  memory.fill(splits, 0, <usize>nFeatures << 2);
  for (let f = 0; f < nFeatures; f++) {
    store<f32>(forest.lo + (<usize>f << 2), Infinity);
    store<f32>(forest.hi + (<usize>f << 2), -Infinity);
  }
  memory.copy(forest.mean, mean, <usize>nFeatures << 3);
  memory.copy(forest.scale, scale, <usize>nFeatures << 3);
  memory.fill(forest.nodes, 0, <usize>nTrees * internal * 8);
  memory.fill(forest.leaves, 0, <usize>nTrees * bottom * 8);
  const d = <usize>nFeatures;
  if (normals != 0) {
    forest.kind = 1;
    forest.normals = heap.alloc(<usize>nTrees * internal * d * 8 + 8);
    forest.thresholds = heap.alloc(<usize>nTrees * internal * 8 + 8);
    memory.fill(forest.normals, 0, <usize>nTrees * internal * d * 8);
  }

  const stack = heap.alloc(<usize>(MAX_DEPTH + 2) * 3 * 8);
  for (let t = 0; t < nTrees; t++) {
    const first = load<i32>(offsets + (<usize>t << 2));
    const nodes = forest.nodes + <usize>t * internal * 8;
    const leaves = forest.leaves + <usize>t * bottom * 8;
    let top = 0;
    pushFrame(stack, top++, first, 0, 0);
    while (top > 0) {
      top--;
      const fp = stack + <usize>top * 12;
      const node = load<i32>(fp);
      let at = load<u32>(fp, 4);
      const level = load<i32>(fp, 8);
      const f = load<i32>(feature + (<usize>node << 2));
      if (f >= 0 && level < depth) {
        const np = nodes + <usize>at * 8;
        const cut = floorToF32(load<f64>(threshold + (<usize>node << 3)));
        store<f32>(np, cut);
        store<u32>(np, <u32>f << 2, 4);
        if (normals == 0) {
          const lo = forest.lo + (<usize>f << 2);
          const hi = forest.hi + (<usize>f << 2);
          if (cut < load<f32>(lo)) store<f32>(lo, cut);
          if (cut > load<f32>(hi)) store<f32>(hi, cut);
          const count = splits + (<usize>f << 2);
          store<i32>(count, load<i32>(count) + 1);
        }
        store<f64>(forest.nodeC + ((<usize>t * internal + <usize>at) << 3), averagePathLength(load<f64>(size + (<usize>node << 3))));
        if (forest.kind == 1) {
          const slot = <usize>t * internal + <usize>at;
          memory.copy(forest.normals + slot * d * 8, normals + <usize>node * d * 8, d * 8);
          store<f64>(forest.thresholds + (slot << 3), load<f64>(threshold + (<usize>node << 3)));
        }
        pushFrame(stack, top++, first + load<i32>(right + (<usize>node << 2)), 2 * at + 2, level + 1);
        pushFrame(stack, top++, first + load<i32>(left + (<usize>node << 2)), 2 * at + 1, level + 1);
        continue;
      }
      const pathLength = <f64>level + averagePathLength(load<f64>(size + (<usize>node << 3)));
      for (let l = level; l < depth; l++) {
        const np = nodes + <usize>at * 8;
        store<f32>(np, Infinity);
        store<u32>(np, 0, 4);
        // Extended padding: a zero normal against +inf also always goes left.
        if (forest.kind == 1) store<f64>(forest.thresholds + ((<usize>t * internal + <usize>at) << 3), Infinity);
        at = 2 * at + 1;
      }
      store<f64>(leaves + (<usize>(at - <u32>internal) << 3), pathLength);
    }
  }
  heap.free(stack);
  widenRanges(forest, splits);
  heap.free(splits);
  return changetype<usize>(forest);
}

/** Whether a scaled value of feature f lies past the range the trees were grown on. */
@inline export function outsideRange(forest: Forest, f: i32, x: f32): bool {
  return x < load<f32>(forest.lo + (<usize>f << 2)) || x > load<f32>(forest.hi + (<usize>f << 2));
}

/** Thresholds' span to the range scoring accepts; a feature split fewer than MIN_SPLITS times (or a hyperplane forest) has no range. */
function widenRanges(forest: Forest, splits: usize): void {
  for (let f = 0; f < forest.nFeatures; f++) {
    const lo = forest.lo + (<usize>f << 2);
    const hi = forest.hi + (<usize>f << 2);
    const a = <f64>load<f32>(lo);
    const b = <f64>load<f32>(hi);
    const width = max(b - a, MIN_SPAN);
    const bounded = b >= a && isFinite(b - a) && load<i32>(splits + (<usize>f << 2)) >= MIN_SPLITS;
    store<f32>(lo, bounded ? <f32>(a - RANGE_MARGIN * width) : -Infinity);
    store<f32>(hi, bounded ? <f32>(b + RANGE_MARGIN * width) : Infinity);
  }
}

@inline function pushFrame(stack: usize, at: i32, node: i32, pos: u32, level: i32): void {
  const fp = stack + <usize>at * 12;
  store<i32>(fp, node);
  store<u32>(fp, pos, 4);
  store<i32>(fp, level, 8);
}

export function freeForest(handle: usize): void {
  const forest = changetype<Forest>(handle);
  heap.free(forest.nodes);
  heap.free(forest.nodeC);
  heap.free(forest.lo);
  heap.free(forest.hi);
  heap.free(forest.leaves);
  heap.free(forest.mean);
  heap.free(forest.scale);
  if (forest.normals != 0) heap.free(forest.normals);
  if (forest.thresholds != 0) heap.free(forest.thresholds);
  heap.free(handle);
}
