// The page's composition root: the state the views read (data, features, settings,
// model, scores, selection) and the controllers that act on it, one job each. Heavy
// work goes to the workers; the page keeps only what rendering needs.
import { FleetOrder } from './fleet-order.js';
import { unscoredWhy } from '../model/unscored-words.js';
import type { DataVerdict } from '../services/engine-service.js';
import * as Comlink from 'comlink';
import { truthOf, type Dataset } from '../data/dataset.js';
import { silenceIn, type Silence } from '../data/unit-silence.js';
import type { Profile } from '../data/profile.js';
import { columnBuffers } from '../data/parts-column.js';
import type { UnitColumnChoice } from '../data/roles.js';
import type { ModelJson } from '../model/types.js';
import type { Explanation } from '../model/loaded-model.js';
import type { SliderIndex } from '../metrics/slider-index.js';
import type { IndexRequest } from '../services/slider-index-service.js';
import type { IngestProgress } from '../services/ingest-service.js';
import { detectionDefaults, type DetectionDefaults } from '../features/defaults.js';
import { presetOf, presetWords, withPreset, type PresetKind } from './detection-preset.js';
import { columnNamer, type Namer } from '../features/feature-words.js';
import { Bus } from './bus.js';
import { plural } from './dom.js';
import { Workers } from './engine-client.js';
import { IngestController, absentInputs, type LoadIntent } from './ingest-controller.js';
import { LinkController } from './link-controller.js';
import { ModelController, type Busy } from './model-controller.js';
import { RegistryController } from './registry-controller.js';
import { ReplayController } from './replay-controller.js';
import { SessionController } from './session-controller.js';
import { ThresholdController } from './threshold-controller.js';
import { unitKeyWords, type DataMeta, type TrainSettings } from './state.js';
import { timeWords, type TimeWords } from './time-words.js';
import { unitWords, type UnitWords } from './unit-words.js';

export class Workbench extends Bus {
  readonly workers: Workers;
  busy: Busy = '';
  progress?: IngestProgress;
  data?: DataMeta;
  profile?: Profile;
  features = new Set<string>();
  settings: TrainSettings = withPreset(
    { trees: 100, maxSamples: 'auto', maxFeatures: 1, seed: 42, baseline: 'first:50%' } as TrainSettings,
    'fleet',
    detectionDefaults(),
  );
  model?: ModelJson;
  scores?: Float64Array;
  /** Does the scored data fit the model's training envelope (absent: the model records none). */
  dataCheck?: DataVerdict;
  selectedUnit?: number;
  selectedRow?: number;
  explanation?: Explanation;
  lastTrainMs?: number;
  /** Column names as people read them (C-MAPSS sensors by their documented symbols). */
  names: Namer = columnNamer([]);
  /** How moments and spans of the data's time are said. */
  time: TimeWords = timeWords();
  /** How units are named: numbers, the file's text ids, or the file's name for data without units. */
  units: UnitWords = unitWords();
  readonly bus: Bus = this;
  readonly ingest = new IngestController(this);
  readonly models = new ModelController(this);
  readonly threshold = new ThresholdController(this);
  readonly replay = new ReplayController(this);
  readonly session = new SessionController(this);
  /** Event Hubs and Cosmos DB. */
  readonly link = new LinkController(this);
  /** The model registry's champion, candidates and promotion (the Models panel). */
  readonly registry = new RegistryController(this);

  constructor() {
    super();
    this.workers = new Workers((message) => {
      this.fail('data', `${message}; it was restarted — load the data again`);
      this.workers.spawnEngine();
      void this.workers.init();
    });
  }

  get dataName(): string | undefined {
    return this.data?.name;
  }

  private silenceFound?: { truth: Dataset; value: Silence | undefined };

  /** Units whose readings stopped long before the fleet's latest (timestamps only), found once per data. */
  get silence(): Silence | undefined {
    const truth = this.data?.truth;
    if (!truth || this.data!.wholeSeries) return undefined;
    if (this.silenceFound?.truth !== truth) this.silenceFound = { truth, value: silenceIn(truth) };
    return this.silenceFound.value;
  }

  get contamination(): 'auto' | number {
    return this.threshold.contamination;
  }

  /**
   * Whether the loaded data is the model's training data, told by content (its inputs
   * fingerprint) once known; until then, or for a model that records none, by file name.
   */
  private sameData?: boolean;

  /** True when the loaded data is the data the model was trained on: its figures are in-sample. */
  get inSample(): boolean {
    if (!this.model || !this.data) return false;
    return this.sameData ?? this.model.training.source === this.data.name;
  }

  async loadFiles(
    files: File[],
    entry?: string,
    persist = true,
    intent: LoadIntent = 'load',
    unitColumn?: UnitColumnChoice,
  ): Promise<void> {
    // The user's files (persisted) wait for a restore under way; the restore's own (not persisted) are its work.
    if (persist) await this.session.settled(files.map((f) => f.name).join(', '));
    return this.ingest.load(files, entry, persist, intent, unitColumn);
  }

  rereadData(unitColumn: UnitColumnChoice | undefined, intent: LoadIntent = 'load'): Promise<void> {
    return this.ingest.reread(unitColumn, intent);
  }

  get heldUnitColumn(): string | null | undefined {
    return this.models.heldUnitColumn;
  }

  modelChecked(): Promise<void> {
    return this.models.modelChecked();
  }

  saveFiles(files: File[], entry?: string, unitColumn?: UnitColumnChoice): Promise<void> {
    return this.session.saveFiles(files, entry, unitColumn);
  }

  saveSoon(): void {
    this.session.saveSoon();
  }

  /** The slider's index of the scores, built in its worker. */
  indexScores(request: IndexRequest, rows: number): Promise<SliderIndex> {
    return this.workers.sliderIndex(request, rows);
  }

  /** The engine's work after new scores (drivers, data check): the slider's index is built after it. */
  private background: Promise<void> = Promise.resolve();

  /**
   * After the next frame is painted (or half a second, for a tab in the background, which
   * paints no frames) and the engine's work after the scores is done: on two cores the
   * slider's index would otherwise slow the drivers and the data check, and what waits on them.
   */
  async afterPaint(): Promise<void> {
    await this.background;
    await this.painted();
  }

  /** After the next frame is painted (or half a second, for a tab in the background, which paints no frames). */
  painted(): Promise<void> {
    return new Promise<void>((ok) => {
      const timer = setTimeout(ok, 500);
      requestAnimationFrame(() =>
        setTimeout(() => {
          clearTimeout(timer);
          ok();
        }, 0),
      );
    });
  }

  /** Replay and a live hub connection follow the slider; with neither, no message per frame. */
  followOffset(offset: number): void {
    if (this.replay.active || this.link.connected) void this.workers.engine.api.setLiveOffset(offset);
  }

  /** New data replaces the old; a model stays and scores it when it can. */
  async adoptDataset(dataset: Dataset, profile: Profile, unitColumn?: UnitColumnChoice, intent: LoadIntent = 'load'): Promise<void> {
    // Data without a unit column is one unit, so the board, the unit view and replay treat it as any fleet of one.
    const wholeSeries = !dataset.columns.some((c) => c.role === 'unit');
    const truth = truthOf(dataset);
    const meta: DataMeta = {
      name: dataset.name,
      format: dataset.format,
      rows: dataset.rows,
      columns: dataset.columns.map((c) => ({ name: c.name, role: c.role, ...(c.measure ? { measure: c.measure } : {}) })),
      notes: dataset.notes,
      truth,
      wholeSeries,
      unitColumn,
    };
    const buffers = dataset.columns.flatMap(columnBuffers);
    await this.workers.call(this.workers.engine, (api) => api.setDataset(Comlink.transfer(dataset, buffers)));
    this.data = meta;
    this.profile = profile;
    this.names = columnNamer(
      meta.columns.map((c) => c.name),
      new Map(meta.columns.flatMap((c) => (c.measure ? [[c.name, c.measure] as const] : []))),
    );
    this.time = timeWords(truth);
    this.units = unitWords(truth, wholeSeries ? meta.name.replace(/(\.(txt|csv|tsv|gz|zip))+$/i, '') : undefined);
    this.replay.forget();
    this.features = new Set(profile.defaultFeatures);
    this.scores = undefined;
    this.sameData = undefined;
    this.threshold.reset();
    this.models.forgetDrivers();
    this.explanation = undefined;
    this.selectedRow = undefined;
    this.selectedUnit = truth.columns.find((c) => c.role === 'unit')?.values[0];
    const preset = this.followPreset(wholeSeries);
    const lacks = absentInputs(this.model, dataset);
    // Read again for a model being imported: that model scores it next, not the one in use.
    const importing = intent === 'import';
    const why = importing
      ? undefined
      : lacks.length
        ? `it has no column ${lacks
            .slice(0, 3)
            .map((c) => `“${c}”`)
            .join(', ')}${lacks.length > 3 ? ` or ${lacks.length - 3} more of the model’s columns` : ''}`
        : await this.models.rescore();
    // Data a kept model scores keeps that model's contamination on the slider; other data gets its kind's.
    const ownContamination = !!preset && (!this.model || !!why);
    if (preset && ownContamination) this.threshold.contamination = preset.defaults.contamination;
    const byModel = unitColumn && !unitColumn.required ? ` Its units are told apart by ${unitColumn.name}, as the model records.` : '';
    const loaded =
      `Loaded ${meta.name}: ${plural(meta.rows, 'row')}, ${wholeSeries ? 'one series (no unit column)' : plural(profile.units, 'unit')}.${byModel}` +
      (preset?.changed ? ` ${presetWords(preset.kind, preset.defaults, ownContamination)}` : '');
    this.emit('data', 'model', 'threshold', 'unit', 'explain');
    this.dataReplaced();
    if (importing) this.say('data', loaded);
    else if (!this.model) this.say('data', `${loaded} Check its quality (step 2), then train (step 3).`);
    else if (!why)
      this.say(
        'data',
        `${loaded} Scored with model ${this.model.id} (trained on ${this.model.training.source}).${unitKeyWords(this.model, meta)}`,
      );
    else this.say('data', `${loaded} Model ${this.model.id} is kept but cannot score it: ${why}. Train a new one in step 3.`);
    // A model file chosen before any data: it scores the first data loaded.
    if (!this.model) await this.models.importHeld();
  }

  /** Untouched detection settings follow the data's kind (fleet or one series): which preset now applies, and whether that changed anything. */
  private followPreset(wholeSeries: boolean): { kind: PresetKind; defaults: DetectionDefaults; changed: boolean } | undefined {
    const was = presetOf(this.settings);
    if (!was) return undefined;
    const kind: PresetKind = wholeSeries ? 'single' : 'fleet';
    const defaults = detectionDefaults(wholeSeries ? { healthyReadings: this.healthyReadings() } : undefined);
    const changed = kind !== was || (kind === 'single' && defaults.recipe.window.size !== this.settings.windowSize);
    this.settings = withPreset(this.settings, kind, defaults);
    return { kind, defaults, changed };
  }

  /** Readings in the training rows step 3 names (the whole series when they cannot be read yet: training will say why). */
  private healthyReadings(): number {
    const truth = this.data!.truth;
    try {
      return this.threshold.maskOf(this.settings.baseline).reduce((n, b) => n + b, 0);
    } catch {
      return truth.rows;
    }
  }

  toggleFeature(name: string, on: boolean): void {
    if (on) this.features.add(name);
    else this.features.delete(name);
    this.emit('data');
    this.saveSoon();
  }

  train(): Promise<void> {
    this.trainingRowsChanged();
    return this.models.train();
  }

  /** Untouched single-stream settings take their window from the training rows chosen now, as `isoscope train --baseline` does. */
  trainingRowsChanged(): void {
    if (this.data?.wholeSeries && presetOf(this.settings) === 'single' && this.followPreset(true)?.changed) this.emit('data');
  }

  async importModel(text: string, fileName: string): Promise<void> {
    await this.session.settled(fileName);
    if (!this.data) return this.models.holdModel(text, fileName);
    return this.models.importModel(text, fileName);
  }

  /** how: 'imported' keeps the model's own offset until the slider moves; 'rescored' keeps the threshold of the data it was trained on. */
  adoptModel(model: ModelJson, scores: Float64Array, how: 'trained' | 'imported' | 'rescored' = 'trained'): void {
    this.model = model;
    // Step 1's news said what to do without a model, or that the model kept could not score the data: no longer so.
    // Nor does it name the model that scored the data before this one (and that model's data check).
    const said = this.messages.get('data');
    const cleared = said?.text.replace(
      / (Check its quality \(step 2\), then train \(step 3\)\.|Model \S+ is kept but cannot score it: .*Train a new one in step 3\.)$/,
      '',
    );
    const next =
      how === 'rescored'
        ? cleared
        : cleared?.replace(
            / Scored with model .+? \(trained on .*$/s,
            ` Scored with model ${model.id} (trained on ${model.training.source}).`,
          );
    if (said && !said.error && next !== said.text) this.say('data', next!);
    this.dataCheck = undefined;
    // A model trained here fingerprinted this very data.
    this.sameData = how === 'trained' ? true : undefined;
    this.scores = scores;
    this.selectedRow = undefined;
    this.explanation = undefined;
    this.emit('model');
    this.threshold.adopt(model, scores, how);
    // A new model opens the unit view on the unit the board puts first, most urgent: it was the file's
    // first unit. A model imported (or restored) keeps the unit in view; new data scored opens it too (rescore).
    if (how === 'trained') this.openMostUrgent();
    this.background = Promise.allSettled([
      this.models.fetchDrivers(),
      this.models.fetchCheck((check) => {
        this.dataCheck = check;
        this.emit('check');
        // Data scored by a model trained elsewhere: a misfit is said where the data was loaded, not only under Evaluation.
        const said = this.messages.get('data');
        if (how === 'rescored' && check && check.verdict !== 'ok' && said && !said.error)
          this.say(
            'data',
            `${said.text} Data check: ${check.verdict === 'mismatch' ? `mismatch: this data is not what the model was trained on, so its scores say how unlike that data it is, not how worn the units are` : 'drift: part of the data has left the training range'}. ${check.reasons.join(' ')}`,
          );
      }),
      // A model trained here fingerprinted this data already: no second pass.
      how === 'trained'
        ? undefined
        : this.models.fetchInSample((same) => {
            this.sameData = same;
            this.emit('in-sample');
          }),
    ]).then(() => undefined);
  }

  keepModel(model: ModelJson): void {
    this.model = model;
    this.scores = undefined;
    this.dataCheck = undefined;
    this.sameData = undefined;
    this.selectedRow = undefined;
    this.explanation = undefined;
    this.threshold.reset();
    this.models.forgetDrivers();
    this.emit('model', 'threshold', 'explain');
  }

  openMostUrgent(): void {
    const states = this.threshold.thresholded?.units;
    if (states?.units.length) this.selectUnit(states.units[new FleetOrder().urgent(states)[0]]);
  }

  selectUnit(unit: number): void {
    if (unit === this.selectedUnit) return;
    this.selectedUnit = unit;
    this.emit('unit');
    this.saveSoon();
  }

  async explain(row: number): Promise<void> {
    this.selectedRow = row;
    // An unscored reading has no path to explain: "anomaly score –, isolated in – splits" said nothing true.
    if (this.scores && Number.isNaN(this.scores[row])) {
      this.explanation = undefined;
      this.emit('explain');
      this.say('review', `Row ${row} is not scored: ${unscoredWhy(this.model, this.data?.wholeSeries)}.`);
      return;
    }
    try {
      this.explanation = await this.workers.call(this.workers.engine, (api) => api.explainRow(row));
      this.emit('explain');
    } catch (e) {
      this.fail('review', `Could not explain row ${row}: ${(e as Error).message}`);
    }
  }

  modelJson(): string {
    if (!this.model) throw new Error('no model to export');
    return JSON.stringify(this.model, null, 1);
  }
}
