// Batch scoring. Rows are scaled block by block into an f32 scratch, then every
// tree walks the block with 8 rows in lock-step: eight independent load chains
// hide memory latency, and the tree stays in L1 for the whole block.
import { Forest } from "./forest";
import { scaleBlock } from "./scale";
import { isolationScore } from "./pathlength";

const BLOCK: i32 = 256;

@inline function step(nodes: usize, row: usize, i: u32): u32 {
  const np = nodes + (<usize>i << 3);
  const x = load<f32>(row + <usize>load<u32>(np, 4));
  return 2 * i + 1 + <u32>(x > load<f32>(np));
}

function walkBlock(forest: Forest, rows: usize, count: i32, acc: usize): void {
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
  const norm = <f64>forest.nTrees;
  let unscorable = 0;
  for (let row0 = 0; row0 < n; row0 += BLOCK) {
    const count = min(BLOCK, n - row0);
    scaleBlock(layout, src, stride, d, row0, count, forest.mean, forest.scale, scratch, missing);
    walkBlock(forest, scratch, count, acc);
    for (let r = 0; r < count; r++) {
      let s: f64 = NaN;
      if (load<u8>(missing + <usize>r) == 0) {
        s = -isolationScore(load<f64>(acc + (<usize>r << 3)) / norm, forest.cPsi);
      } else {
        unscorable++;
      }
      store<f64>(out + (<usize>(row0 + r) << 3), s);
    }
  }
  heap.free(scratch);
  heap.free(missing);
  heap.free(acc);
  return unscorable;
}
