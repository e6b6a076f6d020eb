// Thin, synchronous bindings over the Wasm exports. Owns every pointer it hands to
// Wasm and frees it in `finally`; reads results through views rebuilt after each
// call (memory may have grown), copying each result out exactly once.

export interface EngineExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  free(ptr: number): void;
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
  growWindow(handle: number, slots: number): void;
  resetWindow(handle: number): void;
  freeWindow(handle: number): void;
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
  /** Scaled rows, row-major f32, n × d. */
  rows: Float32Array;
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

type TypedArray = Float64Array | Float32Array | Int32Array | Uint8Array;

export class WasmEngine {
  private readonly wasm: EngineExports;

  private constructor(wasm: EngineExports) {
    this.wasm = wasm;
  }

  static async fromBytes(bytes: BufferSource): Promise<WasmEngine> {
    const aborts = new AbortImport();
    const { instance } = await WebAssembly.instantiate(bytes, { env: aborts.env });
    return WasmEngine.bind(instance, aborts);
  }

  /** http(s) URLs stream; file: URLs (Node, whose fetch does not read files) are read whole. */
  static async fromUrl(url: string | URL): Promise<WasmEngine> {
    if (String(url).startsWith('file:')) return WasmEngine.fromBytes(await readFileUrl(String(url)));
    const aborts = new AbortImport();
    const { instance } = await WebAssembly.instantiateStreaming(fetch(url), { env: aborts.env });
    return WasmEngine.bind(instance, aborts);
  }

  private static bind(instance: WebAssembly.Instance, aborts: AbortImport): WasmEngine {
    const wasm = instance.exports as unknown as EngineExports;
    aborts.memory = wasm.memory;
    return new WasmEngine(wasm);
  }

  get memoryBytes(): number {
    return this.wasm.memory.buffer.byteLength;
  }

  averagePathLength(n: number): number {
    return this.wasm.averagePathLength(n);
  }

  /** Scales columns into row-major f32 exactly as scoring does (so trees see identical values). */
  scaleColumns(columns: readonly Float64Array[], mean: Float64Array, scale: Float64Array): Float32Array {
    const d = columns.length;
    const n = d ? columns[0].length : 0;
    const out = new Float32Array(n * d);
    this.withColumns(columns, 0, n, (colPtrs) => {
      const owned = this.allocMany([mean.byteLength, scale.byteLength, Math.max(4, n * d * 4), Math.max(1, n)]);
      try {
        const [meanPtr, scalePtr, outPtr, missingPtr] = owned;
        this.put(meanPtr, mean);
        this.put(scalePtr, scale);
        this.wasm.scaleBlock(0, colPtrs, 0, d, 0, n, meanPtr, scalePtr, outPtr, missingPtr);
        out.set(new Float32Array(this.wasm.memory.buffer, outPtr, n * d));
      } finally {
        owned.forEach((p) => this.wasm.free(p));
      }
    });
    return out;
  }

  train(req: TrainRequest): SparseForest {
    const cap = 2 * req.psi - 1;
    const total = req.trees * cap;
    const extended = req.extensionLevel !== undefined;
    const owned = this.allocMany([
      req.rows.byteLength,
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
      this.put(dataPtr, req.rows);
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
    const arrays: TypedArray[] = [spec.offsets, spec.feature, spec.threshold, spec.left, spec.right, spec.size, spec.mean, spec.scale];
    if (spec.normals) arrays.push(spec.normals);
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
      return handle;
    } finally {
      owned.forEach((p) => this.wasm.free(p));
    }
  }

  freeForest(handle: number): void {
    this.wasm.freeForest(handle);
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
      this.withColumns(columns, start, count, (colPtrs) => {
        const outPtr = this.wasm.alloc(count * 8);
        try {
          unscorable += this.wasm.scoreSamples(handle, 0, colPtrs, 0, count, outPtr);
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
      this.withColumns(columns, start, count, (colPtrs) => {
        const owned = this.allocMany([count * 4, count * 8]);
        try {
          const [slotPtr, outPtr] = owned;
          this.put(slotPtr, slots.subarray(start, start + count));
          unscorable += this.wasm.scoreWindowed(handle, window, 0, colPtrs, 0, slotPtr, count, outPtr);
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
    const owned = this.allocMany([block.byteLength, slots.byteLength, n * 8]);
    try {
      const [inPtr, slotPtr, outPtr] = owned;
      this.put(inPtr, block);
      this.put(slotPtr, slots);
      const unscorable = this.wasm.scoreWindowed(handle, window, 1, inPtr, stride, slotPtr, n, outPtr);
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
    const owned = this.allocMany([block.byteLength, n * 8]);
    try {
      const [inPtr, outPtr] = owned;
      this.put(inPtr, block);
      const layout = block instanceof Float32Array ? 2 : 1;
      const unscorable = this.wasm.scoreSamples(handle, layout, inPtr, stride, n, outPtr);
      scores.set(new Float64Array(this.wasm.memory.buffer, outPtr, n));
      return { scores, unscorable };
    } finally {
      owned.forEach((p) => this.wasm.free(p));
    }
  }

  explain(handle: number, row: Float64Array): { attribution: Float64Array; meanPathLength: number } {
    const owned = this.allocMany([row.byteLength, row.byteLength]);
    try {
      const [rowPtr, outPtr] = owned;
      this.put(rowPtr, row);
      const meanPathLength = this.wasm.explainRow(handle, rowPtr, outPtr);
      return { attribution: new Float64Array(this.wasm.memory.buffer, outPtr, row.length).slice(), meanPathLength };
    } finally {
      owned.forEach((p) => this.wasm.free(p));
    }
  }

  createWindow(inputs: number, baseline: number, size: number, stats: number, slots: number): number {
    const handle = this.wasm.createWindow(inputs, baseline, size, stats, slots);
    if (!handle) throw new Error('engine: out of Wasm memory for window state');
    return handle;
  }

  growWindow(handle: number, slots: number): void {
    this.wasm.growWindow(handle, slots);
  }

  resetWindow(handle: number): void {
    this.wasm.resetWindow(handle);
  }

  freeWindow(handle: number): void {
    this.wasm.freeWindow(handle);
  }

  /** Causal window features for a row-major block (one copy in, one out). */
  transformWindow(handle: number, block: Float64Array, slots: Int32Array, widthOut: number, out?: Float64Array): Float64Array {
    const n = slots.length;
    const result = out ?? new Float64Array(n * widthOut);
    const owned = this.allocMany([block.byteLength, slots.byteLength, n * widthOut * 8]);
    try {
      const [inPtr, slotPtr, outPtr] = owned;
      this.put(inPtr, block);
      this.put(slotPtr, slots);
      this.wasm.transformWindow(handle, inPtr, slotPtr, n, outPtr);
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
    this.withColumns(columns, 0, n, (colPtrs) => {
      const owned = this.allocMany([slots.byteLength, width * 4, n * width * 8]);
      try {
        const [slotPtr, outTable, outBlock] = owned;
        this.put(slotPtr, slots);
        // Output columns sit back to back in one block: the engine steps between them by n * 8.
        new Uint32Array(this.wasm.memory.buffer, outTable, width).set(Array.from({ length: width }, (_, c) => outBlock + c * n * 8));
        this.wasm.transformColumns(handle, colPtrs, slotPtr, n, outTable);
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
    const ptrs: number[] = [];
    try {
      for (const s of sizes) ptrs.push(this.wasm.alloc(Math.max(8, s)));
    } catch (e) {
      ptrs.forEach((p) => this.wasm.free(p));
      throw new Error(`engine: out of Wasm memory (${(e as Error).message})`, { cause: e });
    }
    return ptrs;
  }

  private put(ptr: number, src: TypedArray): void {
    new Uint8Array(this.wasm.memory.buffer, ptr, src.byteLength).set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
  }
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
  memory?: WebAssembly.Memory;
  readonly env = {
    abort: (message: number, file: number, line: number, column: number): never => {
      const text = readWasmString(this.memory, message);
      const where = readWasmString(this.memory, file);
      const detail = [text, where && `at ${where}:${line}:${column}`].filter(Boolean).join(' ');
      throw new Error(`engine: Wasm aborted (an internal invariant failed)${detail ? `: ${detail}` : ''}`);
    },
  };
}

/** An AssemblyScript string: UTF-16 code units, its byte length in the 4 bytes before it. */
function readWasmString(memory: WebAssembly.Memory | undefined, ptr: number): string {
  if (!memory || ptr < 4 || ptr >= memory.buffer.byteLength) return '';
  const bytes = new DataView(memory.buffer).getUint32(ptr - 4, true);
  if (bytes > 2048 || ptr + bytes > memory.buffer.byteLength) return '';
  return new TextDecoder('utf-16le').decode(new Uint8Array(memory.buffer, ptr, bytes & ~1));
}
