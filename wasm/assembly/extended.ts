// Extended Isolation Forest (Hariri, Carrasco Kind & Brunner 2019): nodes split on a
// random hyperplane instead of one feature. The normal has extensionLevel + 1 non-zero
// standard-normal components (0 = one axis, like the classic forest; d - 1 = all); the
// hyperplane passes through a point drawn uniformly in the node's bounding box. A reading
// goes left when normal · x <= normal · point (the stored threshold), in f64.
import { seedRng, nextBelow, nextUnit } from "./rng";
import { TrainOutput, drawSubsample, pushFrame as frame, swapI32 as swap } from "./train";

const STACK_CAP: i32 = 128;

/** One standard normal draw (Box–Muller on two uniforms), deterministic in Wasm. */
function gaussian(): f64 {
  let u = nextUnit();
  while (u <= 0) u = nextUnit();
  const v = nextUnit();
  return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(6.283185307179586 * v);
}

/**
 * data: scaled rows, f32 row-major n × d. Outputs as train.ts (threshold now f64 in
 * out.threshold with 8 bytes per node), plus normals: f64[nTrees * nodeCap * d].
 * feature holds the index of the normal's largest component (for display), -1 at leaves.
 */
export function trainExtended(
  data: usize, n: i32, d: i32, nTrees: i32, psi: i32, maxDepth: i32, extensionLevel: i32, seed: u32,
  out: TrainOutput, normals: usize,
): i32 {
  if (n < 1 || d < 1 || psi < 1 || psi > n || extensionLevel < 0 || extensionLevel >= d) return -1;
  if (maxDepth < 0 || maxDepth > STACK_CAP - 4) return -2;
  seedRng(seed ^ 0x5eed0e1f);
  const nodeCap = 2 * psi - 1;
  const perm = heap.alloc(<usize>n << 2);
  const idx = heap.alloc(<usize>psi << 2);
  const dims = heap.alloc(<usize>d << 2);
  const lo = heap.alloc(<usize>d << 3);
  const hi = heap.alloc(<usize>d << 3);
  const stack = heap.alloc(<usize>STACK_CAP * 16);
  for (let i = 0; i < n; i++) store<i32>(perm + (<usize>i << 2), i);
  for (let f = 0; f < d; f++) store<i32>(dims + (<usize>f << 2), f);
  for (let t = 0; t < nTrees; t++) {
    drawSubsample(perm, idx, n, psi, false);
    const base = <usize>t * <usize>nodeCap;
    let top = 0;
    let nodes = 1;
    frame(stack, top++, 0, 0, psi, 0);
    while (top > 0) {
      top--;
      const fp = stack + (<usize>top << 4);
      const node = load<i32>(fp);
      const start = load<i32>(fp, 4);
      const end = load<i32>(fp, 8);
      const depth = load<i32>(fp, 12);
      const at = base + <usize>node;
      const normal = normals + at * <usize>d * 8;
      memory.fill(normal, 0, <usize>d << 3);
      store<i32>(out.size + (at << 2), end - start);
      if (depth >= maxDepth || end - start <= 1) {
        leaf(out, at);
        continue;
      }
      // Bounding box of the node's rows.
      for (let f = 0; f < d; f++) {
        store<f64>(lo + (<usize>f << 3), Infinity);
        store<f64>(hi + (<usize>f << 3), -Infinity);
      }
      for (let s = start; s < end; s++) {
        const row = data + ((<usize>load<i32>(idx + (<usize>s << 2)) * <usize>d) << 2);
        for (let f = 0; f < d; f++) {
          const x = <f64>load<f32>(row + (<usize>f << 2));
          if (x < load<f64>(lo + (<usize>f << 3))) store<f64>(lo + (<usize>f << 3), x);
          if (x > load<f64>(hi + (<usize>f << 3))) store<f64>(hi + (<usize>f << 3), x);
        }
      }
      // Normal: extensionLevel + 1 random dimensions get a standard normal component.
      for (let k = 0; k <= extensionLevel; k++) {
        const j = k + <i32>nextBelow(<u32>(d - k));
        swap(dims, k, j);
        store<f64>(normal + (<usize>load<i32>(dims + (<usize>k << 2)) << 3), gaussian());
      }
      let threshold: f64 = 0;
      let biggest = 0;
      for (let f = 0; f < d; f++) {
        const w = load<f64>(normal + (<usize>f << 3));
        const l = load<f64>(lo + (<usize>f << 3));
        const p = l + nextUnit() * (load<f64>(hi + (<usize>f << 3)) - l);
        threshold += w * p;
        if (Math.abs(w) > Math.abs(load<f64>(normal + (<usize>biggest << 3)))) biggest = f;
      }
      // Partition by the side of the hyperplane.
      let i = start;
      let j = end - 1;
      while (i <= j) {
        if (dot(data, load<i32>(idx + (<usize>i << 2)), d, normal) <= threshold) i++;
        else swap(idx, i, j--);
      }
      const leftId = nodes++;
      const rightId = nodes++;
      store<i32>(out.feature + (at << 2), biggest);
      store<f64>(out.threshold + (at << 3), threshold);
      store<i32>(out.left + (at << 2), leftId);
      store<i32>(out.right + (at << 2), rightId);
      frame(stack, top++, rightId, i, end, depth + 1);
      frame(stack, top++, leftId, start, i, depth + 1);
    }
    store<i32>(out.nodeCount + (<usize>t << 2), nodes);
  }
  heap.free(perm);
  heap.free(idx);
  heap.free(dims);
  heap.free(lo);
  heap.free(hi);
  heap.free(stack);
  return 0;
}

/** normal · x for one scaled f32 row, accumulated in f64 in feature order (the scorer does the same). */
@inline export function dot(data: usize, row: i32, d: i32, normal: usize): f64 {
  const x = data + ((<usize>row * <usize>d) << 2);
  let s: f64 = 0;
  for (let f = 0; f < d; f++) s += load<f64>(normal + (<usize>f << 3)) * <f64>load<f32>(x + (<usize>f << 2));
  return s;
}

@inline function leaf(out: TrainOutput, at: usize): void {
  store<i32>(out.feature + (at << 2), -1);
  store<f64>(out.threshold + (at << 3), 0);
  store<i32>(out.left + (at << 2), -1);
  store<i32>(out.right + (at << 2), -1);
}
