// The engine worker for Node: EngineService over Comlink on a worker_threads port, as
// workers/engine.worker.ts exposes it to the page. The engine suite's worker transport
// runs this compiled (dist/test/workers/engine-node.worker.js, from npm run build:cli).
import '../../src/services/node-globals.js';
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { EngineService } from '../../src/services/engine-service.js';

if (!parentPort) throw new Error('engine-node.worker: run me as a worker thread');
Comlink.expose(new EngineService(), nodeEndpoint(parentPort));
