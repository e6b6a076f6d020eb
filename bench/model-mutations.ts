// Mutated model JSON for the property tests (test/model-fuzz.test.ts) and the standalone
// fuzzer (bench/fuzz-models.ts): fast-check arbitraries that describe edits to a valid
// base model (numbers made huge, negative, non-finite or strings; arrays cut or grown;
// tree links bent into cycles or out of range; trees deepened, duplicated, widened; the
// text itself cut or corrupted), the code that applies them, and the judge: a model is
// either refused with a clear model error, or it loads and scores every finite reading
// with a proper score while the model loaded before it scores exactly as it did.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { ModelJson, TreeJson } from '../src/model/types.js';
import type { WasmEngine } from '../src/engine/wasm-engine.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { parseModelText } from '../src/model/validate.js';
import { probeRows } from '../src/model/probe.js';
import { trainModel } from '../src/model/train.js';
import { ingestFiles } from '../src/data/ingest.js';

/** JSON has no Infinity: these stand in for 1e999 / -1e999 until the text is written. */
const POS_INF = '__isoscope_fuzz_+inf__';
const NEG_INF = '__isoscope_fuzz_-inf__';
const BARE_NAN = '__isoscope_fuzz_nan__';

/** A value written into a number's place. */
export type Weird = number | string | null | boolean | unknown[] | Record<string, never>;

const SPECIAL_NUMBERS = [
  0,
  -0,
  1,
  -1,
  2,
  -2,
  0.5,
  3,
  7,
  255,
  256,
  65535,
  65536,
  65537,
  131071,
  131072,
  2 ** 24,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  2 ** 32,
  2 ** 32 + 8,
  2 ** 53,
  1e100,
  1e101,
  -1e101,
  1e200,
  1e300,
  -1e300,
  8.99e307,
  9e307,
  -9e307,
  1.7976931348623157e308,
  -1.7976931348623157e308,
  5e-324,
  -5e-324,
  1e-300,
  2.220446049250313e-16,
  3.4028234663852886e38,
];
const SPECIAL_OTHERS: Weird[] = [POS_INF, NEG_INF, BARE_NAN, 'NaN', 'Infinity', '-Infinity', '1e999', '', '0', null, true, [], {}];

export const weird: fc.Arbitrary<Weird> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...SPECIAL_NUMBERS) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_OTHERS) },
  { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 2, arbitrary: fc.integer({ min: -5, max: 70000 }) },
);

/** Where a numeric edit lands: weighted toward the forest, where the engine reads. */
export type Region =
  'feature' | 'threshold' | 'left' | 'right' | 'size' | 'normal' | 'mean' | 'scale' | 'scalar' | 'training' | 'recipe' | 'alarm';
const region: fc.Arbitrary<Region> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Region>('feature', 'threshold', 'left', 'right', 'size', 'normal') },
  { weight: 1, arbitrary: fc.constantFrom<Region>('mean', 'scale', 'scalar', 'training', 'recipe', 'alarm') },
);
const TREE_ARRAYS = ['feature', 'threshold', 'left', 'right', 'size', 'normal'] as const;
type TreeArray = (typeof TREE_ARRAYS)[number];

export type Mutation =
  | { op: 'set'; region: Region; at: number; index: number; value: Weird }
  | { op: 'multiply'; region: Region; at: number; index: number; factor: number }
  | { op: 'truncate'; array: TreeArray | 'mean' | 'scale' | 'features' | 'trees'; at: number; keep: number }
  | { op: 'grow'; array: TreeArray | 'mean' | 'scale' | 'features'; at: number; extra: number; value: Weird }
  | {
      op: 'link';
      tree: number;
      node: number;
      side: 'left' | 'right';
      target: 'root' | 'self' | 'parent' | 'sibling' | 'n' | 'far' | 'leaf' | 'minus2';
    }
  | { op: 'maxSamples'; value: Weird }
  | { op: 'chain'; tree: number; depth: number }
  | { op: 'duplicate'; tree: number; copies: number }
  | { op: 'kind'; extended: boolean; extensionLevel: Weird; normals: 'keep' | 'drop' | 'zeros' | 'huge' }
  | { op: 'widen'; features: number }
  | { op: 'delete'; key: string }
  | { op: 'recipe'; field: 'window' | 'inputs' | 'baseline' | 'stats' | 'regimes' | 'drop'; value: number }
  | { op: 'text'; kind: 'cut' | 'byte' | 'insert'; at: number; byte: number };

const nat = fc.nat({ max: 1_000_000 });
const TOP_KEYS = [
  'format',
  'version',
  'id',
  'createdAt',
  'features',
  'scaler',
  'forest',
  'threshold',
  'training',
  'metrics',
  'recipe',
  'alarm',
];

/** One edit; `heavy` adds the ones that write tens of megabytes of text (too slow for the unit suite). */
export const mutationArb = (heavy: boolean): fc.Arbitrary<Mutation> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.record({ op: fc.constant('set' as const), region, at: nat, index: nat, value: weird }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('multiply' as const),
        region,
        at: nat,
        index: nat,
        factor: fc.constantFrom(-1, 2, 1e10, 1e100, 1e300, -1e308, 1e-300, 0),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('truncate' as const),
        array: fc.constantFrom(...TREE_ARRAYS, 'mean' as const, 'scale' as const, 'features' as const, 'trees' as const),
        at: nat,
        keep: fc.oneof(fc.constant(0), fc.constant(1), fc.nat({ max: 400 })),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('grow' as const),
        array: fc.constantFrom(...TREE_ARRAYS, 'mean' as const, 'scale' as const, 'features' as const),
        at: nat,
        extra: fc.integer({ min: 1, max: 50 }),
        value: weird,
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        op: fc.constant('link' as const),
        tree: nat,
        node: nat,
        side: fc.constantFrom('left' as const, 'right' as const),
        target: fc.constantFrom(
          'root' as const,
          'self' as const,
          'parent' as const,
          'sibling' as const,
          'n' as const,
          'far' as const,
          'leaf' as const,
          'minus2' as const,
        ),
      }),
    },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('maxSamples' as const), value: weird }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('chain' as const), tree: nat, depth: fc.integer({ min: 1, max: 40 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('duplicate' as const),
        tree: nat,
        copies: heavy ? fc.oneof(fc.integer({ min: 1, max: 50 }), fc.constant(10001)) : fc.integer({ min: 1, max: 50 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('kind' as const),
        extended: fc.boolean(),
        extensionLevel: fc.oneof(fc.integer({ min: -1, max: 20 }), weird),
        normals: fc.constantFrom('keep' as const, 'drop' as const, 'zeros' as const, 'huge' as const),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('widen' as const),
        features: heavy ? fc.constantFrom(2, 15, 64, 1000, 4096, 4097) : fc.constantFrom(2, 15, 64, 300),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('delete' as const),
        key: fc.constantFrom(...TOP_KEYS, 'forest.trees', 'forest.kind', 'scaler.scale'),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('recipe' as const),
        field: fc.constantFrom(
          'window' as const,
          'inputs' as const,
          'baseline' as const,
          'stats' as const,
          'regimes' as const,
          'drop' as const,
        ),
        value: fc.oneof(fc.integer({ min: -1, max: 5000 }), fc.constant(1e9)),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('text' as const),
        kind: fc.constantFrom('cut' as const, 'byte' as const, 'insert' as const),
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        byte: fc.integer({ min: 0, max: 255 }),
      }),
    },
  );

/** An extended tree that is a left spine of `depth` splits: 2·depth + 1 nodes, `d` normal values each. */
export function chainTree(depth: number, d: number, normal = 1): TreeJson {
  const t: Required<TreeJson> = { feature: [], threshold: [], left: [], right: [], size: [], normal: [] };
  for (let i = 0; i < depth; i++) {
    t.feature.push(0, -1);
    t.threshold.push(0, 0);
    t.size.push(2, 1);
    t.left.push(2 * i + 1, -1);
    t.right.push(2 * i + 2, -1);
    for (let f = 0; f < d; f++) t.normal.push(f === 0 ? normal : 0);
    for (let f = 0; f < d; f++) t.normal.push(0);
  }
  t.feature.push(-1);
  t.threshold.push(0);
  t.left.push(-1);
  t.right.push(-1);
  t.size.push(1);
  for (let f = 0; f < d; f++) t.normal.push(0);
  return t;
}

/** A schema-valid Extended Isolation Forest of chain trees: the shape of the reported 32-bit wrap. */
export function syntheticExtended(o: { features: number; trees: number; depth: number; normal?: number }): ModelJson {
  const features = Array.from({ length: o.features }, (_, i) => `f${i}`);
  return {
    format: 'isoscope-model',
    version: 1,
    id: 'synthetic-eif',
    createdAt: '2026-01-01T00:00:00Z',
    features,
    scaler: { mean: features.map(() => 0), scale: features.map(() => 1) },
    forest: {
      kind: 'extended-isolation-forest',
      extensionLevel: 0,
      maxSamples: 256,
      trees: Array.from({ length: o.trees }, () => chainTree(o.depth, o.features, o.normal ?? 1)),
    },
    threshold: { contamination: 'auto', offset: -0.5 },
    training: {
      producer: 'fuzz',
      params: { trees: o.trees, maxSamples: 256, maxFeatures: 1, bootstrap: false, contamination: 'auto', seed: 1 },
      rows: 256,
      baseline: 'all',
      fingerprint: 'none',
      source: 'synthetic',
    },
    metrics: {},
  };
}

/** Extended-forest shapes around the engine's limits (many features, deep trees, big normals). */
export const syntheticShape = fc.record({
  features: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constantFrom(1000, 2048, 3277, 4096)),
  trees: fc.integer({ min: 1, max: 6 }),
  depth: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constantFrom(12, 15, 16, 17, 20)),
  normal: fc.constantFrom(1, -3.5, 1e-300, 1e99, 1e100, 1e101, 1e300, 1.7976931348623157e308),
});
export type SyntheticShape = typeof syntheticShape extends fc.Arbitrary<infer T> ? T : never;

/** Values (numbers) a synthetic shape would hold, to keep its JSON small enough for a quick run. */
export const syntheticValues = (s: SyntheticShape) => s.trees * (2 * s.depth + 1) * (s.features + 5);

/** Numbers one mutant may write out: a few tens of MB of text, generated well within the fuzz deadline. */
const MAX_TEXT_VALUES = 3_000_000;

type Obj = Record<string, unknown>;

/** Numbers in a tree's arrays. */
const valuesIn = (t: Obj) => Object.values(t).reduce<number>((a, v) => a + (Array.isArray(v) ? v.length : 0), 0);
const asObj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const treesOf = (m: Obj): Obj[] => {
  const f = asObj(m.forest);
  return Array.isArray(f?.trees) ? (f.trees as unknown[]).filter((t): t is Obj => !!asObj(t)) : [];
};
const pickOf = <T>(xs: T[], at: number): T | undefined => (xs.length ? xs[at % xs.length] : undefined);

/** The numeric slots of one region, as [container, key] pairs, chosen by `at` / `index`. */
function slot(m: Obj, r: Region, at: number, index: number): [Obj | unknown[], string | number] | undefined {
  if (TREE_ARRAYS.includes(r as TreeArray)) {
    const arr = pickOf(treesOf(m), at)?.[r];
    return Array.isArray(arr) && arr.length ? [arr, index % arr.length] : undefined;
  }
  const scaler = asObj(m.scaler);
  if (r === 'mean' || r === 'scale') {
    const arr = scaler?.[r];
    return Array.isArray(arr) && arr.length ? [arr, index % arr.length] : undefined;
  }
  const pairs: Array<[Obj, string]> = [];
  const add = (o: Obj | undefined, keys: string[]) => o && keys.forEach((k) => pairs.push([o, k]));
  const forest = asObj(m.forest);
  const training = asObj(m.training);
  const recipe = asObj(m.recipe);
  if (r === 'scalar') {
    add(forest, ['maxSamples', 'extensionLevel']);
    add(asObj(m.threshold), ['offset', 'contamination']);
    add(m, ['version']);
  } else if (r === 'training') {
    add(training, ['rows']);
    add(asObj(training?.params), ['trees', 'maxSamples', 'maxFeatures', 'seed']);
    add(asObj(m.metrics), Object.keys(asObj(m.metrics) ?? {}));
  } else if (r === 'recipe') {
    add(recipe, ['unitBaseline']);
    add(asObj(recipe?.window), ['size']);
    const regimes = asObj(recipe?.regimes);
    for (const key of ['settingMean', 'settingScale']) {
      const arr = regimes?.[key];
      if (Array.isArray(arr) && arr.length) return [arr, index % arr.length];
    }
  } else if (r === 'alarm') {
    add(asObj(m.alarm), ['k', 'n', 'clear']);
  }
  const p = pickOf(pairs, index);
  return p;
}

function placeholder(v: Weird): unknown {
  if (v === Infinity) return POS_INF;
  if (v === -Infinity) return NEG_INF;
  if (typeof v === 'number' && Number.isNaN(v)) return BARE_NAN;
  return v;
}

function applyOne(m: Obj, mu: Mutation): void {
  const trees = treesOf(m);
  const features = Array.isArray(m.features) ? (m.features as unknown[]) : [];
  const d = features.length;
  switch (mu.op) {
    case 'set': {
      const s = slot(m, mu.region, mu.at, mu.index);
      if (s) (s[0] as Obj)[s[1] as string] = placeholder(mu.value);
      return;
    }
    case 'multiply': {
      const s = slot(m, mu.region, mu.at, mu.index);
      if (!s) return;
      const c = s[0] as Obj;
      const k = s[1] as string;
      const v = c[k];
      if (typeof v === 'number') c[k] = placeholder(v * mu.factor);
      return;
    }
    case 'truncate': {
      if (mu.array === 'trees') {
        const f = asObj(m.forest);
        if (Array.isArray(f?.trees)) (f.trees as unknown[]).length = Math.min(mu.keep, (f.trees as unknown[]).length);
        return;
      }
      const arr =
        mu.array === 'features'
          ? m.features
          : mu.array === 'mean' || mu.array === 'scale'
            ? asObj(m.scaler)?.[mu.array]
            : pickOf(trees, mu.at)?.[mu.array];
      if (Array.isArray(arr)) arr.length = Math.min(mu.keep, arr.length);
      return;
    }
    case 'grow': {
      const arr =
        mu.array === 'features'
          ? m.features
          : mu.array === 'mean' || mu.array === 'scale'
            ? asObj(m.scaler)?.[mu.array]
            : pickOf(trees, mu.at)?.[mu.array];
      if (!Array.isArray(arr)) return;
      for (let i = 0; i < mu.extra; i++) arr.push(mu.array === 'features' ? `extra_${arr.length}` : placeholder(mu.value));
      return;
    }
    case 'link': {
      const t = pickOf(trees, mu.tree);
      if (!t) return;
      const side = t[mu.side];
      const left = t.left;
      if (!Array.isArray(side) || !Array.isArray(left) || !side.length) return;
      const n = side.length;
      const node = mu.node % n;
      const parent = Math.max(0, left.indexOf(node), (t.right as unknown[] | undefined)?.indexOf(node) ?? -1);
      const other = mu.side === 'left' ? t.right : t.left;
      const targets = {
        root: 0,
        self: node,
        parent,
        sibling: Array.isArray(other) ? (other as unknown[])[node] : 0,
        n,
        far: 1 << 28,
        leaf: -1,
        minus2: -2,
      };
      side[node] = targets[mu.target];
      return;
    }
    case 'maxSamples': {
      const f = asObj(m.forest);
      if (f) f.maxSamples = placeholder(mu.value);
      return;
    }
    case 'chain': {
      if (!trees.length) return;
      const f = asObj(m.forest)!;
      const extended = f.kind === 'extended-isolation-forest';
      const chain: Obj = { ...chainTree(mu.depth, Math.max(1, d)) };
      if (!extended) delete chain.normal;
      (f.trees as unknown[])[mu.tree % trees.length] = chain;
      return;
    }
    case 'duplicate': {
      const f = asObj(m.forest);
      const t = pickOf(trees, mu.tree);
      if (!f || !t) return;
      // Shared references: JSON.stringify writes each copy out in full, so the copies are
      // capped to keep the text near MAX_TEXT_VALUES (the harness, not the model, would hang).
      const copies = Math.min(mu.copies, Math.floor(MAX_TEXT_VALUES / Math.max(1, valuesIn(t))));
      for (let i = 0; i < copies; i++) (f.trees as unknown[]).push(t);
      return;
    }
    case 'kind': {
      const f = asObj(m.forest);
      if (!f) return;
      f.kind = mu.extended ? 'extended-isolation-forest' : 'isolation-forest';
      if (mu.extended) f.extensionLevel = placeholder(mu.extensionLevel);
      else delete f.extensionLevel;
      const nodes = trees.reduce((a, t) => a + (Array.isArray(t.feature) ? t.feature.length : 0), 0);
      for (const t of trees) {
        const n = Array.isArray(t.feature) ? t.feature.length : 0;
        if (mu.normals === 'drop' || nodes * d > MAX_TEXT_VALUES) delete t.normal;
        else if (mu.normals === 'zeros' || (mu.normals === 'keep' && !t.normal)) t.normal = new Array<number>(n * d).fill(0);
        else if (mu.normals === 'huge') t.normal = Array.from({ length: n * d }, (_, i) => (i % 3 ? 0 : 1e300));
      }
      return;
    }
    case 'widen': {
      const scaler = asObj(m.scaler);
      m.features = Array.from({ length: mu.features }, (_, i) => `w${i}`);
      if (scaler) {
        scaler.mean = new Array<number>(mu.features).fill(0);
        scaler.scale = new Array<number>(mu.features).fill(1);
      }
      delete m.recipe;
      if (asObj(m.forest)?.kind === 'extended-isolation-forest') {
        for (const t of trees) {
          const n = Array.isArray(t.feature) ? t.feature.length : 0;
          // Wide normals for every node of every tree only while the text stays small.
          if (n * mu.features * trees.length > MAX_TEXT_VALUES) return;
          t.normal = Array.from({ length: n * mu.features }, (_, i) => (i % mu.features === 0 ? 1 : 0));
        }
      }
      return;
    }
    case 'delete': {
      const [a, b] = mu.key.split('.');
      const o = b ? asObj(m[a]) : m;
      if (o) delete o[b ?? a];
      return;
    }
    case 'recipe': {
      const r = asObj(m.recipe);
      if (!r) return;
      const w = asObj(r.window);
      if (mu.field === 'window' && w) w.size = mu.value;
      else if (mu.field === 'baseline') r.unitBaseline = mu.value;
      else if (mu.field === 'inputs' && Array.isArray(r.inputs))
        r.inputs = Array.from({ length: Math.max(0, mu.value % 5000) }, (_, i) => `i${i}`);
      else if (mu.field === 'stats' && w) w.stats = ['value', 'mean', 'std', 'slope'].slice(0, Math.max(0, mu.value % 6));
      else if (mu.field === 'regimes')
        r.regimes = { settings: ['s'], centers: [[mu.value]], settingMean: [0], settingScale: [1], mean: [[0]], scale: [[mu.value]] };
      else if (mu.field === 'drop') delete m.recipe;
      return;
    }
    case 'text':
      return; // applied to the written text
  }
}

/** The base model with the mutations applied, as the text a user would open. */
export function mutatedText(base: ModelJson | string, mutations: Mutation[]): string {
  const m = (typeof base === 'string' ? JSON.parse(base) : structuredClone(base)) as Obj;
  for (const mu of mutations) applyOne(m, mu);
  let text = JSON.stringify(m).replaceAll(`"${POS_INF}"`, '1e999').replaceAll(`"${NEG_INF}"`, '-1e999').replaceAll(`"${BARE_NAN}"`, 'NaN');
  for (const mu of mutations) {
    if (mu.op !== 'text') continue;
    const at = Math.floor(mu.at * text.length);
    const ch = String.fromCharCode(mu.byte);
    if (mu.kind === 'cut') text = text.slice(0, at);
    else if (mu.kind === 'byte') text = text.slice(0, at) + ch + text.slice(at + 1);
    else text = text.slice(0, at) + ch + text.slice(at);
  }
  return text;
}

/** A short, reproducible description of a mutant. */
export function describeMutations(mutations: Mutation[]): string {
  return mutations.map((m) => JSON.stringify(m)).join(' ');
}

export type Verdict =
  | { kind: 'rejected'; stage: 'validate' | 'load'; code: string }
  | { kind: 'accepted' }
  | { kind: 'wrong'; why: string }
  | { kind: 'unclear'; why: string };

/** A reference model loaded before the mutants, and the exact scores it must keep giving. */
export class Reference {
  readonly loaded: LoadedModel;
  private readonly block: Float64Array;
  private readonly stride: number;
  private readonly expected: Float64Array;

  constructor(engine: WasmEngine, model: ModelJson) {
    this.loaded = new LoadedModel(engine, model);
    this.stride = model.features.length;
    this.block = probeRows(Float64Array.from(model.scaler.mean), Float64Array.from(model.scaler.scale));
    this.expected = this.loaded.scoreRowMajor(this.block, this.stride).scores.slice();
  }

  /** Undefined while the reference scores bit for bit as when it was loaded. */
  drift(): string | undefined {
    const now = this.loaded.scoreRowMajor(this.block, this.stride).scores;
    for (let i = 0; i < now.length; i++) {
      if (!Object.is(now[i], this.expected[i])) return `reference model row ${i} scored ${now[i]}, was ${this.expected[i]}`;
    }
    return undefined;
  }
}

/** Finite readings for a model with d features: around its scaler, and finite extremes. */
function finiteReadings(model: ModelJson): Float64Array {
  const d = model.features.length;
  const around = probeRows(Float64Array.from(model.scaler.mean), Float64Array.from(model.scaler.scale));
  const extremes = [0, 1e300, -1e300, 3.4e38, -3.4e38, 1e-300, Number.MAX_VALUE, -Number.MAX_VALUE];
  const out = new Float64Array(around.length + extremes.length * d);
  out.set(around);
  extremes.forEach((x, r) => out.fill(x, around.length + r * d, around.length + (r + 1) * d));
  return out;
}

const CLEAR = /^[^\n]*model[^\n]*\[[a-z-]+\]$/;

function refusal(e: unknown, stage: 'validate' | 'load'): Verdict {
  const err = e as Error;
  if (err?.name !== 'ModelError') return { kind: 'unclear', why: `${stage}: ${err?.name}: ${String(err?.message).split('\n')[0]}` };
  if (!CLEAR.test(err.message))
    return { kind: 'unclear', why: `${stage}: not a one-line model error: ${JSON.stringify(err.message.slice(0, 300))}` };
  return { kind: 'rejected', stage, code: (err as Error & { code: string }).code };
}

/**
 * Opens the text as the CLI would, and if the model is accepted, scores finite readings
 * (every score must lie in [-1, 0)), explains two of them (all finite), streams a batch
 * when it has a recipe, then checks the reference model and the engine generation.
 */
export function judge(engine: WasmEngine, text: string, reference: Reference): Verdict {
  const generation = engine.generation;
  let model: ModelJson;
  try {
    model = parseModelText(text).model;
  } catch (e) {
    return refusal(e, 'validate');
  }
  let loaded: LoadedModel;
  try {
    loaded = new LoadedModel(engine, model);
  } catch (e) {
    return refusal(e, 'load');
  }
  let verdict: Verdict = { kind: 'accepted' };
  try {
    const d = model.features.length;
    const rows = finiteReadings(model);
    const { scores, unscorable } = loaded.scoreRowMajor(rows, d);
    const bad = scores.findIndex((s) => !(s >= -1 && s < 0));
    if (bad >= 0 || unscorable) verdict = { kind: 'wrong', why: `scores ${scores[bad]} for finite reading ${bad}` };
    // The scaler's mean, and the reading of 1e300 in every feature.
    for (const r of [0, rows.length / d - 7]) {
      const ex = loaded.explain(rows.subarray(r * d, (r + 1) * d));
      if (!ex.attribution.every(Number.isFinite) || !Number.isFinite(ex.meanPathLength))
        verdict = { kind: 'wrong', why: `explains finite reading ${r} with a non-finite value` };
    }
    if (model.recipe) {
      const inputs = loaded.streamInputs.length;
      const n = 8;
      const raw = Float64Array.from({ length: n * inputs }, (_, i) => 1 + (i % 17));
      const units = Float64Array.from({ length: n }, (_, i) => i % 3);
      const s = loaded.scoreStream(raw, inputs, units, n).scores;
      const odd = s.findIndex((v) => !Number.isNaN(v) && !(v >= -1 && v < 0));
      if (odd >= 0) verdict = { kind: 'wrong', why: `streams reading ${odd} to score ${s[odd]}` };
    }
  } catch (e) {
    verdict = { kind: 'wrong', why: `accepted, then threw ${(e as Error).name}: ${(e as Error).message.split('\n')[0]}` };
  } finally {
    loaded.dispose();
  }
  if (engine.generation !== generation) return { kind: 'wrong', why: 'the shared engine trapped' };
  const drift = reference.drift();
  return drift ? { kind: 'wrong', why: drift } : verdict;
}

export interface Base {
  name: string;
  model: ModelJson;
}

/**
 * Valid models to mutate: the shipped default (280 KB: recipe, alarm, 100 trees) and small
 * trained ones: axis, extended over all 14 features, extended over 3, and one with
 * operating regimes and a windowed recipe (FD002 has six conditions).
 */
export async function trainedBases(engine: WasmEngine, shippedPath: string, cmapssDir: string): Promise<Base[]> {
  const data = (name: string) => ingestFiles([{ name, bytes: readFileSync(join(cmapssDir, name)) }]);
  const fd001 = data('train_FD001.txt');
  const fd002 = data('train_FD002.txt');
  const train = async (ds: typeof fd001, opts: Parameters<typeof trainModel>[2]) =>
    (await trainModel(engine, ds, { createdAt: '2026-01-01T00:00:00Z', ...opts })).model;
  return [
    { name: 'fd001-baseline', model: JSON.parse(readFileSync(shippedPath, 'utf8')) as ModelJson },
    { name: 'axis-5', model: await train(fd001, { params: { trees: 5, maxSamples: 64, seed: 1 } }) },
    { name: 'extended-full-4', model: await train(fd001, { params: { trees: 4, maxSamples: 32, extensionLevel: 'full', seed: 2 } }) },
    {
      name: 'extended-1-3features',
      model: await train(fd001, {
        features: ['sensor_2', 'sensor_3', 'sensor_4'],
        params: { trees: 6, maxSamples: 16, extensionLevel: 1, seed: 3 },
      }),
    },
    {
      name: 'regimes-window',
      model: await train(fd002, {
        features: ['sensor_2', 'sensor_7', 'sensor_11'],
        recipe: { unitBaseline: 5, window: { size: 3, stats: ['mean', 'std'] }, regimes: 'auto' },
        alarm: { k: 2, n: 3, clear: 0 },
        params: { trees: 4, maxSamples: 32, seed: 4 },
      }),
    },
  ];
}

/** One fuzz input: a mutated base (index 0 is the large shipped model) or a mutated synthetic extended forest. */
export type FuzzInput =
  { from: 'base'; base: number; mutations: Mutation[] } | { from: 'synthetic'; shape: SyntheticShape; mutations: Mutation[] };

/** `shippedShare` of the based inputs use the shipped model; `maxSyntheticValues` caps a synthetic forest's size. */
export function fuzzInput(o: { bases: number; heavy: boolean; shippedShare: number; syntheticShare: number; maxSyntheticValues: number }) {
  const parts = 1000;
  const shipped = Math.round(o.shippedShare * parts);
  const based = fc.record({
    from: fc.constant('base' as const),
    base: fc.oneof(
      { weight: shipped, arbitrary: fc.constant(0) },
      { weight: parts - shipped, arbitrary: fc.integer({ min: 1, max: o.bases - 1 }) },
    ),
    mutations: fc.array(mutationArb(o.heavy), { minLength: 1, maxLength: 4 }),
  });
  const synthetic = fc.record({
    from: fc.constant('synthetic' as const),
    shape: syntheticShape.filter((s) => syntheticValues(s) <= o.maxSyntheticValues),
    mutations: fc.array(mutationArb(o.heavy), { maxLength: 2 }),
  });
  const share = Math.round(o.syntheticShare * parts);
  return fc.oneof({ weight: parts - share, arbitrary: based }, { weight: share, arbitrary: synthetic }) as fc.Arbitrary<FuzzInput>;
}

export function inputText(bases: Base[], input: FuzzInput): string {
  return mutatedText(input.from === 'base' ? bases[input.base].model : syntheticExtended(input.shape), input.mutations);
}

export function describeInput(bases: Base[], input: FuzzInput): string {
  const from = input.from === 'base' ? bases[input.base].name : `synthetic ${JSON.stringify(input.shape)}`;
  return `${from}: ${describeMutations(input.mutations) || '(unmutated)'}`;
}
