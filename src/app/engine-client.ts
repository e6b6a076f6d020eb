// The page's handles on its workers. A worker that dies rejects whatever was waiting
// on it (Comlink alone would leave those promises hanging) and is replaced.
import * as Comlink from 'comlink';
import type { EngineService } from '../services/engine-service.js';
import type { IngestService } from '../services/ingest-service.js';
import wasmUrl from '../../wasm/build/isoscope.wasm?url';

export type Remote<T> = Comlink.Remote<T>;

interface Supervised<T> {
  api: Remote<T>;
  crashed: Promise<never>;
  terminate(): void;
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

export class Workers {
  engine!: Supervised<EngineService>;
  ingest!: Supervised<IngestService>;
  private readonly onCrash: (message: string) => void;

  constructor(onCrash: (message: string) => void) {
    this.onCrash = onCrash;
    this.spawnEngine();
    this.spawnIngest();
  }

  async init(): Promise<void> {
    await this.call(this.engine, (api) => api.init(new URL(wasmUrl, location.href).href));
  }

  spawnEngine(): void {
    this.engine?.terminate();
    this.engine = supervise(new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module' }), this.onCrash);
  }

  spawnIngest(): void {
    this.ingest?.terminate();
    this.ingest = supervise(new Worker(new URL('../../workers/ingest.worker.ts', import.meta.url), { type: 'module' }), this.onCrash);
  }

  /** A call that rejects if the worker dies meanwhile. */
  call<T, R>(w: Supervised<T>, fn: (api: Remote<T>) => Promise<R>): Promise<R> {
    return Promise.race([fn(w.api), w.crashed]);
  }
}
