// The page's handles on its workers. A worker that dies rejects whatever was waiting
// on it (Comlink alone would leave those promises hanging) and is replaced.
import * as Comlink from 'comlink';
import type { EngineService } from '../services/engine-service.js';
import type { IngestService } from '../services/ingest-service.js';
import type { IndexRequest, SliderIndexService } from '../services/slider-index-service.js';
import type { SliderIndex } from '../metrics/slider-index.js';
import { scoreInParts, type PieceScores } from '../services/score-parts.js';
import type { ModelJson } from '../model/types.js';
import wasmUrl from '../../wasm/build/isoscope.wasm?url';
import { RespawnBudget } from './respawn-budget.js';

export type Remote<T> = Comlink.Remote<T>;

interface Supervised<T> {
  api: Remote<T>;
  crashed: Promise<never>;
  terminate(): void;
  /** Settles once the worker is initialised (helpers). */
  ready?: Promise<void>;
}

function supervise<T>(worker: Worker, onCrash: (message: string) => void): Supervised<T> {
  let fail!: (e: Error) => void;
  const crashed = new Promise<never>((_, reject) => (fail = reject));
  crashed.catch(() => undefined);
  worker.addEventListener('error', (e) => {
    const message = `a background worker stopped (${e.message || 'unknown error'})`;
    fail(new Error(message));
    onCrash(message);
  });
  return { api: Comlink.wrap<T>(worker), crashed, terminate: () => worker.terminate() };
}

/**
 * Engine workers in all: one per core, at most 8 (each holds its own Wasm memory and its
 * part of the data while scoring), at least 2.
 */
export const engineWorkers = (cores = navigator.hardwareConcurrency || 2) => Math.max(2, Math.min(8, cores));

/** Work this big leaves enough garbage in an idle worker (which never collects it) to replace the worker. */
const FRESH_WORKER_AFTER_ROWS = 1_000_000;

const engineWorker = () => new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module' });
const ingestWorker = () => new Worker(new URL('../../workers/ingest.worker.ts', import.meta.url), { type: 'module' });
const wasmHref = () => new URL(wasmUrl, location.href).href;

export class Workers {
  /** The primary engine worker: it owns the dataset and the model, and does all but the helpers' share of scoring. */
  engine!: Supervised<EngineService>;
  /** Engine workers that only score parts of the data the primary sends them. */
  readonly helpers: Supervised<EngineService>[] = [];
  ingest!: Supervised<IngestService>;
  /** Reads the second half of a big file beside `ingest`. */
  ingestPartner?: Supervised<IngestService>;
  private readonly onCrash: (message: string) => void;
  private readonly helperDeaths = new RespawnBudget();
  private readonly partnerDeaths = new RespawnBudget();

  constructor(onCrash: (message: string) => void) {
    this.onCrash = onCrash;
    this.spawnEngine();
    this.spawnIngest();
    for (let i = 1; i < engineWorkers(); i++) this.spawnHelper(i - 1);
  }

  async init(): Promise<void> {
    await this.call(this.engine, (api) => api.init(wasmHref()));
  }

  spawnEngine(): void {
    // A slider index waiting for the old engine's scores would wait on its port for ever.
    this.stopSliderIndex(new Error('the engine worker was restarted'));
    this.engine?.terminate();
    this.engine = supervise(engineWorker(), this.onCrash);
  }

  /** A helper that dies is replaced at once; the part it was scoring goes to the primary. */
  private spawnHelper(i: number): void {
    const helper = supervise<EngineService>(engineWorker(), () => {
      if (this.helpers[i] === helper && this.helperDeaths.died()) this.spawnHelper(i);
    });
    this.helpers[i]?.terminate();
    this.helpers[i] = helper;
    // Loaded now, in the background, so the first scoring does not wait for it; a failure shows on the first part sent.
    helper.ready = this.call(helper, (api) => api.init(wasmHref()));
    helper.ready.catch(() => undefined);
  }

  /** How many ingest workers read the last file (diagnostics: the browser tests). */
  lastIngestParts = 0;

  /** How many engine workers the last scoring used (diagnostics: the browser tests). */
  lastScoreParts = 0;

  /** Scores the primary's data with its current model on every engine worker, in parts of whole units. */
  async score(model: ModelJson, rows: number): Promise<PieceScores> {
    const scored = await scoreInParts(
      {
        planParts: (parts) => this.call(this.engine, (api) => api.planParts(parts)),
        scoreRows: (r) => this.call(this.engine, (api) => api.scoreRows(r)),
        helpers: this.helpers.map((_, i) => ({
          scorePiece: async (m, piece) => {
            const h = this.helpers[i];
            await h.ready;
            return this.call(h, (api) => api.scorePiece(m, piece));
          },
        })),
        keep: (parts) => void this.engine.api.keepScores(parts).catch(() => undefined),
      },
      model,
      rows,
    );
    this.lastScoreParts = scored.parts;
    // A helper's part (its input columns, a few hundred MB at millions of rows) is garbage
    // once scored, and an idle worker never collects it: big parts leave fresh helpers behind.
    if (rows >= FRESH_WORKER_AFTER_ROWS * this.helpers.length) this.helpers.forEach((_, i) => this.spawnHelper(i));
    return scored;
  }

  spawnIngest(): void {
    this.ingest?.terminate();
    this.ingest = supervise(ingestWorker(), this.onCrash);
    // The reader's fast path; without it (a failed load) files read the same, slower.
    void this.ingest.api.init(wasmHref()).catch(() => undefined);
    this.spawnIngestPartner();
  }

  /** The second ingest worker, which reads the far half of a big file; one that dies is replaced and its share read by the first. */
  private spawnIngestPartner(): void {
    this.ingestPartner?.terminate();
    const partner = supervise<IngestService>(ingestWorker(), () => {
      if (this.ingestPartner !== partner) return;
      void this.ingest.api.partnerGone().catch(() => undefined);
      if (this.partnerDeaths.died()) this.spawnIngestPartner();
    });
    this.ingestPartner = partner;
    void partner.api.init(wasmHref()).catch(() => undefined);
    const { port1, port2 } = new MessageChannel();
    void partner.api.servePartner(Comlink.transfer(port1, [port1])).catch(() => undefined);
    void this.ingest.api.usePartner(Comlink.transfer(port2, [port2])).catch(() => undefined);
  }

  private slider?: Supervised<SliderIndexService>;
  private sliderBuild?: { stop: (e: Error) => void };

  /**
   * The slider's index of the scores last shown, built in its own worker (started at first
   * use; one that dies is started again at the next) from what the engine sends it directly.
   */
  sliderIndex(request: IndexRequest, rows: number): Promise<SliderIndex> {
    if (!this.slider) {
      const worker = new Worker(new URL('../../workers/slider-index.worker.ts', import.meta.url), { type: 'module' });
      const slider = supervise<SliderIndexService>(worker, () => {
        if (this.slider === slider) this.slider = undefined;
      });
      this.slider = slider;
    }
    const slider = this.slider;
    const { port1, port2 } = new MessageChannel();
    return new Promise<SliderIndex>((ok, fail) => {
      const build = { stop: fail };
      this.sliderBuild = build;
      // An engine that fails to send (or dies) would leave the slider's worker waiting on its port.
      this.call(this.engine, (api) => api.sendIndexInput(Comlink.transfer(port1, [port1]))).catch((e: Error) => {
        if (this.sliderBuild === build) this.stopSliderIndex(e);
      });
      this.call(slider, (api) => api.buildFrom(Comlink.transfer(port2, [port2]), request))
        .then(ok, fail)
        .finally(() => {
          if (this.sliderBuild === build) this.sliderBuild = undefined;
          // Its copies of the scores and columns would stay in the idle worker (about 200 MB at 6M rows).
          if (rows >= FRESH_WORKER_AFTER_ROWS && this.slider === slider && !this.sliderBuild) {
            slider.terminate();
            this.slider = undefined;
          }
        });
    });
  }

  /**
   * Training, importing or scoring takes every core: an index still being built for earlier
   * scores is given up (its worker stopped; the page keeps the row pass for those scores).
   */
  stopSliderIndex(why = new Error('other scores came before the slider index was built')): void {
    const build = this.sliderBuild;
    if (!build) return;
    this.sliderBuild = undefined;
    this.slider?.terminate();
    this.slider = undefined;
    build.stop(why);
  }

  /** A call that rejects if the worker dies meanwhile. */
  call<T, R>(w: Supervised<T>, fn: (api: Remote<T>) => Promise<R>): Promise<R> {
    return Promise.race([fn(w.api), w.crashed]);
  }
}
