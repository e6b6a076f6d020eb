// Runs in the engine worker: owns the loaded dataset's columns, the Wasm engine and
// the current model. The page asks for results (scores, one unit's traces, an
// explanation), each copied out once and transferred.
import { WasmEngine } from '../engine/wasm-engine.js';
import { rowsByUnit } from '../data/unit-runs.js';
import { withPartsColumns } from '../data/parts-column.js';
import { trainModel, type TrainOptions } from '../model/train.js';
import { LoadedModel, streamInputsOf, type Explanation } from '../model/loaded-model.js';
import { parseModelText } from '../model/validate.js';
import { checkModelData } from '../model/model-check.js';
import { inputsFingerprint, type FingerprintKind } from '../model/inputs-fingerprint.js';
import type { ModelJson } from '../model/types.js';
import { DataError, column, columnByRole, requireColumns, truthOf, withWholeSeries, type Dataset } from '../data/dataset.js';
import { compactInPlace, readRows, readView, selectPortableRows, selectRows, type PortableDataset } from '../data/compact-columns.js';
import { timeOrderedPerUnit } from '../data/order.js';
import { transferList, transferring } from './transfer.js';
import { LiveScorer } from '../stream/live-scorer.js';
import { Replay, type LiveUpdate } from '../stream/replay.js';
import type { DebounceSettings } from '../alarms/k-of-n.js';
import { LinkService } from './link-service.js';
import type { ShortUnits } from '../model/short-units.js';
import { latestDrivers, type UnitDrivers } from '../model/unit-drivers.js';
import {
  PieceModels,
  assignParts,
  partColumns,
  partRows,
  stitchParts,
  type PieceScores,
  type ScoredParts,
  type ScorePlan,
} from './score-parts.js';
import type { IndexData } from './slider-index-service.js';

export interface ReplayOptions {
  /** Readings per second; 0 or Infinity = as fast as the engine goes. */
  rate: number;
  offset: number;
  debounce: DebounceSettings;
}

/** The model-data check as the page shows it. */
export interface DataVerdict {
  verdict: 'ok' | 'drift' | 'mismatch';
  reasons: string[];
  /** The input with the most readings outside its training range, and their share (0 when none is). */
  widest: { name: string; share: number };
}

export interface ScoredResult {
  model: ModelJson;
  scores: Float64Array;
  unscorable: number;
  trainMs?: number;
  trainingRows?: number;
  /** Inputs training left out: constant within each operating regime. */
  constantInRegime?: string[];
  labelledAnomalous?: { column: string; rows: number };
  shortUnits?: ShortUnits;
  /** Why training left the threshold in sample (TrainResult.inSample). */
  inSample?: string;
}

export interface UnitSeries {
  unit: number;
  rows: Int32Array;
  time: Float64Array;
  columns: Record<string, Float64Array>;
}

export class EngineService {
  private engine?: WasmEngine;
  /** The loaded data, its readings compacted once loaded; work reads it through readView. */
  private dataset?: Dataset;
  private compacting: Promise<void> = Promise.resolve();
  /** The dataset once its compaction is over: a view kept from then on holds no Float64 copy by accident. */
  private compacted?: Dataset;
  private loaded?: LoadedModel;
  /** Counts the models and data this worker has held: scores are of the current ones only while their token is this. */
  private token = 0;
  /** The scores the page shows, of this model on this data, until the slider's index takes them (sendIndexInput). */
  private shown?: { token: number; scores: Float64Array };
  private unitRows = new Map<number, Int32Array>();
  private replay?: Replay;
  private live?: LiveScorer;
  /** Event Hubs and Cosmos DB (the page reaches it as engine.link.*). */
  readonly link = new LinkService({
    engine: () => this.requireEngine(),
    loadedModel: () => this.loaded,
    dataset: () => this.dataset && readView(this.dataset),
    adopt: (model) => transferring(this.useModel(model)),
    stopReplay: () => this.stopReplay(),
  });

  /**
   * Loads the engine once: from the Wasm's URL (the page passes an http(s) URL; in Node a
   * file: URL works too) or from the module's bytes.
   */
  async init(wasm: string | BufferSource): Promise<void> {
    this.engine ??= await (typeof wasm === 'string' ? WasmEngine.fromUrl(wasm) : WasmEngine.fromBytes(wasm));
  }

  /** The engine's Wasm memory in bytes (diagnostics: the engine suite's leak check). */
  memoryBytes(): number {
    return this.requireEngine().memoryBytes;
  }

  /** Takes ownership of the dataset's columns (transferred in). */
  setDataset(given: Dataset): void {
    this.stopReplay();
    // A big file's readings arrive in two parts, encoded from them by compactInPlace.
    const ds = withPartsColumns(given);
    this.dataset = ds;
    this.token++;
    this.shown = undefined;
    this.explainData = undefined;
    // Should compaction fail (memory), the columns left as they are read the same.
    this.compacting = compactInPlace(ds, () => this.dataset === ds)
      .catch(() => undefined)
      .then(() => void (this.dataset === ds && (this.compacted = ds)));
    // A unit's rows as its chart draws them: in time order, also where the file's times go back (time-backsteps.ts says where).
    this.unitRows = rowsByUnit(ds);
  }

  /** With score false the model is only loaded (scores empty): the page scores it in parts (planParts). */
  async train(opts: TrainOptions, score = true): Promise<ScoredResult> {
    const stored = this.dataset;
    if (!stored) throw new DataError('load a dataset first');
    // A view taken while columns are still being compacted would hold their Float64 copies through the training.
    await this.compacting;
    const ds = readView(stored);
    // In an instance of its own: the training rows it copies in would keep this engine's memory grown for good.
    const result = await trainModel(this.requireEngine().detached(), ds, opts);
    const scored = this.useModel(result.model, score);
    this.link.modelChanged();
    return transferring({
      ...scored,
      trainMs: result.trainMs,
      trainingRows: result.trainingRows,
      constantInRegime: result.constantInRegime,
      labelledAnomalous: result.labelledAnomalous,
      shortUnits: result.shortUnits,
      inSample: result.inSample,
    });
  }

  /** Validates a model JSON text; on success it replaces the current model and scores the data. */
  importModel(text: string, score = true): ScoredResult {
    const { model } = parseModelText(text);
    const result = transferring(this.useModel(model, score));
    this.link.modelChanged();
    return result;
  }

  /**
   * A saved session's model that the restored data cannot feed: loaded without scoring or
   * asking the data for its columns, as it stayed loaded before the reload, to score the
   * next data that has them (or a live stream).
   */
  keepModel(text: string): { model: ModelJson } {
    const { model } = parseModelText(text);
    this.useModel(model, false, false);
    this.link.modelChanged();
    return { model };
  }

  /** A model file checked as importModel checks it, before there is data to score: its id and the columns it reads. */
  checkModel(text: string): { id: string; source: string; unitColumn: string | null; reads: string[] } {
    const { model } = parseModelText(text);
    return { id: model.id, source: model.training.source, unitColumn: model.keys?.unit ?? null, reads: streamInputsOf(model) };
  }

  /** Scores the loaded data with the current model (data loaded after training); throws naming the columns the data lacks. */
  rescore(score = true): ScoredResult {
    if (!this.loaded) throw new DataError('train or import a model first');
    this.requireData();
    return transferring(this.useModel(this.loaded.model, score));
  }

  /** Splits the data by whole units into at most `parts` parts for the current model; the helpers' parts are copied out. */
  planParts(parts: number): ScorePlan {
    const ds = this.requireData();
    if (!this.loaded) throw new DataError('train or import a model first');
    const { of, counts } = assignParts(columnByRole(ds, 'unit')?.values, ds.rows, parts);
    const rows = partRows(of, counts);
    const columns = partColumns(ds, this.loaded.streamInputs);
    return transferring({ rows, pieces: rows.slice(1).map((r) => selectPortableRows(ds, columns, r)), token: this.token });
  }

  /** Scores some rows of the loaded data (the primary's own part, or a part whose helper died). */
  scoreRows(rows: Int32Array): PieceScores {
    const ds = this.requireData();
    if (!this.loaded) throw new DataError('train or import a model first');
    const { scores, unscorable } = this.loaded.scoreDataset(selectRows(ds, partColumns(ds, this.loaded.streamInputs), rows, true));
    return transferring({ scores, unscorable });
  }

  private pieceModels = new PieceModels(() => this.requireEngine());

  /**
   * The parts the page scored on every engine worker, stitched: the scores it shows, kept
   * for the slider's index. Parts planned before another model or data came are dropped.
   */
  keepScores(parts: ScoredParts): void {
    if (parts.token === this.token && this.dataset) this.shown = { token: this.token, scores: stitchParts(parts, this.dataset.rows) };
  }

  /**
   * Sends the slider's index worker its input on `port`: the scores shown and the truth
   * columns, copied here and transferred, so the page's main thread copies nothing (a
   * structured clone of 200 MB froze it for seconds). Sent once: the scores go with it.
   */
  sendIndexInput(port: MessagePort): void {
    const shown = this.shown;
    this.shown = undefined;
    let data: IndexData;
    try {
      if (!shown || shown.token !== this.token || !this.dataset) throw new DataError('other scores came meanwhile');
      data = { scores: shown.scores, truth: truthOf(this.dataset) };
    } catch (e) {
      data = { error: (e as Error).message };
    }
    port.postMessage(data, [...transferList(data)]);
  }

  /** A helper's job: one part of another worker's data, scored with the given model. */
  scorePiece(model: ModelJson, piece: PortableDataset): PieceScores {
    return this.pieceModels.score(model, piece);
  }

  /** Per unit, the sensors that pushed its latest reading's score up the most (none when another model or data came first). */
  async unitDrivers(top = 3): Promise<UnitDrivers[]> {
    if (!this.loaded) throw new DataError('train or import a model first');
    if (await this.supersededMeanwhile()) return [];
    return latestDrivers(this.requireEngine(), this.loaded, withWholeSeries(this.requireData()), top);
  }

  /**
   * Lets work queued behind a background job run first (a training, an import, new data:
   * these arrive right after the scores the job was asked for): true when the model or the
   * data changed meanwhile, so the job's answer would be thrown away.
   */
  private async supersededMeanwhile(): Promise<boolean> {
    const { loaded, dataset } = this;
    await this.compacting; // a view taken mid-way would hold Float64 copies of columns being compacted
    await new Promise((ok) => setTimeout(ok, 0));
    return this.loaded !== loaded || this.dataset !== dataset;
  }

  private useModel(model: ModelJson, score = true, check = true): ScoredResult {
    const ds = this.dataset && readView(this.dataset);
    const next = new LoadedModel(this.requireEngine(), model);
    let scored;
    try {
      // Without data a model can still score live streams; with data it throws, naming the columns the data lacks.
      if (ds && !score && check) requireColumns(ds, streamInputsOf(model));
      scored = ds && score ? next.scoreDataset(ds) : { scores: new Float64Array(0), unscorable: 0 };
    } catch (e) {
      next.dispose();
      throw e;
    }
    this.stopReplay();
    this.loaded?.dispose();
    this.loaded = next;
    this.token++;
    this.shown = ds && score ? { token: this.token, scores: scored.scores.slice() } : undefined;
    return { model, scores: scored.scores, unscorable: scored.unscorable };
  }

  /**
   * The model–data check of the loaded data against the current model: asked for after the
   * scores are drawn, so a million rows are on screen before it runs. Undefined for a model
   * without a training envelope.
   */
  async dataCheck(): Promise<DataVerdict | undefined> {
    if (await this.supersededMeanwhile()) return undefined;
    const ds = this.dataset && readView(this.dataset);
    if (!this.loaded || !ds) return undefined;
    const check = checkModelData(this.loaded.model, ds);
    if (!check) return undefined;
    const widest = check.inputs
      .map((i) => ({ name: i.name, share: i.below + i.above }))
      .reduce((a, b) => (b.share > a.share ? b : a), { name: '', share: 0 });
    return { verdict: check.verdict, reasons: check.reasons, widest };
  }

  /**
   * The loaded data's inputs fingerprint (inputs-fingerprint.ts), so the page tells in-sample
   * figures by content, as evaluate does; asked for after the scores are drawn. Undefined when
   * another model or other data came first.
   */
  async inputsFingerprint(inputs: string[], kind: FingerprintKind): Promise<string | undefined> {
    if (await this.supersededMeanwhile()) return undefined;
    const ds = this.dataset && readView(this.dataset);
    return ds && inputsFingerprint(ds, inputs, kind);
  }

  /** The view explanations read, kept while the data stays: the model's derived features of one series are cached on it. */
  private explainData?: Dataset;

  explainRow(row: number): Explanation {
    if (!this.dataset) throw new DataError('load a dataset first');
    const ds = this.explainData ?? readView(this.dataset);
    if (this.compacted === this.dataset) this.explainData = ds;
    if (!this.loaded) throw new DataError('train or import a model first');
    if (!(row >= 0 && row < ds.rows)) throw new DataError(`row ${row} is outside the data (0..${ds.rows - 1})`);
    // Window state is per unit, so a fleet's row can be derived from its unit's rows alone,
    // unless the data must be sorted into time order first (a sort of one unit need not match).
    const unit = columnByRole(ds, 'unit')?.values[row];
    const alone = unit !== undefined && timeOrderedPerUnit(ds) ? this.unitRows.get(unit) : undefined;
    return this.loaded.explain(this.loaded.featureRow(ds, row, alone));
  }

  unitSeries(unit: number, names: string[]): UnitSeries {
    const ds = this.requireData();
    const rows = this.unitRows.get(unit) ?? new Int32Array(0);
    const time = columnByRole(ds, 'time');
    const columns: Record<string, Float64Array> = {};
    for (const n of names) {
      const c = column(ds, n);
      if (c) columns[n] = readRows(c, rows);
    }
    return transferring({ unit, rows: rows.slice(), time: time ? readRows(time, rows) : Float64Array.from(rows, (_, i) => i), columns });
  }

  /** Starts (or restarts) replaying the loaded data through the current model. */
  startReplay(opts: ReplayOptions, onUpdate: (u: LiveUpdate) => void): void {
    const ds = this.requireData();
    if (!this.loaded) throw new DataError('train or import a model before replaying');
    if (this.link.linked) throw new DataError("disconnect the live hub first: replay and live-connect share the model's stream state");
    this.stopReplay();
    this.loaded.resetStream();
    this.live = new LiveScorer(this.loaded, opts.offset, opts.debounce);
    const rate = opts.rate > 0 ? opts.rate : Infinity;
    this.replay = new Replay(ds, this.loaded.streamInputs, this.live, rate, (u) => onUpdate(transferring(u)));
    this.replay.play();
  }

  pauseReplay(): void {
    this.replay?.pause();
  }

  resumeReplay(): void {
    this.replay?.play();
  }

  restartReplay(): void {
    this.replay?.restart();
  }

  stopReplay(): void {
    this.replay?.stop();
    this.replay = undefined;
  }

  setReplayRate(rate: number): void {
    this.replay?.setRate(rate > 0 ? rate : Infinity);
  }

  /** The slider moved: live scoring follows the new threshold. */
  setLiveOffset(offset: number): void {
    if (this.live) this.live.offset = offset;
    this.link.setOffset(offset);
  }

  /** The loaded data for one piece of work (readView). */
  private requireData(): Dataset {
    if (!this.dataset) throw new DataError('load a dataset first');
    return readView(this.dataset);
  }

  private requireEngine(): WasmEngine {
    if (!this.engine) throw new DataError('the engine is not initialised');
    return this.engine;
  }
}
