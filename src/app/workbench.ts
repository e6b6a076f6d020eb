// The page's state and actions. Heavy work goes to the workers; this keeps only what
// rendering needs (profile, scores, unit/time/ground-truth columns) and derives the
// thresholded view from cached scores on every slider move.
import * as Comlink from 'comlink';
import type { Dataset, ColumnRole } from '../data/dataset.js';
import type { Profile } from '../data/profile.js';
import { baselineMask, parseBaseline } from '../data/baseline.js';
import type { ModelJson } from '../model/types.js';
import type { Explanation } from '../model/loaded-model.js';
import { AlarmBudget, type Thresholded } from '../alarms/alarm-budget.js';
import { evaluateScores, rankingMetrics, type Evaluation, type Ranking } from '../metrics/evaluate.js';
import { Workers } from './engine-client.js';
import type { IngestProgress } from '../services/ingest-service.js';
import type { LiveUpdate, ReplayState } from '../stream/replay.js';
import type { Alert, LiveStats } from '../stream/live-scorer.js';
import { LiveWindow } from './live-window.js';
import { LinkController } from './link-controller.js';
import { unitTimeOrder } from '../data/order.js';
import { sessionStore } from './session-store.js';
import { DEFAULT_CONTAMINATION, DEFAULT_QUALITY } from '../features/defaults.js';
import type { WindowStat } from '../features/recipe.js';
import { alarmRule } from '../model/alarm-rule.js';

export const ALERT_FEED_MAX = 200;

export interface TrainSettings {
  trees: number;
  maxSamples: 'auto' | number;
  maxFeatures: number;
  seed: number;
  baseline: string;
  /** Feature recipe: own-unit baseline readings (0 = off), window length and statistics, regimes. */
  unitBaseline: number;
  windowSize: number;
  stats: WindowStat[];
  regimes: 'auto' | 'off';
  alarm: { k: number; n: number; clear: number };
  /** Absent: axis-parallel splits; else an Extended Isolation Forest at this level. */
  extensionLevel?: number | 'full';
}

export interface DataMeta {
  name: string;
  rows: number;
  columns: { name: string; role: ColumnRole }[];
  notes: string[];
  /** A dataset holding only unit, time and ground-truth columns, for evaluation on the page. */
  truth: Dataset;
}

export type Topic = 'status' | 'data' | 'model' | 'threshold' | 'unit' | 'explain' | 'progress' | 'live' | 'link';

export class Workbench {
  readonly workers: Workers;
  status = 'Drop sensor data here, or load the C-MAPSS sample.';
  error = '';
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
  budget?: AlarmBudget;
  contamination: 'auto' | number = DEFAULT_CONTAMINATION;
  thresholded?: Thresholded;
  evaluation?: Evaluation;
  /** Per-model caches for evaluation: threshold-free metrics and the baseline mask. */
  private ranking?: { scores: Float64Array; value: Ranking; mask: Uint8Array };
  selectedUnit?: number;
  selectedRow?: number;
  explanation?: Explanation;
  lastTrainMs?: number;
  replayState: ReplayState | 'idle' = 'idle';
  liveStats?: LiveStats;
  liveTotal = 0;
  readonly liveWindow = new LiveWindow(5000);
  alerts: Alert[] = [];
  /** Event Hubs and Cosmos DB. */
  readonly link = new LinkController(this);
  private listeners = new Map<Topic, Set<() => void>>();

  constructor() {
    this.workers = new Workers((message) => {
      this.fail(`${message}; it was restarted — load the data again`);
      this.workers.spawnEngine();
      void this.workers.init();
    });
  }

  on(topic: Topic, fn: () => void): void {
    if (!this.listeners.has(topic)) this.listeners.set(topic, new Set());
    this.listeners.get(topic)!.add(fn);
  }

  emit(...topics: Topic[]): void {
    for (const t of topics) this.listeners.get(t)?.forEach((fn) => fn());
  }

  say(status: string): void {
    this.status = status;
    this.error = '';
    this.emit('status');
  }

  fail(message: string): void {
    this.error = message;
    this.emit('status');
  }

  async loadFiles(files: File[], entry?: string, persist = true): Promise<void> {
    if (this.busy) return this.fail(`wait for ${this.busy} to finish`);
    this.busy = 'loading';
    this.say(`Reading ${files.map((f) => f.name).join(', ')}…`);
    const ingest = this.workers.ingest;
    const cancelled = new Promise<never>((_, reject) => (this.cancelLoad = () => reject(new Error('loading cancelled'))));
    try {
      const { dataset, profile } = await Promise.race([
        cancelled,
        this.workers.call(ingest, (api) =>
          api.ingest(
            files,
            Comlink.proxy((p: IngestProgress) => {
              this.progress = p;
              this.emit('progress');
            }),
            entry,
          ),
        ),
      ]);
      await this.adopt(dataset, profile);
      if (persist) await this.persist(() => sessionStore.saveFiles({ files: files.map((f) => ({ name: f.name, blob: f })), entry }));
    } catch (e) {
      // The previous dataset, model and scores stay as they were.
      this.status = this.data ? `Still showing ${this.data.name}.` : 'No data loaded.';
      this.fail(`Could not load ${files.map((f) => f.name).join(', ')}: ${(e as Error).message}`);
    } finally {
      this.cancelLoad = undefined;
      this.busy = '';
      this.progress = undefined;
      this.emit('progress', 'status');
    }
  }

  private cancelLoad?: () => void;

  /** Stops a load at once; a worker that does not stop within 300 ms (a long synchronous parse) is replaced. */
  cancelLoading(): void {
    if (!this.cancelLoad) return;
    const worker = this.workers.ingest;
    const stopped = worker.api.cancel();
    this.cancelLoad();
    const timer = setTimeout(() => {
      if (this.workers.ingest === worker) this.workers.spawnIngest();
    }, 300);
    void stopped.then(
      () => clearTimeout(timer),
      () => undefined,
    );
  }

  private async adopt(dataset: Dataset, profile: Profile): Promise<void> {
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
    this.budget = undefined;
    this.thresholded = undefined;
    this.evaluation = undefined;
    this.explanation = undefined;
    this.selectedRow = undefined;
    const firstUnit = truth.columns.find((c) => c.role === 'unit')?.values[0];
    this.selectedUnit = firstUnit;
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
    const features = this.profile!.columns.map((c) => c.name).filter((n) => this.features.has(n));
    this.busy = 'training';
    this.say(`Training ${this.settings.trees} trees on ${features.length} features…`);
    try {
      const result = await this.workers.call(this.workers.engine, (api) =>
        api.train({
          features,
          baseline,
          params: {
            trees: this.settings.trees,
            maxSamples: this.settings.maxSamples,
            maxFeatures: this.settings.maxFeatures,
            seed: this.settings.seed,
            contamination: this.contamination,
            ...(this.settings.extensionLevel !== undefined ? { extensionLevel: this.settings.extensionLevel } : {}),
          },
          recipe: {
            unitBaseline: this.settings.unitBaseline,
            window: { size: this.settings.windowSize, stats: this.settings.stats },
            regimes: this.settings.regimes,
          },
          alarm: this.settings.alarm,
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
    const truth = this.data!.truth;
    const unit = truth.columns.find((c) => c.role === 'unit')?.values;
    const time = truth.columns.find((c) => c.role === 'time')?.values;
    let mask: Uint8Array;
    try {
      mask = baselineMask(truth, parseBaseline(model.training.baseline));
    } catch {
      mask = new Uint8Array(scores.length).fill(1); // imported models may not record a baseline
    }
    this.model = model;
    this.scores = scores;
    this.budget = new AlarmBudget(scores, mask, {
      unit,
      time,
      rule: alarmRule(model),
      order: unitTimeOrder(truth) ?? undefined,
    });
    this.selectedRow = undefined;
    this.explanation = undefined;
    this.emit('model');
    if (keepThreshold) this.applyThreshold(model.threshold.contamination, model.threshold.offset);
    else this.setContamination(this.contamination);
  }

  setContamination(c: 'auto' | number): void {
    this.contamination = c;
    if (!this.budget || !this.model || !this.scores) return this.emit('threshold');
    this.applyThreshold(c, this.budget.offsetFor(c));
  }

  private applyThreshold(c: 'auto' | number, offset: number): void {
    this.contamination = c;
    this.model = { ...this.model!, threshold: { contamination: c, offset } };
    this.thresholded = this.budget!.apply(offset);
    // Replay and a live hub connection follow the slider; with neither, no message per frame.
    if (this.replayState === 'playing' || this.replayState === 'paused' || this.link.connected)
      void this.workers.engine.api.setLiveOffset(offset);
    this.evaluation = this.evaluate();
    this.emit('threshold');
    this.saveSoon();
  }

  private evaluate(): Evaluation | undefined {
    const truth = this.data!.truth;
    if (!truth.columns.some((c) => c.role === 'rul' || c.role === 'label')) return undefined;
    try {
      // False alarms are counted inside the model's own healthy baseline when it has one.
      const recorded = this.model!.training.baseline;
      const baseline = parseBaseline(recorded.startsWith('first:') ? recorded : 'first:50%');
      if (this.ranking?.scores !== this.scores) {
        const mask = baselineMask(truth, baseline);
        this.ranking = { scores: this.scores!, value: rankingMetrics(truth, this.scores!, { horizon: 30 }, mask), mask };
      }
      return evaluateScores(
        truth,
        this.scores!,
        this.thresholded!.flags,
        { horizon: 30, baseline, baselineMask: this.ranking!.mask, alarm: alarmRule(this.model!) },
        this.ranking!.value,
      );
    } catch {
      return undefined;
    }
  }

  async startReplay(rate: number, k: number, n: number): Promise<void> {
    if (!this.model) return this.fail('Train or import a model before replaying.');
    this.liveWindow.clear();
    this.alerts = [];
    this.liveStats = undefined;
    try {
      await this.workers.call(this.workers.engine, (api) =>
        api.startReplay(
          { rate, offset: this.model!.threshold.offset, debounce: { k, n } },
          Comlink.proxy((u: LiveUpdate) => this.onLive(u)),
        ),
      );
      this.replayState = 'playing';
      this.say(
        `Replaying ${this.data!.name} at ${rate > 0 ? `${rate.toLocaleString('en-US')} readings/s` : 'the maximum rate'} (alarm after ${k} of ${n}).`,
      );
    } catch (e) {
      this.fail(`Replay failed: ${(e as Error).message}`);
    }
    this.emit('live');
  }

  onLive(u: LiveUpdate): void {
    if (!u.link) this.replayState = u.state; // a hub link reports through wb.link, not the replay controls
    this.liveStats = u.stats;
    this.liveTotal = u.total;
    this.liveWindow.push(u.seq, u.score, u.flag);
    if (u.alerts.length) this.alerts = [...u.alerts.reverse(), ...this.alerts].slice(0, ALERT_FEED_MAX);
    this.emit('live');
  }

  async replayControl(action: 'pause' | 'resume' | 'restart'): Promise<void> {
    await this.workers.call(this.workers.engine, (api) =>
      action === 'pause' ? api.pauseReplay() : action === 'resume' ? api.resumeReplay() : api.restartReplay(),
    );
    if (action === 'restart') {
      this.liveWindow.clear();
      this.alerts = [];
    }
    this.replayState = action === 'pause' ? 'paused' : 'playing';
    this.emit('live');
  }

  async setReplayRate(rate: number): Promise<void> {
    await this.workers.call(this.workers.engine, (api) => api.setReplayRate(rate));
  }

  /** The ROC curve of the current scores (threshold-free), when there is ground truth. */
  get rocCurve(): { fpr: Float64Array; tpr: Float64Array } | undefined {
    return this.evaluation && this.ranking?.scores === this.scores ? this.ranking!.value : undefined;
  }

  selectUnit(unit: number): void {
    this.selectedUnit = unit;
    this.emit('unit');
    this.saveSoon();
  }

  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  /** Saves the work state shortly after the last change (slider drags save once). */
  saveSoon(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(
      () =>
        void this.persist(() =>
          sessionStore.saveState({
            features: [...this.features],
            settings: { ...this.settings },
            contamination: this.contamination,
            model: this.model,
            selectedUnit: this.selectedUnit,
            savedAt: new Date().toISOString(),
          }),
        ),
      400,
    );
  }

  private async persist(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (e) {
      this.fail(`Could not save the session in this browser: ${(e as Error).message}`);
    }
  }

  /** Restores the last session: re-reads the saved files, then features, settings, model and threshold. */
  async restore(): Promise<boolean> {
    let saved;
    let state;
    try {
      saved = await sessionStore.loadFiles();
      state = await sessionStore.loadState();
    } catch {
      return false; // no IndexedDB (private mode): start empty
    }
    if (!saved?.files.length) return false;
    await this.loadFiles(
      saved.files.map((f) => new File([f.blob], f.name)),
      saved.entry,
      false,
    );
    if (!this.data || !state) return !!this.data;
    this.settings = { ...this.settings, ...state.settings };
    const known = new Set(this.profile!.columns.map((c) => c.name));
    this.features = new Set(state.features.filter((f) => known.has(f)));
    if (state.selectedUnit !== undefined) this.selectedUnit = state.selectedUnit;
    this.emit('data', 'unit');
    if (state.model) await this.importModel(JSON.stringify(state.model), 'the saved session');
    this.say(`Restored your last session (saved ${new Date(state.savedAt).toLocaleString()}).`);
    return true;
  }

  async clearSession(): Promise<void> {
    await this.persist(() => sessionStore.clear());
    this.say('Cleared the saved session. What is on screen stays until you reload.');
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
