// Import-time checks for a model JSON: size, JSON syntax, format and version, the JSON
// Schema (which field, what was expected), then structure the schema cannot express:
// matching lengths, finite numbers, children in range, every node reached exactly once
// from the root (no cycles, no sharing) and a bounded depth, so a hostile file can
// neither hang nor crash the engine. Every size the engine derives from the model
// (compiled layout, copies of the arrays, window state per unit) is computed here in
// f64 and bounded before anything is allocated, and every number the scorer turns into
// a path length or a dot product is bounded so that scores stay finite.
// Longer than most files: every bound a model must meet before the engine sizes memory from it is
// checked here, in one place, so no path can load a model that skipped one.
import AjvModule from 'ajv';
import schema from '../../models/isoscope-model.schema.json' with { type: 'json' };
import { MODEL_FORMAT, MODEL_VERSION, type ModelJson, type TreeJson } from './types.js';
import { compiledForestBytes, MAX_ALLOC_BYTES, MAX_COMPILED_BYTES, type ForestSpec } from '../engine/wasm-engine.js';
import { MAX_DEPTH_LIMIT } from '../engine/params.js';
import { derivedNames } from '../features/recipe.js';

export const MAX_MODEL_BYTES = 256 * 1024 * 1024;
/** Complete-layout slots (trees × 2^depth) the engine will allocate at most. */
export const MAX_FOREST_SLOTS = 1 << 24;
/**
 * Largest |component| of a hyperplane normal. Only a normal's direction matters, and
 * with this bound d · |normal| · |any f32| and the explanation's sums of |normal| stay
 * far inside f64, so no dot product or attribution overflows to ±Infinity or NaN.
 */
export const MAX_NORMAL_COMPONENT = 1e100;
/**
 * Window state values per unit (inputs × (7 running sums + window size)): 512 KiB a
 * unit, so the first 64 units' state fits in 32 MiB and a fleet of a thousand in 512 MiB.
 */
export const MAX_WINDOW_VALUES_PER_UNIT = 1 << 16;

export class ModelError extends Error {
  override name = 'ModelError';
  readonly code: string;

  constructor(code: string, message: string) {
    super(`${message} [${code}]`);
    this.code = code;
  }
}

type Validator = ((data: unknown) => boolean) & {
  errors?: Array<{ instancePath: string; message?: string; params: Record<string, unknown> }> | null;
};
let validator: Validator | undefined;

function schemaValidator(): Validator {
  if (!validator) {
    const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as new (o: object) => {
      compile(s: object): Validator;
    };
    validator = new Ajv({ allErrors: false, strict: false }).compile(schema);
  }
  return validator;
}

export function parseModelText(text: string): { model: ModelJson; spec: ForestSpec } {
  if (text.length > MAX_MODEL_BYTES)
    throw new ModelError('too-large', `model file is ${text.length} bytes; the limit is ${MAX_MODEL_BYTES}`);
  if (text.trim() === '') throw new ModelError('empty', 'model file is empty');
  if (text.includes('\u0000')) throw new ModelError('binary', 'model file is binary, not JSON');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // The parser quotes the text around the fault, which may hold line breaks: keep the error one line.
    throw new ModelError('not-json', `model file is not valid JSON: ${(e as Error).message.replace(/\s+/g, ' ')}`);
  }
  return validateModel(data);
}

export function validateModel(data: unknown): { model: ModelJson; spec: ForestSpec } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ModelError('not-object', 'model JSON must be an object');
  }
  const head = data as { format?: unknown; version?: unknown };
  if (head.format !== MODEL_FORMAT) {
    throw new ModelError(
      'format',
      `not an isoscope model: "format" is ${JSON.stringify(head.format) ?? 'absent'}, expected "${MODEL_FORMAT}"`,
    );
  }
  if (head.version !== MODEL_VERSION) {
    throw new ModelError(
      'version',
      `model version ${JSON.stringify(head.version)} is not supported; this isoscope reads version ${MODEL_VERSION}`,
    );
  }
  const validate = schemaValidator();
  if (!validate(data)) {
    const err = validate.errors![0];
    const where = err.instancePath || '(top level)';
    const property = err.params.additionalProperty;
    const extra = typeof property === 'string' ? ` "${property}"` : '';
    throw new ModelError('schema', `model field ${where}: ${err.message}${extra}`);
  }
  const model = data as ModelJson;
  checkRecipeAndAlarm(model);
  const spec = checkStructure(model);
  finiteEverywhere(model.training, '/training');
  finiteEverywhere(model.metrics, '/metrics');
  return { model, spec };
}

function checkRecipeAndAlarm(model: ModelJson): void {
  const r = model.recipe;
  if (r) {
    const names = derivedNames(r);
    if (names.length !== model.features.length || names.some((n, i) => n !== model.features[i])) {
      throw new ModelError(
        'recipe',
        `model field /recipe: it derives ${names.length} features (${names.slice(0, 3).join(', ')}…) but /features lists ${model.features.length} (${model.features.slice(0, 3).join(', ')}…)`,
      );
    }
    const perUnit = r.inputs.length * (7 + r.window.size);
    if (perUnit > MAX_WINDOW_VALUES_PER_UNIT) {
      throw new ModelError(
        'too-large',
        `model field /recipe: ${r.inputs.length} inputs with a window of ${r.window.size} keep ${perUnit} values per unit; the limit is ${MAX_WINDOW_VALUES_PER_UNIT}`,
      );
    }
    const g = r.regimes;
    if (g) {
      const k = g.centers.length;
      const ok =
        g.settingMean.length === g.settings.length &&
        g.settingScale.length === g.settings.length &&
        g.centers.every((c) => c.length === g.settings.length) &&
        g.mean.length === k &&
        g.scale.length === k &&
        g.mean.every((m) => m.length === r.inputs.length) &&
        g.scale.every((m) => m.length === r.inputs.length);
      if (!ok)
        throw new ModelError('recipe', 'model field /recipe/regimes: centres, means and scales do not match the settings and inputs');
      [...g.centers, g.settingMean, g.settingScale, ...g.mean, ...g.scale].forEach((a, i) => finite(a, `/recipe/regimes[${i}]`));
    }
  }
  for (const [at, cal] of [
    ['/threshold/calibration', model.threshold.calibration],
    ['/threshold/calibratedAt/calibration', model.threshold.calibratedAt?.calibration],
  ] as const) {
    if (cal?.regimes?.some((g) => g.regime >= (r?.regimes?.centers.length ?? 0)))
      throw new ModelError('recipe', `model field ${at}/regimes: it names a regime the recipe does not have`);
  }
  checkEnvelope(model);
  const a = model.alarm;
  if (a && !(a.k <= a.n && a.clear < a.k)) {
    throw new ModelError('alarm', `model field /alarm: needs clear < k <= n, got k=${a.k}, n=${a.n}, clear=${a.clear}`);
  }
}

function checkEnvelope(model: ModelJson): void {
  const e = model.envelope;
  if (!e) return;
  const inputs = model.recipe?.inputs ?? model.features;
  if (e.inputs.length !== inputs.length || e.inputs.some((x, i) => x.name !== inputs[i]))
    throw new ModelError('envelope', 'model field /envelope/inputs: must name the model inputs in order');
  const regimes = model.recipe?.regimes;
  if (
    !!e.regimes !== !!regimes ||
    (e.regimes && regimes && (e.regimes.q.length !== regimes.centers.length || e.regimes.q.some((r) => r.length !== inputs.length)))
  )
    throw new ModelError('envelope', 'model field /envelope/regimes: needs quantiles for every regime and input of the recipe');
  const sorted = (q: number[], where: string) => {
    finite(q, where);
    if (q.some((v, i) => i > 0 && v < q[i - 1])) throw new ModelError('envelope', `model field ${where}: quantiles must not decrease`);
  };
  sorted(e.quantiles, '/envelope/quantiles');
  e.inputs.forEach((x, i) => sorted(x.q, `/envelope/inputs/${i}/q`));
  e.regimes?.q.forEach((r, k) => r.forEach((q, i) => sorted(q, `/envelope/regimes/q/${k}/${i}`)));
  if (e.regimes) finite([e.regimes.distance], '/envelope/regimes/distance');
}

function finite(values: number[], where: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new ModelError('not-finite', `model field ${where}/${i}: ${values[i]} is not a finite number`);
  }
}

/**
 * Every number anywhere under `value` (parts the schema leaves open, e.g. /training, may
 * nest freely: walked with an explicit stack, so deep nesting cannot overflow the call stack).
 */
function finiteEverywhere(value: unknown, where: string): void {
  const stack: Array<[unknown, string]> = [[value, where]];
  while (stack.length) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new ModelError('not-finite', `model field ${at}: ${v} is not a finite number`);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) stack.push([child, `${at}/${k}`]);
    }
  }
}

function checkStructure(model: ModelJson): ForestSpec {
  const d = model.features.length;
  if (model.scaler.mean.length !== d || model.scaler.scale.length !== d) {
    throw new ModelError(
      'shape',
      `model has ${d} features but the scaler has ${model.scaler.mean.length} means and ${model.scaler.scale.length} scales`,
    );
  }
  finite(model.scaler.mean, '/scaler/mean');
  finite(model.scaler.scale, '/scaler/scale');
  if (!Number.isFinite(model.threshold.offset)) throw new ModelError('not-finite', 'model field /threshold/offset is not a finite number');
  // score_samples lies in (-1, 0) and a reading is flagged when it is below the offset: an offset of 0
  // or more flags every reading, one of -1 or less none, whatever the data.
  const offset = model.threshold.offset;
  if (offset <= -1 || offset >= 0)
    throw new ModelError(
      'range',
      `model field /threshold/offset is ${offset}: scores (score_samples) lie between -1 and 0, so an offset not between them would flag ${offset >= 0 ? 'every reading' : 'no reading'}`,
    );
  const trees = model.forest.trees;
  const extended = model.forest.kind === 'extended-isolation-forest';
  if (extended && !(Number.isInteger(model.forest.extensionLevel) && model.forest.extensionLevel! < d)) {
    throw new ModelError('shape', `model field /forest/extensionLevel: an extended forest needs an extension level from 0 to ${d - 1}`);
  }
  // First every tree is checked, then the sizes it implies, and only then is anything allocated.
  let depth = 0;
  let total = 0;
  trees.forEach((tree, t) => {
    depth = Math.max(depth, checkTree(tree, `/forest/trees/${t}`, d, extended, model.forest.maxSamples));
    total += tree.feature.length;
  });
  if (trees.length * 2 ** depth > MAX_FOREST_SLOTS) {
    throw new ModelError(
      'too-large',
      `model has ${trees.length} trees of depth ${depth}: more than the engine's ${MAX_FOREST_SLOTS} node slots`,
    );
  }
  const compiled = compiledForestBytes(trees.length, depth, d, extended);
  if (compiled > MAX_COMPILED_BYTES) {
    throw new ModelError(
      'too-large',
      `model field /forest/trees: ${trees.length} trees of depth ${depth} over ${d} features compile to ${mib(compiled)} MiB in the engine; the limit is ${mib(MAX_COMPILED_BYTES)} MiB`,
    );
  }
  if (extended && total * d * 8 > MAX_ALLOC_BYTES) {
    throw new ModelError(
      'too-large',
      `model field /forest/trees: ${total} nodes × ${d} features of normals are ${mib(total * d * 8)} MiB; the engine's limit is ${mib(MAX_ALLOC_BYTES)} MiB`,
    );
  }
  const offsets = new Int32Array(trees.length + 1);
  const spec: ForestSpec = {
    offsets,
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    left: new Int32Array(total),
    right: new Int32Array(total),
    size: new Float64Array(total),
    depth,
    maxSamples: model.forest.maxSamples,
    ...(extended ? { normals: new Float64Array(total * d) } : {}),
    mean: Float64Array.from(model.scaler.mean),
    scale: Float64Array.from(model.scaler.scale),
  };
  trees.forEach((tree, t) => {
    const at = offsets[t];
    spec.feature.set(tree.feature, at);
    spec.threshold.set(tree.threshold, at);
    spec.left.set(tree.left, at);
    spec.right.set(tree.right, at);
    spec.size.set(tree.size, at);
    if (extended) spec.normals!.set(tree.normal!, at * d);
    offsets[t + 1] = at + tree.feature.length;
  });
  return spec;
}

const mib = (bytes: number) => Math.ceil(bytes / 2 ** 20);

/** One tree's lengths, numbers, node kinds and links; returns its depth. */
function checkTree(tree: TreeJson, where: string, d: number, extended: boolean, maxSamples: number): number {
  const n = tree.feature.length;
  for (const key of ['threshold', 'left', 'right', 'size'] as const) {
    if (tree[key].length !== n)
      throw new ModelError('shape', `model field ${where}/${key}: has ${tree[key].length} entries, expected ${n} like feature`);
  }
  finite(tree.threshold, `${where}/threshold`);
  if (extended) {
    if (!tree.normal || tree.normal.length !== n * d) {
      throw new ModelError(
        'shape',
        `model field ${where}/normal: an extended forest needs ${n * d} values (${d} per node), found ${tree.normal?.length ?? 'none'}`,
      );
    }
    const normal = tree.normal;
    for (let i = 0; i < normal.length; i++) {
      // Also false for NaN and ±Infinity.
      if (!(Math.abs(normal[i]) <= MAX_NORMAL_COMPONENT)) {
        throw new ModelError(
          Number.isFinite(normal[i]) ? 'range' : 'not-finite',
          `model field ${where}/normal/${i}: ${normal[i]} is not a number within ±${MAX_NORMAL_COMPONENT}`,
        );
      }
    }
  } else if (tree.normal) {
    throw new ModelError('shape', `model field ${where}/normal: only extended forests have normals`);
  }
  finite(tree.size, `${where}/size`);
  for (let i = 0; i < n; i++) {
    // A node holds at most the rows its tree was grown from; a larger "size" would only
    // feed c(size) a number it overflows on (c(9e307) = -Infinity).
    if (tree.size[i] > maxSamples) {
      throw new ModelError(
        'range',
        `model field ${where}/size/${i}: ${tree.size[i]} rows is more than the ${maxSamples} (maxSamples) each tree is grown from`,
      );
    }
    const f = tree.feature[i];
    const leaf = f === -1;
    if (f >= d) throw new ModelError('feature-range', `model field ${where}/feature/${i}: feature ${f} but the model has ${d} features`);
    if (leaf !== (tree.left[i] === -1) || leaf !== (tree.right[i] === -1)) {
      throw new ModelError(
        'node-kind',
        `model field ${where}: node ${i} mixes leaf and split (feature ${f}, left ${tree.left[i]}, right ${tree.right[i]})`,
      );
    }
    if (!leaf && (tree.left[i] >= n || tree.right[i] >= n)) {
      throw new ModelError('child-range', `model field ${where}: node ${i} has a child outside the tree's ${n} nodes`);
    }
  }
  return treeDepth(tree.left, tree.right, where);
}

/** Depth of a tree whose every node is reached exactly once from node 0; throws on cycles, sharing or orphans. */
function treeDepth(left: number[], right: number[], where: string): number {
  const n = left.length;
  const seen = new Uint8Array(n);
  const stack: number[] = [0, 0];
  let reached = 0;
  let depth = 0;
  while (stack.length) {
    const level = stack.pop()!;
    const node = stack.pop()!;
    if (seen[node]) throw new ModelError('cycle', `model field ${where}: node ${node} is reached twice (a cycle or a shared child)`);
    seen[node] = 1;
    reached++;
    if (level > MAX_DEPTH_LIMIT) throw new ModelError('too-deep', `model field ${where}: deeper than ${MAX_DEPTH_LIMIT} levels`);
    depth = Math.max(depth, level);
    if (left[node] !== -1) stack.push(left[node], level + 1, right[node], level + 1);
  }
  if (reached !== n) throw new ModelError('orphan', `model field ${where}: ${n - reached} node(s) are not reachable from the root`);
  return depth;
}
