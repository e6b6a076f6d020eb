// The ingest worker: nothing but a Comlink pipe to the service in src/services.
import * as Comlink from 'comlink';
import { IngestService } from '../src/services/ingest-service.js';

Comlink.expose(new IngestService());
