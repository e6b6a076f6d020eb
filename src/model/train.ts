// Training a model from a dataset: feature choice, baseline rows, scaler, forest (in
// Wasm), offset from the training scores, and the self-describing model JSON.
import { column, columnByRole, DataError, type Dataset } from '../data/dataset.js';
import { profileDataset } from '../data/profile.js';
import { unitTimeOrder } from '../data/order.js';
import { baselineMask, formatBaseline, trainingRows, type Baseline } from '../data/baseline.js';
import { fingerprintRows, modelId } from './fingerprint.js';
import { inputsFingerprint } from './inputs-fingerprint.js';
import { shortUnits, type ShortUnits } from './short-units.js';
import { meanAndScaleAt, scaleRows, scoreRows } from './training-block.js';
import { MODEL_FORMAT, MODEL_VERSION, type ModelJson, type TreeJson } from './types.js';
import { validateModel } from './validate.js';
import { DEFAULT_PARAMS, resolveParams, type ForestParams } from '../engine/params.js';
import { offsetFor, flagAnomalies } from '../alarms/threshold.js';
import { derivedNames, isIdentity, type FeatureRecipe, type RecipeChoice } from '../features/recipe.js';
import { trainingColumns } from './training-columns.js';
import { constantInRegimes, fitRegimes, keepInputs, regimesAt } from '../features/fit-regimes.js';
import { fitEnvelope } from './envelope.js';
import {
  HEALTHY_RUL,
  MIN_SPLIT_ROWS,
  TARGET_FALSE_ALARMS_PER_UNIT,
  unitFolds,
  unitsAmong,
  calibrate,
  outOfFoldScores,
  regimeRates,
  timeSplitScores,
} from './calibrate.js';
import { DEFAULT_QUALITY } from '../features/defaults.js';
import type { DebounceSettings } from '../alarms/k-of-n.js';

/** A recipe before its inputs are chosen; regimes: 'auto' fits them when the settings cluster. */
import type { SparseForest, WasmEngine } from '../engine/wasm-engine.js';

export const PRODUCER = 'isoscope 0.1.0';

export interface TrainOptions {
  features?: string[];
  exclude?: string[];
  baseline?: Baseline;
  params?: Partial<ForestParams>;
  /** Fixed for reproducible files; defaults to now. */
  createdAt?: string;
  /** How the chosen raw columns become features; absent: raw columns. */
  recipe?: RecipeChoice;
  alarm?: Required<DebounceSettings>;
  /**
   * 'cross-fit' (default): the threshold is the quantile of out-of-fold scores, which
   * holds on unseen units; 'in-sample': of the training rows' own scores (scikit-learn's offset_).
   */
  threshold?: 'cross-fit' | 'in-sample';
}

export interface TrainResult {
  model: ModelJson;
  trainingRows: number;
  droppedMissing: number;
  /** Inputs left out: constant within each operating regime. */
  constantInRegime: string[];
  /** Training rows the data's 0/1 label column marks anomalous (1): the forest and threshold took them as healthy. */
  labelledAnomalous?: { column: string; rows: number };
  /** Units shorter than the own-unit baseline (short-units.ts). */
  shortUnits?: ShortUnits;
  /** Why the threshold was left in sample although a contamination asked for calibration. */
  inSample?: string;
  trainMs: number;
}

export function chooseFeatures(ds: Dataset, features?: string[], exclude: string[] = []): string[] {
  const names = new Set(ds.columns.map((c) => c.name));
  const unknown = [...(features ?? []), ...exclude].filter((f) => !names.has(f));
  if (unknown.length) {
    throw new DataError(
      `unknown feature name${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; columns are: ${[...names].join(', ')}`,
    );
  }
  const chosen = (features ?? profileDataset(ds).defaultFeatures).filter((f) => !exclude.includes(f));
  if (chosen.length === 0) throw new DataError('no features left to train on');
  return chosen;
}

function toTrees(forest: SparseForest, d = 0): TreeJson[] {
  const trees: TreeJson[] = [];
  for (let t = 0; t + 1 < forest.offsets.length; t++) {
    const a = forest.offsets[t];
    const b = forest.offsets[t + 1];
    trees.push({
      feature: Array.from(forest.feature.subarray(a, b)),
      threshold: Array.from(forest.threshold.subarray(a, b)),
      left: Array.from(forest.left.subarray(a, b)),
      right: Array.from(forest.right.subarray(a, b)),
      size: Array.from(forest.size.subarray(a, b)),
      ...(forest.normals ? { normal: Array.from(forest.normals.subarray(a * d, b * d)) } : {}),
    });
  }
  return trees;
}

/** The training rows' positions in time order, or null when they already are (files usually are). */
function timeOrderOf(ds: Dataset, rows: Int32Array, rowOf: (p: number) => number): Int32Array | null {
  // The dataset's own stream order (the one baselineMask and the alarm rules walk), ranked per row.
  const order = unitTimeOrder(ds);
  if (!order) return null;
  const rank = new Int32Array(ds.rows);
  for (let j = 0; j < order.length; j++) rank[order[j]] = j;
  return Int32Array.from({ length: rows.length }, (_, i) => i).sort((a, b) => rank[rowOf(rows[a])] - rank[rowOf(rows[b])]);
}

function* setRows(mask: Uint8Array): Generator<number> {
  for (let i = 0; i < mask.length; i++) if (mask[i]) yield i;
}

/** The most features a model holds (models/isoscope-model.schema.json's /features maxItems). */
export const MAX_FEATURES = 4096;

export async function trainModel(engine: WasmEngine, ds: Dataset, opts: TrainOptions = {}): Promise<TrainResult> {
  const started = performance.now();
  const params: ForestParams = { ...DEFAULT_PARAMS, ...opts.params };
  const baseline = opts.baseline ?? { kind: 'all' };
  let inputs = chooseFeatures(ds, opts.features, opts.exclude);
  const inBaseline = baselineMask(ds, baseline);
  let recipe: FeatureRecipe | undefined;
  let constantInRegime: string[] = [];
  if (opts.recipe) {
    const { regimes, ...rest } = opts.recipe;
    recipe = { ...rest, inputs };
    if (regimes === 'auto') {
      const fitted = fitRegimes(ds, inputs, inBaseline, params.seed);
      if (fitted) {
        recipe.regimes = fitted;
        constantInRegime = constantInRegimes(fitted, ds, inputs, Int32Array.from(setRows(inBaseline)));
        if (constantInRegime.length === inputs.length)
          throw new DataError(`every input (${inputs.join(', ')}) is constant within each operating regime: nothing is left to learn from`);
        if (constantInRegime.length) {
          const keep = inputs.flatMap((name, f) => (constantInRegime.includes(name) ? [] : [f]));
          inputs = keep.map((f) => inputs[f]);
          recipe = { ...recipe, inputs, regimes: keepInputs(fitted, keep) };
        }
      }
    }
    if (isIdentity(recipe)) recipe = undefined;
  }
  const features = recipe ? derivedNames(recipe) : inputs;
  // Before any work: the model's schema holds at most this many, and a wide file took minutes to fail at the end.
  if (features.length > MAX_FEATURES)
    throw new DataError(
      `${inputs.length} inputs make ${features.length} features${recipe ? ` (${features.length / inputs.length} each)` : ''}, more than the ${MAX_FEATURES} a model holds: choose fewer inputs (--features, or step 2 on the page)${recipe ? ', or fewer statistics per input (--recipe raw takes the readings alone)' : ''}`,
    );
  const rul = columnByRole(ds, 'rul')?.values;
  // `all` holds the rows training and calibration read (the baseline's, and healthy ones after it), not the file's:
  // at 6M readings the derived features of every row were 670 MB. `rows` are places in `all`, kept[p] a place's row.
  const { all, kept } = trainingColumns(engine, ds, recipe, inputs, inBaseline, rul);
  // The raw inputs at the same places as `all`, to say why no row is complete.
  const rawInputs = () =>
    inputs.map((name) => {
      const values = column(ds, name)!.values;
      return { name, values: kept ? Float64Array.from(kept, (r) => values[r]) : values };
    });
  const { rows, droppedMissing } = trainingRows(
    kept ? Uint8Array.from(kept, (r) => inBaseline[r]) : inBaseline,
    all,
    rawInputs,
    recipe !== undefined,
  );
  const rowOf = (p: number) => (kept ? kept[p] : p);
  // Hashed first: its buffer (the training rows' bytes) is gone before the scaled block is made.
  const fingerprint = await fingerprintRows(features, all, rows);
  const resolved = resolveParams(params, rows.length, features.length);
  const { mean, scale } = meanAndScaleAt(all, rows);
  const unscalable = features.findIndex((_, f) => !Number.isFinite(mean[f]) || !Number.isFinite(scale[f]));
  if (unscalable >= 0)
    throw new DataError(
      `${features[unscalable]}: the training rows' values overflow float64 sums (values near ±1e308), so it has no mean or spread to scale by: leave it out (--exclude, or untick it in step 2) or rescale it`,
    );
  const scaled = scaleRows(engine, all, rows, mean, scale);
  /** A forest on the scaled block's rows `pick` (a fold), or on all of them. */
  const grow = (pick?: Int32Array) => {
    const n = pick?.length ?? rows.length;
    return engine.train({
      rows: scaled,
      pick,
      n,
      d: features.length,
      trees: resolved.trees,
      // A fold may hold fewer rows than the full subsample size.
      psi: Math.min(resolved.psi, n),
      depthLimit: resolved.depthLimit,
      featuresPerTree: resolved.featuresPerTree,
      bootstrap: params.bootstrap,
      seed: params.seed,
      extensionLevel: resolved.extensionLevel,
    });
  };
  const forest = grow();
  const draft: ModelJson = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    id: await modelId(
      fingerprint,
      {
        params: { ...params, seed: undefined },
        psi: resolved.psi,
        baseline: formatBaseline(baseline),
        recipe,
        alarm: opts.alarm,
        threshold: opts.threshold ?? 'cross-fit',
        // The units set the cross-fit folds and the own-unit baselines.
        unit: columnByRole(ds, 'unit')?.name ?? null,
      },
      params.seed,
    ),
    createdAt: opts.createdAt ?? new Date().toISOString(),
    features,
    scaler: { mean: Array.from(mean), scale: Array.from(scale) },
    forest:
      resolved.extensionLevel === undefined
        ? { kind: 'isolation-forest', maxSamples: resolved.psi, trees: toTrees(forest) }
        : {
            kind: 'extended-isolation-forest',
            extensionLevel: resolved.extensionLevel,
            maxSamples: resolved.psi,
            trees: toTrees(forest, features.length),
          },
    threshold: { contamination: params.contamination, offset: -0.5 },
    training: {
      producer: PRODUCER,
      params: {
        trees: params.trees,
        maxSamples: params.maxSamples,
        maxFeatures: params.maxFeatures,
        bootstrap: params.bootstrap,
        contamination: params.contamination,
        seed: params.seed,
        ...(resolved.extensionLevel !== undefined ? { extensionLevel: resolved.extensionLevel } : {}),
      },
      rows: rows.length,
      baseline: formatBaseline(baseline),
      fingerprint,
      inputsFingerprint: inputsFingerprint(ds, inputs),
      source: ds.name,
    },
    metrics: {},
    ...(recipe ? { recipe } : {}),
    keys: { unit: columnByRole(ds, 'unit')?.name ?? null, time: columnByRole(ds, 'time')?.name ?? null },
    ...(opts.alarm ? { alarm: opts.alarm } : {}),
    envelope: fitEnvelope(ds, inputs, inBaseline, recipe?.regimes),
  };
  const { spec } = validateModel(draft);
  const handle = engine.loadForest(spec);
  /** Why the threshold stays the quantile of the training readings' own scores, when calibration was asked for. */
  let inSample: string | undefined;
  try {
    const scores = scoreRows(engine, handle, all, rows);
    const inSampleOffset = offsetFor(params.contamination, scores);
    let offset = inSampleOffset;
    // Cross-fitting needs units to hold out: one series cut into time blocks makes each block look
    // novel to the others, and its threshold out of reach of a drift in one input. Units are
    // counted among the training readings: one whose every baseline reading was dropped holds nothing out.
    const unit = columnByRole(ds, 'unit')?.values;
    const trainingRows = Int32Array.from(rows, rowOf);
    const unitCount = unitsAmong(unit, trainingRows);
    const scoreHeld = (fit: Int32Array, held: Int32Array) => {
      const foldForest = grow(fit);
      const foldModel = { ...draft, forest: { ...draft.forest, trees: toTrees(foldForest, features.length) } };
      const h = engine.loadForest(validateModel(foldModel).spec);
      try {
        return scoreRows(
          engine,
          h,
          all,
          Int32Array.from(held, (i) => rows[i]),
        );
      } finally {
        engine.freeForest(h);
      }
    };
    const contamination = opts.threshold === 'in-sample' ? 'auto' : params.contamination;
    // No contamination asked ('auto', or --threshold in-sample): the in-sample offset stays, nothing is held out.
    if (contamination !== 'auto') {
      const plan = unit && unitCount >= 2 ? unitFolds(unit, trainingRows, unitCount) : undefined;
      if (unitCount < 2 && rows.length < MIN_SPLIT_ROWS)
        inSample = `the healthy series is too short to hold out its later part (${MIN_SPLIT_ROWS} readings are needed)`;
      else if (plan && 'why' in plan) inSample = plan.why;
      else if (unitCount < 2) {
        // One series: the forest grown on the earlier healthy readings scores the later ones, as it will score what comes next.
        const split = timeSplitScores(rows.length, (fit, held) => scoreHeld(fit, held), timeOrderOf(ds, rows, rowOf));
        const fitted = calibrate(split, new Float64Array(split.length), contamination, opts.alarm ?? DEFAULT_QUALITY.alarm, {
          folds: 1,
          target: TARGET_FALSE_ALARMS_PER_UNIT,
        });
        offset = fitted.offset;
        draft.threshold.calibration = { ...fitted.calibration, method: 'time-split' };
      } else if (plan) {
        // Out-of-fold: each fold's units scored by a forest grown without them; a fleet of 2 to 4, one unit a fold.
        const foldCount = plan.folds;
        const oof = outOfFoldScores(plan.fold, foldCount, scoreHeld);
        // Healthy readings after the baseline (RUL known and far from failure) are unseen by the forest already.
        // Typed arrays sized by a first pass: at 6M readings, growing JS arrays held hundreds of MB at training's peak.
        const places = all[0].length;
        const isExtra = new Uint8Array(places);
        let extras = 0;
        for (let p = 0, t = 0; p < places; p++) {
          if (t < rows.length && rows[t] === p) t++;
          else if (rul && !inBaseline[rowOf(p)] && rul[rowOf(p)] > HEALTHY_RUL && all.every((c) => Number.isFinite(c[p]))) {
            isExtra[p] = 1;
            extras++;
          }
        }
        const calRows = new Int32Array(rows.length + extras);
        const calScores = new Float64Array(calRows.length);
        const extra = new Int32Array(extras);
        for (let p = 0, t = 0, i = 0, e = 0; p < places; p++) {
          if (t < rows.length && rows[t] === p) {
            calRows[i] = rowOf(p);
            calScores[i++] = oof[t++];
          } else if (isExtra[p]) {
            calRows[i++] = rowOf(p);
            extra[e++] = p;
          }
        }
        if (extras) {
          const extraScores = scoreRows(engine, handle, all, extra);
          for (let i = 0, j = 0; j < extras; i++) if (calRows[i] === rowOf(extra[j])) calScores[i] = extraScores[j++];
        }
        const fitted = calibrate(
          calScores,
          Float64Array.from(calRows, (r) => (unit ? unit[r] : 0)),
          contamination,
          opts.alarm ?? DEFAULT_QUALITY.alarm,
          { folds: foldCount, target: TARGET_FALSE_ALARMS_PER_UNIT },
        );
        offset = fitted.offset;
        draft.threshold.calibration = fitted.calibration;
        if (recipe?.regimes) {
          const regime = regimesAt(ds, recipe.regimes, calRows);
          draft.threshold.calibration.regimes = regimeRates(
            calScores,
            Float64Array.from(calRows, (r) => (unit ? unit[r] : 0)),
            regime,
            recipe.regimes.centers.length,
            offset,
            opts.alarm ?? DEFAULT_QUALITY.alarm,
          );
        }
      }
    }
    if (draft.threshold.calibration && !(offset > -1 && offset < 0)) {
      // Held-out readings so unlike the training ones that every one scores -1 (a unit against a very different
      // one): no threshold between them flags anything, so the in-sample quantile stays, and is said to.
      offset = inSampleOffset;
      delete draft.threshold.calibration;
      inSample = `the held-out readings score as far from the training readings as a score can go (${unitCount >= 2 ? 'units too unlike each other to judge one by the others' : 'the later healthy readings unlike the earlier ones'})`;
    }
    draft.threshold.offset = offset;
    const flags = flagAnomalies(scores, offset);
    let flagged = 0;
    let sum = 0;
    for (let i = 0; i < scores.length; i++) {
      flagged += flags[i];
      sum += scores[i];
    }
    draft.metrics = {
      trainingRows: rows.length,
      trainingRowsDroppedMissing: droppedMissing,
      trainingAnomalyRate: flagged / rows.length,
      trainingScoreMean: sum / rows.length,
    };
  } finally {
    engine.freeForest(handle);
  }
  const label = columnByRole(ds, 'label');
  let labelled = 0;
  if (label) for (let p = 0; p < rows.length; p++) labelled += label.values[rowOf(rows[p])] === 1 ? 1 : 0;
  const short = recipe ? shortUnits(ds, recipe.unitBaseline) : undefined;
  return {
    model: draft,
    trainingRows: rows.length,
    droppedMissing,
    constantInRegime,
    ...(inSample ? { inSample } : {}),
    ...(labelled ? { labelledAnomalous: { column: label!.name, rows: labelled } } : {}),
    ...(short ? { shortUnits: short } : {}),
    trainMs: performance.now() - started,
  };
}
