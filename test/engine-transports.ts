// The ways the engine suite reaches EngineService: called in this process, or in a real
// worker_threads Worker over Comlink (as the page reaches workers/engine.worker.ts).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { packageRoot, wasmPath, type WasmFlavour } from '../src/engine/node-engine.js';
import { EngineService } from '../src/services/engine-service.js';
import type { Dataset } from '../src/data/dataset.js';

/** EngineService as a worker's caller sees it: every answer a promise. */
type Async<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never };

const METHODS = [
  'init',
  'setDataset',
  'train',
  'importModel',
  'rescore',
  'unitDrivers',
  'dataCheck',
  'explainRow',
  'unitSeries',
  'memoryBytes',
  'planParts',
  'scoreRows',
  'scorePiece',
  'inputsFingerprint',
  'keepScores',
  'sendIndexInput',
] as const;
export type EngineApi = Async<Pick<EngineService, (typeof METHODS)[number]>>;

export interface Transport {
  readonly name: string;
  /** The service, started (and its engine initialised) on first use. */
  api(): Promise<EngineApi>;
  close(): Promise<void>;
  /** Ends the worker as a crash would, its proxy still in use (worker transports only). */
  kill?(): Promise<void>;
}

/** The Wasm file's file: URL (as the page passes its http(s) URL), or its bytes. */
async function wasmSource(flavour: WasmFlavour, init: 'url' | 'bytes'): Promise<string | BufferSource> {
  const path = wasmPath(flavour);
  if (!existsSync(path)) throw new Error(`${path} is missing: run "npm run build"`);
  return init === 'url' ? pathToFileURL(path).href : readFile(path);
}

/** A method as a worker's caller sees it: it answers with a promise, and a throw becomes a rejection. */
function later<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => Promise<Awaited<R>> {
  return (...args) => new Promise<Awaited<R>>((resolve) => resolve(fn(...args) as Awaited<R>));
}

/**
 * EngineService in this process, behind a thin async adapter. setDataset gives the service
 * its own copy, as the page hands a dataset over (transferred) and no longer uses it.
 */
export function inProcess(flavour: WasmFlavour, init: 'url' | 'bytes' = 'url'): Transport {
  let api: Promise<EngineApi> | undefined;
  const start = async (): Promise<EngineApi> => {
    const svc = new EngineService();
    await svc.init(await wasmSource(flavour, init));
    return {
      init: later(svc.init.bind(svc)),
      setDataset: later((ds: Dataset) => svc.setDataset(structuredClone(ds))),
      train: later(svc.train.bind(svc)),
      importModel: later(svc.importModel.bind(svc)),
      rescore: later(svc.rescore.bind(svc)),
      unitDrivers: later(svc.unitDrivers.bind(svc)),
      dataCheck: later(svc.dataCheck.bind(svc)),
      explainRow: later(svc.explainRow.bind(svc)),
      unitSeries: later(svc.unitSeries.bind(svc)),
      memoryBytes: later(svc.memoryBytes.bind(svc)),
      planParts: later(svc.planParts.bind(svc)),
      scoreRows: later(svc.scoreRows.bind(svc)),
      scorePiece: later(svc.scorePiece.bind(svc)),
      inputsFingerprint: later(svc.inputsFingerprint.bind(svc)),
      keepScores: later(svc.keepScores.bind(svc)),
      sendIndexInput: later(svc.sendIndexInput.bind(svc)),
    };
  };
  return {
    name: `${flavour} build, in-process${init === 'bytes' ? ' (from bytes)' : ''}`,
    api: () => (api ??= start()),
    close: () => Promise.resolve(),
  };
}

/**
 * EngineService in a worker_threads Worker, exposed with Comlink (test/workers/engine-node.worker.ts,
 * run as compiled by npm run build:cli). A call fails, rather than hangs, if the worker dies.
 */
export function throughWorker(flavour: WasmFlavour): Transport {
  let started: Promise<{ worker: Worker; remote: Comlink.Remote<EngineService>; api: EngineApi }> | undefined;
  const start = async () => {
    const script = compiledWorker();
    const worker = new Worker(script);
    const crashed = new Promise<never>((_, reject) => {
      worker.once('error', (e) => reject(new Error(`the engine worker failed: ${e.message}`, { cause: e })));
      worker.once('exit', (code) => reject(new Error(`the engine worker exited (code ${code})`)));
    });
    crashed.catch(() => undefined);
    const remote = Comlink.wrap<EngineService>(nodeEndpoint(worker));
    const api = Object.fromEntries(
      METHODS.map((m) => [
        m,
        (...args: unknown[]) => Promise.race([(remote[m] as (...a: unknown[]) => Promise<unknown>)(...args), crashed]),
      ]),
    ) as unknown as EngineApi;
    await api.init(await wasmSource(flavour, 'url'));
    return { worker, remote, api };
  };
  return {
    name: `${flavour} build, through a worker_threads Worker over Comlink`,
    api: async () => (await (started ??= start())).api,
    close: async () => {
      const running = await started?.catch(() => undefined); // a failed start has reported its error
      if (!running) return;
      running.remote[Comlink.releaseProxy]();
      await running.worker.terminate();
    },
    kill: async () => {
      await (await started)?.worker.terminate();
    },
  };
}

/** The compiled worker, refused if any compiled source is newer than its output (a stale dist/ would test old code). */
function compiledWorker(): string {
  const root = packageRoot();
  const script = join(root, 'dist', 'test', 'workers', 'engine-node.worker.js');
  const rebuild = 'run "npm run build:cli" (the worker transport runs the service as compiled to dist/)';
  if (!existsSync(script)) throw new Error(`${relative(root, script)} is missing: ${rebuild}`);
  const stale: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, 'dist', dir), { withFileTypes: true })) {
      const rel = join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (rel.endsWith('.js')) {
        const source = join(root, rel.replace(/\.js$/, '.ts'));
        if (existsSync(source) && statSync(source).mtimeMs > statSync(join(root, 'dist', rel)).mtimeMs) stale.push(relative(root, source));
      }
    }
  };
  walk('src');
  walk(join('test', 'workers'));
  if (stale.length) throw new Error(`dist/ is older than ${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', …' : ''}: ${rebuild}`);
  return script;
}
