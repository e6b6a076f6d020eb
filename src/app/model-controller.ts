// The model on the page: train on the loaded data, import a model file, and keep the
// model when new data is loaded (it scores the new data if it can), until the user
// trains or imports another. After each, the fleet's drivers (why each unit looks as it
// does now) are fetched from the engine in the background.
import { unscoredWhy } from '../model/unscored-words.js';
import { labelledWords } from '../model/calibration-words.js';
import { shortUnitsWords } from '../model/short-units.js';
import { regimeConstantLine } from '../features/feature-words.js';
import type { DataVerdict, ScoredResult } from '../services/engine-service.js';
import { parseBaseline } from '../data/baseline.js';
import type { ModelJson } from '../model/types.js';
import type { UnitColumnChoice } from '../data/roles.js';
import { fingerprintInputs, fingerprintKind, rowsMatchTraining } from '../model/inputs-fingerprint.js';
import type { Driver, OutOfRange } from '../model/unit-drivers.js';
import { capital, plural } from './dom.js';
import type { Bus, Scope } from './bus.js';
import type { Workers } from './engine-client.js';
import { unitKeyWords, type DataMeta, type TrainSettings } from './state.js';

export type Busy = '' | 'loading' | 'training' | 'importing' | 'scoring';

export interface ModelHost {
  readonly bus: Bus;
  readonly workers: Workers;
  readonly data?: DataMeta;
  readonly profile?: { columns: { name: string }[] };
  readonly features: Set<string>;
  readonly settings: TrainSettings;
  readonly contamination: 'auto' | number;
  busy: Busy;
  model?: ModelJson;
  lastTrainMs?: number;
  adoptModel(model: ModelJson, scores: Float64Array, how: 'trained' | 'imported' | 'rescored'): void;
  /** A model kept without scores: the loaded data lacks what it reads. */
  keepModel(model: ModelJson): void;
  /** Opens the unit the fleet board puts first, most urgent. */
  openMostUrgent(): void;
  /** Reads the loaded files again by a model's unit column before it is imported (the page's data stays on failure). */
  rereadData(unitColumn: UnitColumnChoice, intent: 'import'): Promise<void>;
}

export class ModelController {
  /** Per unit, the sensors that pushed its latest reading up the most (absent until fetched). */
  drivers?: Map<number, Driver[]>;
  /** Per unit, the inputs whose latest reading lies outside the training range (unit-drivers.ts), fetched with the drivers. */
  outside?: Map<number, OutOfRange[]>;
  /** Where the last import's time went (diagnostics: bench:browser): validate and load, score on every engine worker, threshold and evaluation on the page. */
  lastImportMs?: { load: number; score: number; adopt: number };
  private generation = 0;
  private readonly host: ModelHost;

  constructor(host: ModelHost) {
    this.host = host;
  }

  async train(): Promise<void> {
    const h = this.host;
    if (!h.data) return h.bus.fail('train', 'Load data first (step 1).');
    if (h.busy) return h.bus.fail('train', `Wait for ${h.busy} to finish.`);
    if (h.features.size === 0) return h.bus.fail('train', 'Choose at least one feature column in Data quality (step 2).');
    let baseline;
    try {
      baseline = parseBaseline(h.settings.baseline);
    } catch (e) {
      return h.bus.fail('train', (e as Error).message);
    }
    const s = h.settings;
    const features = h.profile!.columns.map((c) => c.name).filter((n) => h.features.has(n));
    h.busy = 'training';
    h.workers.stopSliderIndex();
    h.bus.say('train', `Training ${plural(s.trees, 'tree')} on ${plural(features.length, 'feature')}…`);
    try {
      const result = await this.scoredOnAll(
        await h.workers.call(h.workers.engine, (api) =>
          api.train(
            {
              features,
              baseline,
              params: {
                trees: s.trees,
                maxSamples: s.maxSamples,
                maxFeatures: s.maxFeatures,
                seed: s.seed,
                contamination: h.contamination,
                ...(s.extensionLevel !== undefined ? { extensionLevel: s.extensionLevel } : {}),
              },
              recipe: { unitBaseline: s.unitBaseline, window: { size: s.windowSize, stats: s.stats }, regimes: s.regimes },
              alarm: s.alarm,
            },
            false,
          ),
        ),
      );
      h.lastTrainMs = result.trainMs;
      h.adoptModel(result.model, result.scores, 'trained');
      // What it says of the data trained on goes once other data is loaded; the model's own figures stay.
      h.bus.say(
        'train',
        `Trained on ${plural(result.trainingRows ?? 0, 'row')} in ${result.trainMs?.toFixed(0)} ms.` +
          (result.inSample ? ` The threshold stays in sample, the quantile of the training readings’ own scores: ${result.inSample}.` : ''),
        (result.constantInRegime?.length ? ` ${capital(regimeConstantLine(result.constantInRegime))}.` : '') +
          (result.shortUnits ? ` ${shortUnitsWords(result.shortUnits)}.` : '') +
          (result.labelledAnomalous
            ? ` ${labelledWords(result.labelledAnomalous, result.trainingRows ?? 0, 'Choose training rows that end before the first labelled anomaly.')}`
            : '') +
          (result.unscorable ? ` ${plural(result.unscorable, 'row')} not scored: ${unscoredWhy(result.model, h.data?.wholeSeries)}.` : ''),
      );
    } catch (e) {
      h.bus.fail('train', `Training failed: ${(e as Error).message}`);
    } finally {
      h.busy = '';
      h.bus.emit('status');
    }
  }

  /** A model file chosen before any data, checked now and imported when data comes (importHeld). */
  private held?: { text: string; fileName: string; id: string; unitColumn: string | null };

  /** The unit column the waiting model file records, so the first data is read by it (undefined: no model waiting). */
  get heldUnitColumn(): string | null | undefined {
    return this.held?.unitColumn;
  }

  /** The model file waiting for the first data, for the panel's model line. */
  get waiting(): { id: string; fileName: string } | undefined {
    return this.held && { id: this.held.id, fileName: this.held.fileName };
  }

  /** A model file being checked to wait for the first data: a load waits for it, to read the data by the model's unit column. */
  private checking: Promise<void> = Promise.resolve();

  modelChecked(): Promise<void> {
    return this.checking;
  }

  async holdModel(text: string, fileName: string): Promise<void> {
    const h = this.host;
    let checked!: () => void;
    this.checking = new Promise<void>((ok) => (checked = ok));
    let found: { id: string; source: string; unitColumn: string | null };
    try {
      found = await h.workers.call(h.workers.engine, (api) => api.checkModel(text));
    } catch (e) {
      checked();
      return h.bus.fail('train', `Could not import ${fileName}: ${(e as Error).message.replace(/ \[[a-z-]+\]$/, '')}`);
    }
    // Data may have arrived while the file was checked: then it is imported now (settled first: the import may read the data again).
    if (h.data) {
      checked();
      return this.importModel(text, fileName);
    }
    this.held = { text, fileName, id: found.id, unitColumn: found.unitColumn };
    checked();
    h.bus.emit('model');
    h.bus.say('train', `Model ${found.id} (trained on ${found.source}) from ${fileName} will score the data you load next (step 1).`);
  }

  /** Imports the model held for the first data, if any. */
  async importHeld(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    if (!held) return;
    this.host.bus.emit('model');
    await this.importModel(held.text, held.fileName);
  }

  /** A model file (or the saved session's model): validated, then it scores the loaded data. */
  async importModel(text: string, fileName: string, scope: Scope = 'train', how: 'imported' | 'rescored' = 'imported'): Promise<void> {
    const h = this.host;
    if (!h.data) return h.bus.fail(scope, 'Load the data the model should score first (step 1).');
    await this.readByModelUnit(text);
    // Within a data load (a model held for the first data), the load stays what the page is busy with.
    const was = h.busy;
    h.busy = 'importing';
    h.workers.stopSliderIndex();
    try {
      const t0 = performance.now();
      const loaded = await h.workers.call(h.workers.engine, (api) => api.importModel(text, false));
      const t1 = performance.now();
      const result = await this.scoredOnAll(loaded);
      const t2 = performance.now();
      h.lastTrainMs = undefined;
      h.adoptModel(result.model, result.scores, how);
      this.lastImportMs = { load: t1 - t0, score: t2 - t1, adopt: performance.now() - t2 };
      h.bus.say(scope, `Imported model ${result.model.id} from ${fileName}.`, unitKeyWords(result.model, h.data));
    } catch (e) {
      // The CLI's bracketed code ([schema], [too-large]) is for scripts and bug reports, not this sentence.
      const why = (e as Error).message.replace(/ \[[a-z-]+\]$/, '');
      // A model the data cannot feed is said until other data loads; a broken file stays said.
      h.bus.fail(scope, `Could not import ${fileName}: ${why}`, /^the data has no column/.test(why));
    } finally {
      h.busy = was;
      h.bus.emit('status');
    }
  }

  /**
   * A model trained with a unit column the loaded CSV was not read by (`--unit-column Standort`):
   * the data is read again by that column first, as `isoscope score` reads a file by the model's
   * keys. A column the user picked on the page stays theirs.
   */
  private async readByModelUnit(text: string): Promise<void> {
    const h = this.host;
    const d = h.data;
    if (!d || d.format !== 'csv' || d.unitColumn?.required || h.busy) return;
    let found: { unitColumn: string | null; reads: string[] };
    try {
      found = await h.workers.call(h.workers.engine, (api) => api.checkModel(text));
    } catch {
      return; // the import says what is wrong with the file
    }
    const recorded = found.unitColumn;
    const now = d.columns.find((c) => c.role === 'unit')?.name ?? null;
    const have = new Set(d.columns.map((c) => c.name));
    // A model the data cannot feed is refused by the import: the data must stay as it was read.
    if (!recorded || recorded === now || !have.has(recorded) || !found.reads.every((c) => have.has(c))) return;
    await h.rereadData({ name: recorded, required: false }, 'import');
  }

  /** The saved session's model, which the restored data cannot feed: kept as it was before the reload, for the next data. */
  async keepSaved(text: string): Promise<void> {
    const h = this.host;
    const { model } = await h.workers.call(h.workers.engine, (api) => api.keepModel(text));
    h.keepModel(model);
  }

  /** New data came in under a kept model: score it with that model. Returns why not, if it cannot. */
  async rescore(): Promise<string | undefined> {
    const h = this.host;
    if (!h.model) return undefined;
    const was = h.busy;
    h.busy = 'scoring';
    h.workers.stopSliderIndex();
    try {
      const result = await this.scoredOnAll(await h.workers.call(h.workers.engine, (api) => api.rescore(false)));
      h.adoptModel({ ...result.model, threshold: h.model.threshold }, result.scores, 'rescored');
      // New data: the unit in view was the old data's (a restored session keeps its own, and comes another way).
      h.openMostUrgent();
      return undefined;
    } catch (e) {
      return (e as Error).message;
    } finally {
      h.busy = was;
    }
  }

  /** The model the primary engine worker has just loaded, scored on every engine worker. */
  private async scoredOnAll(loaded: ScoredResult): Promise<ScoredResult> {
    const { scores, unscorable } = await this.host.workers.score(loaded.model, this.host.data?.rows ?? 0);
    return { ...loaded, scores, unscorable };
  }

  forgetDrivers(): void {
    this.generation++;
    this.drivers = undefined;
    this.outside = undefined;
    this.host.bus.emit('drivers');
  }

  /** Asks the engine for the drivers of the model now in use on the data now loaded. */
  /** The model–data check of the data just scored; it arrives after the scores, as drivers do. */
  async fetchCheck(got: (check: DataVerdict | undefined) => void): Promise<void> {
    const h = this.host;
    const asked = this.generation;
    try {
      const check = await h.workers.call(h.workers.engine, (api) => api.dataCheck());
      if (asked === this.generation) got(check);
    } catch {
      // The verdict is an aid; the page shows none without it.
    }
  }

  /**
   * Whether the loaded data is the model's training data, by content (its inputs fingerprint,
   * as evaluate tells it): rows counted differently say no at once; otherwise the engine
   * fingerprints the data after the scores are drawn. Nothing for a model that records none.
   */
  async fetchInSample(got: (same: boolean) => void): Promise<void> {
    const h = this.host;
    const model = h.model;
    const recorded = model?.training.inputsFingerprint;
    if (!model || !recorded || !h.data) return;
    if (!rowsMatchTraining(recorded, h.data.rows)) return got(false);
    const asked = this.generation;
    try {
      const found = await h.workers.call(h.workers.engine, (api) =>
        api.inputsFingerprint(fingerprintInputs(model), fingerprintKind(recorded)),
      );
      if (found && asked === this.generation) got(found === recorded);
    } catch {
      // The file name still tells it, as for a model that records no fingerprint.
    }
  }

  async fetchDrivers(): Promise<void> {
    const h = this.host;
    this.forgetDrivers();
    const asked = this.generation;
    try {
      const list = await h.workers.call(h.workers.engine, (api) => api.unitDrivers(3));
      if (asked !== this.generation) return; // other data or another model came meanwhile
      this.drivers = new Map(list.map((d) => [d.unit, d.drivers]));
      this.outside = new Map(list.flatMap((d) => (d.outside.length ? [[d.unit, d.outside]] : [])));
      h.bus.emit('drivers');
    } catch {
      // Drivers are an aid; the board shows "–" without them.
    }
  }
}
