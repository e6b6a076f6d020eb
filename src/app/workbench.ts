// The page's composition root: the state the views read (data, features, settings,
// model, scores, selection) and the controllers that act on it, one job each. Heavy
// work goes to the workers; the page keeps only what rendering needs.
import * as Comlink from 'comlink';
import type { Dataset, ColumnRole } from '../data/dataset.js';
import type { Profile } from '../data/profile.js';
import { parseBaseline } from '../data/baseline.js';
import type { ModelJson } from '../model/types.js';
import type { Explanation } from '../model/loaded-model.js';
import type { IngestProgress } from '../services/ingest-service.js';
import { DEFAULT_QUALITY } from '../features/defaults.js';
import { Bus } from './bus.js';
import { Workers } from './engine-client.js';
import { IngestController } from './ingest-controller.js';
import { LinkController } from './link-controller.js';
import { ReplayController } from './replay-controller.js';
import { SessionController } from './session-controller.js';
import { ThresholdController } from './threshold-controller.js';
import type { DataMeta, TrainSettings } from './state.js';

export class Workbench extends Bus {
  readonly workers: Workers;
  busy: '' | 'loading' | 'training' | 'importing' = '';
  progress?: IngestProgress;
  data?: DataMeta;
  profile?: Profile;
  features = new Set<string>();
  settings: TrainSettings = {
    trees: 100,
    maxSamples: 'auto',
    maxFeatures: 1,
    seed: 42,
    baseline: 'first:50%',
    unitBaseline: DEFAULT_QUALITY.recipe.unitBaseline,
    windowSize: DEFAULT_QUALITY.recipe.window.size,
    stats: [...DEFAULT_QUALITY.recipe.window.stats],
    regimes: 'auto',
    alarm: { ...DEFAULT_QUALITY.alarm },
  };
  model?: ModelJson;
  scores?: Float64Array;
  selectedUnit?: number;
  selectedRow?: number;
  explanation?: Explanation;
  lastTrainMs?: number;
  readonly bus: Bus = this;
  readonly ingest = new IngestController(this);
  readonly threshold = new ThresholdController(this);
  readonly replay = new ReplayController(this);
  readonly session = new SessionController(this);
  /** Event Hubs and Cosmos DB. */
  readonly link = new LinkController(this);

  constructor() {
    super();
    this.workers = new Workers((message) => {
      this.fail(`${message}; it was restarted — load the data again`);
      this.workers.spawnEngine();
      void this.workers.init();
    });
  }

  get dataName(): string | undefined {
    return this.data?.name;
  }

  get contamination(): 'auto' | number {
    return this.threshold.contamination;
  }

  loadFiles(files: File[], entry?: string, persist = true): Promise<void> {
    return this.ingest.load(files, entry, persist);
  }

  saveFiles(files: File[], entry?: string): Promise<void> {
    return this.session.saveFiles(files, entry);
  }

  saveSoon(): void {
    this.session.saveSoon();
  }

  /** Replay and a live hub connection follow the slider; with neither, no message per frame. */
  followOffset(offset: number): void {
    if (this.replay.active || this.link.connected) void this.workers.engine.api.setLiveOffset(offset);
  }

  async adoptDataset(dataset: Dataset, profile: Profile): Promise<void> {
    const keep = new Set<ColumnRole>(['unit', 'time', 'rul', 'label']);
    const truth: Dataset = {
      ...dataset,
      columns: dataset.columns.filter((c) => keep.has(c.role)).map((c) => ({ ...c, values: c.values.slice() })),
    };
    const meta: DataMeta = {
      name: dataset.name,
      rows: dataset.rows,
      columns: dataset.columns.map((c) => ({ name: c.name, role: c.role })),
      notes: dataset.notes,
      truth,
    };
    const buffers = dataset.columns.map((c) => c.values.buffer as ArrayBuffer);
    await this.workers.call(this.workers.engine, (api) => api.setDataset(Comlink.transfer(dataset, buffers)));
    this.data = meta;
    this.profile = profile;
    this.features = new Set(profile.defaultFeatures);
    this.model = undefined;
    this.scores = undefined;
    this.threshold.reset();
    this.explanation = undefined;
    this.selectedRow = undefined;
    this.selectedUnit = truth.columns.find((c) => c.role === 'unit')?.values[0];
    this.say(`Loaded ${meta.name}: ${meta.rows.toLocaleString('en-US')} rows, ${profile.units} units. Choose features and train.`);
    this.emit('data', 'model', 'threshold', 'unit', 'explain');
  }

  toggleFeature(name: string, on: boolean): void {
    if (on) this.features.add(name);
    else this.features.delete(name);
    this.emit('data');
    this.saveSoon();
  }

  async train(): Promise<void> {
    if (!this.data) return this.fail('Load data first.');
    if (this.busy) return this.fail(`wait for ${this.busy} to finish`);
    if (this.features.size === 0) return this.fail('Choose at least one feature column.');
    let baseline;
    try {
      baseline = parseBaseline(this.settings.baseline);
    } catch (e) {
      return this.fail((e as Error).message);
    }
    const s = this.settings;
    const features = this.profile!.columns.map((c) => c.name).filter((n) => this.features.has(n));
    this.busy = 'training';
    this.say(`Training ${s.trees} trees on ${features.length} features…`);
    try {
      const result = await this.workers.call(this.workers.engine, (api) =>
        api.train({
          features,
          baseline,
          params: {
            trees: s.trees,
            maxSamples: s.maxSamples,
            maxFeatures: s.maxFeatures,
            seed: s.seed,
            contamination: this.contamination,
            ...(s.extensionLevel !== undefined ? { extensionLevel: s.extensionLevel } : {}),
          },
          recipe: { unitBaseline: s.unitBaseline, window: { size: s.windowSize, stats: s.stats }, regimes: s.regimes },
          alarm: s.alarm,
        }),
      );
      this.lastTrainMs = result.trainMs;
      this.adoptModel(result.model, result.scores);
      this.say(
        `Trained on ${result.trainingRows?.toLocaleString('en-US')} rows in ${result.trainMs?.toFixed(0)} ms.` +
          (result.unscorable ? ` ${result.unscorable} rows have missing features and are not scored.` : ''),
      );
    } catch (e) {
      this.fail(`Training failed: ${(e as Error).message}`);
    } finally {
      this.busy = '';
      this.emit('status');
    }
  }

  async importModel(text: string, fileName: string): Promise<void> {
    if (!this.data) return this.fail('Load the data the model should score first.');
    this.busy = 'importing';
    try {
      const result = await this.workers.call(this.workers.engine, (api) => api.importModel(text));
      this.adoptModel(result.model, result.scores, true);
      this.say(`Imported model ${result.model.id} from ${fileName}.`);
    } catch (e) {
      this.fail(`Could not import ${fileName}: ${(e as Error).message}`);
    } finally {
      this.busy = '';
      this.emit('status');
    }
  }

  /** keepThreshold: an imported model keeps its own offset until the slider moves. */
  adoptModel(model: ModelJson, scores: Float64Array, keepThreshold = false): void {
    this.model = model;
    this.scores = scores;
    this.selectedRow = undefined;
    this.explanation = undefined;
    this.emit('model');
    this.threshold.adopt(model, scores, keepThreshold);
  }

  selectUnit(unit: number): void {
    this.selectedUnit = unit;
    this.emit('unit');
    this.saveSoon();
  }

  async explain(row: number): Promise<void> {
    this.selectedRow = row;
    try {
      this.explanation = await this.workers.call(this.workers.engine, (api) => api.explainRow(row));
      this.emit('explain');
    } catch (e) {
      this.fail(`Could not explain row ${row}: ${(e as Error).message}`);
    }
  }

  modelJson(): string {
    if (!this.model) throw new Error('no model to export');
    return JSON.stringify(this.model, null, 1);
  }
}
