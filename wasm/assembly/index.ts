// The Wasm engine's exports: raw pointers in, status codes out. JS owns the
// orchestration (src/engine/); this module owns memory and the numeric kernels.
import { TrainOutput, trainForest } from './train';
import { trainExtended } from './extended';

export { compileForest, freeForest } from './forest';
export { scoreSamples, scoreWindowed } from './score';
export { explainRow } from './explain';
export { averagePathLength } from './pathlength';
export { scaleBlock } from './scale';

export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export function free(ptr: usize): void {
  if (ptr != 0) heap.free(ptr);
}

/** out: pointer to six pointers (nodeCount, feature, threshold, left, right, size), each pre-sized by JS. */
export function train(
  data: usize,
  n: i32,
  d: i32,
  nTrees: i32,
  psi: i32,
  maxDepth: i32,
  featuresPerTree: i32,
  bootstrap: i32,
  seed: u32,
  out: usize,
): i32 {
  return trainForest(data, n, d, nTrees, psi, maxDepth, featuresPerTree, bootstrap != 0, seed, changetype<TrainOutput>(out));
}
export {
  createWindow,
  growWindow,
  resetWindow,
  freeWindow,
  transformWindow,
  transformColumns,
  windowSlotBytes,
  windowSlotPointer,
  clearWindowSlot,
} from './window';

/** As train(), for an Extended Isolation Forest; out's threshold array holds f64, normals f64[trees * cap * d]. */
export function trainHyperplanes(
  data: usize,
  n: i32,
  d: i32,
  nTrees: i32,
  psi: i32,
  maxDepth: i32,
  extensionLevel: i32,
  seed: u32,
  out: usize,
  normals: usize,
): i32 {
  return trainExtended(data, n, d, nTrees, psi, maxDepth, extensionLevel, seed, changetype<TrainOutput>(out), normals);
}
export { scanCmapssLines } from './cmapss-lines';
export { profileColumn } from './profile-column';
