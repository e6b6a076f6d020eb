// The engine worker: nothing but a Comlink pipe to the service in src/services.
import '../src/services/node-globals.js';
import * as Comlink from 'comlink';
import { EngineService } from '../src/services/engine-service.js';

Comlink.expose(new EngineService());
