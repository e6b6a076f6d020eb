// Thin, synchronous bindings over the Wasm exports. Owns every pointer it hands to
// Wasm and frees it in `finally`; reads results through views rebuilt after each
// call (memory may have grown), copying each result out exactly once.
//
// A trap leaves the instance's heap in an unknown state, and every forest and window
// in it with it. So a trap discards the instance: frees still unwinding from the
// failed call become no-ops, the next call starts a fresh instance of the same module,
// and handles (opaque ids, never raw pointers) from the old one are refused rather than
// dereferenced in the new heap. `generation` counts restarts so owners can reload.
//
// Longer than the ~250 lines other files keep to, on purpose: it is the one typed mirror
// of the Wasm export list, and the trap and handle rules above hold only if every call
// into Wasm goes through this one class; split, a new call could bypass them.
import type { CmapssLineScanner } from '../data/line-scanner.js';
import type { ProfileKernel } from '../data/profile-kernel.js';
import { WasmCmapssScanner, type ScanExports } from './cmapss-scanner.js';
import { WasmColumnProfiler, type ProfileExports } from './column-profiler.js';
import { DataError } from '../data/dataset.js';

/** The kernels' exports; the ingest workers' fast paths declare theirs beside their drivers. */
export interface EngineExports extends ScanExports, ProfileExports {
  train(
    data: number,
    n: number,
    d: number,
    trees: number,
    psi: number,
    depth: number,
    featuresPerTree: number,
    bootstrap: number,
    seed: number,
    out: number,
  ): number;
  compileForest(
    trees: number,
    depth: number,
    d: number,
    psi: number,
    offsets: number,
    feature: number,
    threshold: number,
    left: number,
    right: number,
    size: number,
    mean: number,
    scale: number,
    normals: number,
  ): number;
  trainHyperplanes(
    data: number,
    n: number,
    d: number,
    trees: number,
    psi: number,
    depth: number,
    extensionLevel: number,
    seed: number,
    out: number,
    normals: number,
  ): number;
  freeForest(handle: number): void;
  scoreSamples(handle: number, layout: number, src: number, stride: number, n: number, out: number): number;
  explainRow(handle: number, row: number, out: number): number;
  scaleBlock(
    layout: number,
    src: number,
    stride: number,
    d: number,
    row0: number,
    count: number,
    mean: number,
    scale: number,
    out: number,
    missing: number,
  ): void;
  averagePathLength(n: number): number;
  createWindow(inputs: number, baseline: number, size: number, stats: number, slots: number): number;
  growWindow(handle: number, slots: number): number;
  resetWindow(handle: number): void;
  freeWindow(handle: number): void;
  windowSlotBytes(handle: number): number;
  windowSlotPointer(handle: number, slot: number): number;
  clearWindowSlot(handle: number, slot: number): void;
  transformWindow(handle: number, input: number, slots: number, n: number, out: number): void;
  transformColumns(handle: number, inCols: number, slots: number, n: number, outCols: number): void;
  scoreWindowed(handle: number, window: number, layout: number, src: number, stride: number, slots: number, n: number, out: number): number;
}

/** Flat trees as stored in the model JSON, concatenated; offsets[t] is tree t's first node. */
export interface SparseForest {
  offsets: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  size: Float64Array;
  /** Extended forests: per node, the hyperplane's normal (d values; zeros at leaves). */
  normals?: Float64Array;
}

export interface ForestSpec extends SparseForest {
  depth: number;
  maxSamples: number;
  mean: Float64Array;
  scale: Float64Array;
}

export interface TrainRequest {
  /** Scaled rows, row-major f32, n × d (or more rows, of which `pick` names the n to train on). */
  rows: Float32Array;
  /** The rows of `rows` to train on, in order: copied straight into Wasm, no block of their own in JS. */
  pick?: Int32Array;
  n: number;
  d: number;
  trees: number;
  psi: number;
  depthLimit: number;
  featuresPerTree: number;
  bootstrap: boolean;
  seed: number;
  /** Set for an Extended Isolation Forest: non-zero normal components minus one. */
  extensionLevel?: number;
}

/** Rows copied into Wasm per scoring call: bounds Wasm memory whatever the data size. */
const SCORE_CHUNK_ROWS = 65536;

/**
 * Largest block JS asks Wasm for. alloc() takes a 32-bit size, so a larger request
 * would silently wrap to a small block; the allocator's own limit is just under 1 GiB.
 */
export const MAX_ALLOC_BYTES = 2 ** 30 - 64;

/** Bytes a compiled forest may occupy in the engine: the Wasm side refuses any block over 512 MiB too. */
export const MAX_COMPILED_BYTES = 2 ** 29;

/**
 * Bytes compileForest allocates for `trees` complete trees of depth `depth` over `d`
 * features (wasm/assembly/forest.ts), in f64 so nothing wraps: per tree 2^depth - 1 split
 * slots of 8 bytes, as many f64 for c(size) at each split (the explanation's credits) and
 * 2^depth leaves of 8; hyperplane forests add d + 1 f64 per split slot.
 */
export function compiledForestBytes(trees: number, depth: number, d: number, extended: boolean): number {
  const slots = trees * 2 ** depth;
  const splits = slots - trees;
  return 2 * (splits * 8 + 8) + slots * 8 + 16 * d + (extended ? splits * (d + 1) * 8 + 16 : 0);
}

/** A call into Wasm trapped (or the engine aborted); the instance it ran in was discarded. */
export class EngineTrap extends Error {
  override name = 'EngineTrap';
}

type TypedArray = Float64Array | Float32Array | Int32Array | Uint8Array;

export class WasmEngine {
  private readonly module: WebAssembly.Module;
  private wasm: EngineExports;
  private dead = false;
  private restarts = 0;
  private nextId = 1;
  private readonly forests = new Map<number, number>();
  private readonly windows = new Map<number, number>();
  private spare?: WasmEngine;

  private constructor(module: WebAssembly.Module, instance: WebAssembly.Instance) {
    this.module = module;
    this.wasm = this.guarded(instance);
  }

  static async fromBytes(bytes: BufferSource): Promise<WasmEngine> {
    const module = await WebAssembly.compile(bytes);
    const aborts = new AbortImport();
    return new WasmEngine(module, aborts.attach(await WebAssembly.instantiate(module, { env: aborts.env })));
  }

  /** http(s) URLs stream; file: URLs (Node, whose fetch does not read files) are read whole. */
  static async fromUrl(url: string | URL): Promise<WasmEngine> {
    if (String(url).startsWith('file:')) return WasmEngine.fromBytes(await readFileUrl(String(url)));
    const aborts = new AbortImport();
    const { module, instance } = await WebAssembly.instantiateStreaming(fetch(url), { env: aborts.env });
    return new WasmEngine(module, aborts.attach(instance));
  }

  /** How many times a trap discarded the instance: handles from an earlier generation are gone. */
  get generation(): number {
    return this.restarts;
  }

  /**
   * A separate instance of the same module (kept for reuse), where an untrusted model can
   * be compiled and probed: whatever it does there cannot touch this engine's heap.
   */
  sandbox(): WasmEngine {
    this.spare ??= new WasmEngine(this.module, instanceOf(this.module));
    return this.spare;
  }

  /**
   * A new instance of the same module, not kept: a big job (a training) grows its memory,
   * which Wasm never shrinks, and the memory goes when the job drops the instance.
   */
  detached(): WasmEngine {
    return new WasmEngine(this.module, instanceOf(this.module));
  }

  /** Drops the sandbox once it has grown (or trapped), so one large probe does not pin its memory. */
  releaseSandbox(keepBytes = 0): void {
    if (this.spare && (this.spare.dead || this.spare.memoryBytes > keepBytes)) this.spare = undefined;
  }

  get memoryBytes(): number {
    return this.live().memory.buffer.byteLength;
  }

  /** The C-MAPSS reader's fast path on this instance; its scratch (about 6 MB) stays allocated while the instance lives. */
  cmapssScanner(): CmapssLineScanner {
    return new WasmCmapssScanner(this.live());
  }

  /** The profile's fast path on this instance; its windows (about 1 MB) and one distinct-value table stay allocated while the instance lives. */
  columnProfiler(): ProfileKernel {
    return new WasmColumnProfiler(this.live());
  }

  averagePathLength(n: number): number {
    return this.live().averagePathLength(n);
  }

  /** Scales columns into row-major f32 exactly as scoring does (so trees see identical values). */
  /**
   * The columns scaled into one row-major f32 block, in chunks of rows (each row scales on
   * its own, so the block is the same): the whole input never sits in Wasm memory at once,
   * which would keep the memory grown by its size for the rest of the session.
   */
  scaleColumns(columns: readonly Float64Array[], mean: Float64Array, scale: Float64Array): Float32Array {
    const d = columns.length;
    const n = d ? columns[0].length : 0;
    const out = new Float32Array(n * d);
    this.live();
    for (let start = 0; start < n; start += SCORE_CHUNK_ROWS) {
      const count = Math.min(SCORE_CHUNK_ROWS, n - start);
      this.withColumns(columns, start, count, (colPtrs) => {
        const owned = this.allocMany([mean.byteLength, scale.byteLength, Math.max(4, count * d * 4), Math.max(1, count)]);
        try {
          const [meanPtr, scalePtr, outPtr, missingPtr] = owned;
          this.put(meanPtr, mean);
          this.put(scalePtr, scale);
          this.wasm.scaleBlock(0, colPtrs, 0, d, 0, count, meanPtr, scalePtr, outPtr, missingPtr);
          out.set(new Float32Array(this.wasm.memory.buffer, outPtr, count * d), start * d);
        } finally {
          owned.forEach((p) => this.wasm.free(p));
        }
      });
    }
    return out;
  }

  train(req: TrainRequest): SparseForest {
    const cap = 2 * req.psi - 1;
    const total = req.trees * cap;
    const extended = req.extensionLevel !== undefined;
    if (req.pick ? req.pick.length !== req.n : req.rows.length < req.n * req.d)
      throw new Error(`engine: training was given ${req.pick?.length ?? req.rows.length / req.d} rows for n = ${req.n}`);
    this.live();
    const owned = this.allocMany([
      req.n * req.d * 4,
      req.trees * 4,
      total * 4,
      total * (extended ? 8 : 4),
      total * 4,
      total * 4,
      total * 4,
      24,
      extended ? total * req.d * 8 : 8,
    ]);
    try {
      const [dataPtr, countPtr, featPtr, thrPtr, leftPtr, rightPtr, sizePtr, outPtr, normalPtr] = owned;
      if (req.pick) this.putRows(dataPtr, req.rows, req.pick, req.d);
      else this.put(dataPtr, req.rows.subarray(0, req.n * req.d));
      new Uint32Array(this.wasm.memory.buffer, outPtr, 6).set([countPtr, featPtr, thrPtr, leftPtr, rightPtr, sizePtr]);
      const status = extended
        ? this.wasm.trainHyperplanes(
            dataPtr,
            req.n,
            req.d,
            req.trees,
            req.psi,
            req.depthLimit,
            req.extensionLevel!,
            req.seed >>> 0,
            outPtr,
            normalPtr,
          )
        : this.wasm.train(
            dataPtr,
            req.n,
            req.d,
            req.trees,
            req.psi,
            req.depthLimit,
            req.featuresPerTree,
            req.bootstrap ? 1 : 0,
            req.seed >>> 0,
            outPtr,
          );
      if (status !== 0) throw new Error(`engine: training rejected its parameters (status ${status})`);
      const buf = this.wasm.memory.buffer;
      const counts = new Int32Array(buf, countPtr, req.trees);
      const offsets = new Int32Array(req.trees + 1);
      for (let t = 0; t < req.trees; t++) offsets[t + 1] = offsets[t] + counts[t];
      const nodes = offsets[req.trees];
      const forest: SparseForest = {
        offsets,
        feature: new Int32Array(nodes),
        threshold: new Float64Array(nodes),
        left: new Int32Array(nodes),
        right: new Int32Array(nodes),
        size: new Float64Array(nodes),
      };
      const feat = new Int32Array(buf, featPtr, total);
      const thr = extended ? new Float64Array(buf, thrPtr, total) : new Float32Array(buf, thrPtr, total);
      const normals = extended ? new Float64Array(buf, normalPtr, total * req.d) : undefined;
      if (normals) forest.normals = new Float64Array(nodes * req.d);
      const left = new Int32Array(buf, leftPtr, total);
      const right = new Int32Array(buf, rightPtr, total);
      const size = new Int32Array(buf, sizePtr, total);
      for (let t = 0; t < req.trees; t++) {
        const from = t * cap;
        const to = from + counts[t];
        const at = offsets[t];
        forest.feature.set(feat.subarray(from, to), at);
        forest.threshold.set(thr.subarray(from, to), at);
        forest.left.set(left.subarray(from, to), at);
        forest.right.set(right.subarray(from, to), at);
        forest.size.set(size.subarray(from, to), at);
        if (normals) forest.normals!.set(normals.subarray(from * req.d, to * req.d), at * req.d);
      }
      return forest;
    } finally {
      owned.forEach((p) => this.wasm.free(p));
    }
  }

  /** Compiles a validated forest into the engine; returns a handle for score/explain. */
  loadForest(spec: ForestSpec): number {
    const trees = spec.offsets.length - 1;
    const d = spec.mean.length;
    const bytes = compiledForestBytes(trees, spec.depth, d, !!spec.normals);
    if (!(trees >= 1 && d >= 1 && Number.isInteger(spec.depth) && spec.depth >= 0 && bytes <= MAX_COMPILED_BYTES)) {
      throw new Error(
        `engine: a forest of ${trees} trees of depth ${spec.depth} over ${d} features needs ${bytes} bytes compiled; the limit is ${MAX_COMPILED_BYTES}`,
      );
    }
    const arrays: TypedArray[] = [spec.offsets, spec.feature, spec.threshold, spec.left, spec.right, spec.size, spec.mean, spec.scale];
    if (spec.normals) arrays.push(spec.normals);
    this.live();
    const owned = this.allocMany(arrays.map((a) => a.byteLength));
    try {
      arrays.forEach((a, i) => this.put(owned[i], a));
      const handle = this.wasm.compileForest(
        trees,
        spec.depth,
        spec.mean.length,
        spec.maxSamples,
        ...(owned.slice(0, 8) as [number, number, number, number, number, number, number, number]),
        spec.normals ? owned[8] : 0,
      );
      if (handle === 0) throw new Error('engine: the forest could not be compiled (depth or size out of range)');
      return this.track(this.forests, handle);
    } finally {
      owned.forEach((p) => this.wasm.free(p));
    }
  }

  /** Frees a forest; a handle from a discarded instance (or freed already) is ignored. */
  freeForest(handle: number): void {
    const ptr = this.forests.get(handle);
    if (ptr === undefined) return;
    this.forests.delete(handle);
    this.live().freeForest(ptr);
  }

  /**
   * score_samples for every row of the feature columns, in chunks so Wasm memory stays
   * bounded. NaN marks a row with a missing feature. Writes into `out` when given.
   */
  score(handle: number, columns: readonly Float64Array[], out?: Float64Array): { scores: Float64Array; unscorable: number } {
    const n = columns.length ? columns[0].length : 0;
    const scores = out ?? new Float64Array(n);
    let unscorable = 0;
    for (let start = 0; start < n; start += SCORE_CHUNK_ROWS) {
      const count = Math.min(SCORE_CHUNK_ROWS, n - start);
      const forest = this.forest(handle);
      this.withColumns(columns, start, count, (colPtrs) => {
        const outPtr = this.wasm.alloc(count * 8);
        try {
          unscorable += this.wasm.scoreSamples(forest, 0, colPtrs, 0, count, outPtr);
          scores.set(new Float64Array(this.wasm.memory.buffer, outPtr, count), start);
        } finally {
          this.wasm.free(outPtr);
        }
      });
    }
    return { scores, unscorable };
  }

  /**
   * score_samples with the recipe's window features computed inside the scoring pass.
   * Columnar raw inputs (in time order within each unit), chunked like score().
   */
  scoreWindowedColumns(
    handle: number,
    window: number,
    columns: readonly Float64Array[],
    slots: Int32Array,
    out?: Float64Array,
  ): { scores: Float64Array; unscorable: number } {
    const n = slots.length;
    const scores = out ?? new Float64Array(n);
    let unscorable = 0;
    for (let start = 0; start < n; start += SCORE_CHUNK_ROWS) {
      const count = Math.min(SCORE_CHUNK_ROWS, n - start);
      const forest = this.forest(handle);
      const state = this.window(window);
      this.withColumns(columns, start, count, (colPtrs) => {
        const owned = this.allocMany([count * 4, count * 8]);
        try {
          const [slotPtr, outPtr] = owned;
          this.put(slotPtr, slots.subarray(start, start + count));
          unscorable += this.wasm.scoreWindowed(forest, state, 0, colPtrs, 0, slotPtr, count, outPtr);
          scores.set(new Float64Array(this.wasm.memory.buffer, outPtr, count), start);
        } finally {
          owned.forEach((p) => this.wasm.free(p));
        }
      });
    }
    return { scores, unscorable };
  }

  /** The same for a streamed row-major batch of raw inputs (`stride` values per row). */
  scoreWindowedRows(
    handle: number,
    window: number,
    block: Float64Array,
    stride: number,
    slots: Int32Array,
  ): { scores: Float64Array; unscorable: number } {
    const n = slots.length;
    const forest = this.forest(handle);
    const state = this.window(window);
    const owned = this.allocMany([block.byteLength, slots.byteLength, n * 8]);
    try {
      const [inPtr, slotPtr, outPtr] = owned;
      this.put(inPtr, block);
      this.put(slotPtr, slots);
      const unscorable = this.wasm.scoreWindowed(forest, state, 1, inPtr, stride, slotPtr, n, outPtr);
      return { scores: new Float64Array(this.wasm.memory.buffer, outPtr, n).slice(), unscorable };
    } finally {
      owned.forEach((p) => this.wasm.free(p));
    }
  }

  /** score_samples for a row-major block (a streamed batch): `stride` values per row, features first. */
  scoreRowMajor(
    handle: number,
    block: Float64Array | Float32Array,
    stride: number,
    out?: Float64Array,
  ): { scores: Float64Array; unscorable: number } {
    const n = Math.floor(block.length / stride);
    const scores = out ?? new Float64Array(n);
    const forest = this.forest(handle);
    const owned = this.allocMany([block.byteLength, n * 8]);
    try {
      const [inPtr, outPtr] = owned;
      this.put(inPtr, block);
      const layout = block instanceof Float32Array ? 2 : 1;
      const unscorable = this.wasm.scoreSamples(forest, layout, inPtr, stride, n, outPtr);
      scores.set(new Float64Array(this.wasm.memory.buffer, outPtr, n));
      return { scores, unscorable };
    } finally {
      owned.forEach((p) => this.wasm.free(p));
    }
  }

  explain(handle: number, row: Float64Array): { attribution: Float64Array; meanPathLength: number } {
    const forest = this.forest(handle);
    const owned = this.allocMany([row.byteLength, row.byteLength]);
    try {
      const [rowPtr, outPtr] = owned;
      this.put(rowPtr, row);
      const meanPathLength = this.wasm.explainRow(forest, rowPtr, outPtr);
      return { attribution: new Float64Array(this.wasm.memory.buffer, outPtr, row.length).slice(), meanPathLength };
    } finally {
      owned.forEach((p) => this.wasm.free(p));
    }
  }

  createWindow(inputs: number, baseline: number, size: number, stats: number, slots: number): number {
    const ptr = this.live().createWindow(inputs, baseline, size, stats, slots);
    if (!ptr) throw windowTooLarge(inputs, size, slots);
    return this.track(this.windows, ptr);
  }

  growWindow(handle: number, slots: number): void {
    const w = this.window(handle);
    if (this.wasm.growWindow(w, slots) !== 0) throw windowTooLarge(undefined, undefined, slots);
  }

  resetWindow(handle: number): void {
    this.wasm.resetWindow(this.window(handle));
  }

  /** One unit slot's window state, copied out once (a snapshot that outlives the engine's memory growth). */
  readWindowSlot(handle: number, slot: number): Float64Array {
    const w = this.window(handle);
    const at = this.wasm.windowSlotPointer(w, slot);
    if (!at) throw new Error(`engine: no window slot ${slot}`);
    return new Float64Array(this.wasm.memory.buffer, at, this.wasm.windowSlotBytes(w) / 8).slice();
  }

  /** Puts a snapshot of readWindowSlot back into a slot (same recipe: same size). */
  writeWindowSlot(handle: number, slot: number, words: Float64Array): void {
    const w = this.window(handle);
    const at = this.wasm.windowSlotPointer(w, slot);
    if (!at || words.length * 8 !== this.wasm.windowSlotBytes(w)) throw new Error(`engine: window slot ${slot} does not fit this state`);
    new Float64Array(this.wasm.memory.buffer, at, words.length).set(words);
  }

  /** Forgets one unit slot's window state. */
  clearWindowSlot(handle: number, slot: number): void {
    this.wasm.clearWindowSlot(this.window(handle), slot);
  }

  /** Frees window state; a handle from a discarded instance (or freed already) is ignored. */
  freeWindow(handle: number): void {
    const ptr = this.windows.get(handle);
    if (ptr === undefined) return;
    this.windows.delete(handle);
    this.live().freeWindow(ptr);
  }

  /** Causal window features for a row-major block (one copy in, one out). */
  transformWindow(handle: number, block: Float64Array, slots: Int32Array, widthOut: number, out?: Float64Array): Float64Array {
    const n = slots.length;
    const result = out ?? new Float64Array(n * widthOut);
    const state = this.window(handle);
    const owned = this.allocMany([block.byteLength, slots.byteLength, n * widthOut * 8]);
    try {
      const [inPtr, slotPtr, outPtr] = owned;
      this.put(inPtr, block);
      this.put(slotPtr, slots);
      this.wasm.transformWindow(state, inPtr, slotPtr, n, outPtr);
      result.set(new Float64Array(this.wasm.memory.buffer, outPtr, n * widthOut));
      return result;
    } finally {
      owned.forEach((p) => this.wasm.free(p));
    }
  }

  /** Causal window features for columns (a dataset chunk in per-unit time order); one copy in, one out. */
  transformColumns(
    handle: number,
    columns: readonly Float64Array[],
    slots: Int32Array,
    width: number,
    out: Float64Array[],
    at: number,
  ): void {
    const n = slots.length;
    const state = this.window(handle);
    this.withColumns(columns, 0, n, (colPtrs) => {
      const owned = this.allocMany([slots.byteLength, width * 4, n * width * 8]);
      try {
        const [slotPtr, outTable, outBlock] = owned;
        this.put(slotPtr, slots);
        // Output columns sit back to back in one block: the engine steps between them by n * 8.
        new Uint32Array(this.wasm.memory.buffer, outTable, width).set(Array.from({ length: width }, (_, c) => outBlock + c * n * 8));
        this.wasm.transformColumns(state, colPtrs, slotPtr, n, outTable);
        const block = new Float64Array(this.wasm.memory.buffer, outBlock, n * width);
        for (let c = 0; c < width; c++) out[c].set(block.subarray(c * n, (c + 1) * n), at);
      } finally {
        owned.forEach((p) => this.wasm.free(p));
      }
    });
  }

  private withColumns(columns: readonly Float64Array[], start: number, count: number, body: (colPtrs: number) => void): void {
    const d = columns.length;
    const owned = this.allocMany([d * 4, ...columns.map(() => Math.max(8, count * 8))]);
    try {
      const [table, ...cols] = owned;
      new Uint32Array(this.wasm.memory.buffer, table, d).set(cols);
      columns.forEach((c, i) => this.put(cols[i], c.subarray(start, start + count)));
      body(table);
    } finally {
      owned.forEach((p) => this.wasm.free(p));
    }
  }

  private allocMany(sizes: number[]): number[] {
    const tooBig = sizes.find((s) => !(s <= MAX_ALLOC_BYTES));
    if (tooBig !== undefined) throw new Error(`engine: a block of ${tooBig} bytes is more than the engine's limit of ${MAX_ALLOC_BYTES}`);
    const ptrs: number[] = [];
    try {
      for (const s of sizes) ptrs.push(this.wasm.alloc(Math.max(8, s)));
    } catch (e) {
      ptrs.forEach((p) => this.wasm.free(p));
      throw new (e instanceof EngineTrap ? EngineTrap : Error)(`engine: out of Wasm memory (${(e as Error).message})`, { cause: e });
    }
    return ptrs;
  }

  /** The live exports, starting a fresh instance if a trap discarded the last one. */
  private live(): EngineExports {
    if (this.dead) {
      this.wasm = this.guarded(instanceOf(this.module));
      this.dead = false;
    }
    return this.wasm;
  }

  private track(table: Map<number, number>, ptr: number): number {
    const id = this.nextId++;
    table.set(id, ptr);
    return id;
  }

  private forest(handle: number): number {
    const ptr = this.forests.get(handle);
    if (ptr === undefined) throw new EngineTrap('engine: this forest is gone (freed, or lost when the engine restarted after a trap)');
    this.live();
    return ptr;
  }

  private window(handle: number): number {
    const ptr = this.windows.get(handle);
    if (ptr === undefined)
      throw new EngineTrap('engine: this window state is gone (freed, or lost when the engine restarted after a trap)');
    this.live();
    return ptr;
  }

  /**
   * The instance's exports, each wrapped so that a throw from inside Wasm discards the
   * instance before it propagates; calls through a discarded instance's exports then
   * free nothing and run nothing.
   */
  private guarded(instance: WebAssembly.Instance): EngineExports {
    const raw = instance.exports as unknown as Record<string, unknown>;
    const exports = { memory: raw.memory } as Record<string, unknown>;
    for (const [name, fn] of Object.entries(raw)) {
      if (typeof fn !== 'function') continue;
      const call = fn as (...args: number[]) => number;
      exports[name] = (...args: number[]): number | undefined => {
        if (this.wasm !== (exports as unknown as EngineExports) || this.dead) {
          if (name === 'free') return undefined;
          throw new EngineTrap('engine: this Wasm instance was discarded after a trap');
        }
        try {
          return call(...args);
        } catch (e) {
          this.discard();
          throw new EngineTrap(`engine: Wasm trapped in ${name} (${(e as Error).message}); the engine instance was discarded`);
        }
      };
    }
    return exports as unknown as EngineExports;
  }

  private discard(): void {
    this.dead = true;
    this.restarts++;
    this.forests.clear();
    this.windows.clear();
  }

  /** Rows `pick` of a row-major f32 block, in order, written at ptr. */
  private putRows(ptr: number, block: Float32Array, pick: Int32Array, d: number): void {
    const to = new Float32Array(this.wasm.memory.buffer, ptr, pick.length * d);
    for (let i = 0, k = 0; i < pick.length; i++) for (let j = pick[i] * d, end = j + d; j < end; j++) to[k++] = block[j];
  }

  private put(ptr: number, src: TypedArray): void {
    new Uint8Array(this.wasm.memory.buffer, ptr, src.byteLength).set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
  }
}

/** Window state grows with the units in the data: too many is a property of the data, said as such. */
function windowTooLarge(inputs: number | undefined, size: number | undefined, slots: number): Error {
  const what = inputs === undefined ? '' : ` (${inputs} inputs, window ${size})`;
  return new DataError(`the data has too many units for the model's window features: state for ${slots} units${what} is over 512 MiB`);
}

/** A further instance of a compiled module (sandbox, or a restart after a trap), with its own abort import. */
function instanceOf(module: WebAssembly.Module): WebAssembly.Instance {
  const aborts = new AbortImport();
  return aborts.attach(new WebAssembly.Instance(module, { env: aborts.env }));
}

/** Reads a file: URL in Node without importing node:fs, so browser bundles stay free of it. */
async function readFileUrl(url: string): Promise<BufferSource> {
  const fs = globalThis.process?.getBuiltinModule?.('node:fs/promises');
  if (!fs) throw new Error(`engine: cannot read ${url} here (file: URLs need Node 20.16 or later)`);
  return fs.readFile(new URL(url));
}

/**
 * The module's env.abort. The release build asserts nothing; the debug build's asserts
 * (e.g. the allocator's, on a double free) pass their message and place, which the error names.
 */
class AbortImport {
  private memory?: WebAssembly.Memory;
  readonly env = {
    abort: (message: number, file: number, line: number, column: number): never => {
      const text = readWasmString(this.memory, message);
      const where = readWasmString(this.memory, file);
      const detail = [text, where && `at ${where}:${line}:${column}`].filter(Boolean).join(' ');
      throw new Error(`engine: Wasm aborted (an internal invariant failed)${detail ? `: ${detail}` : ''}`);
    },
  };

  attach(instance: WebAssembly.Instance): WebAssembly.Instance {
    this.memory = instance.exports.memory as WebAssembly.Memory;
    return instance;
  }
}

/** An AssemblyScript string: UTF-16 code units, its byte length in the 4 bytes before it. */
function readWasmString(memory: WebAssembly.Memory | undefined, ptr: number): string {
  if (!memory || ptr < 4 || ptr >= memory.buffer.byteLength) return '';
  const bytes = new DataView(memory.buffer).getUint32(ptr - 4, true);
  if (bytes > 2048 || ptr + bytes > memory.buffer.byteLength) return '';
  return new TextDecoder('utf-16le').decode(new Uint8Array(memory.buffer, ptr, bytes & ~1));
}
