// Loading files on the page: the ingest worker parses them with progress; Cancel stops
// at once (a worker that does not stop within 300 ms is replaced). A failed or cancelled
// load leaves the loaded data, model and scores as they were.
import * as Comlink from 'comlink';
import type { Dataset } from '../data/dataset.js';
import type { Profile } from '../data/profile.js';
import type { IngestProgress } from '../services/ingest-service.js';
import type { Bus } from './bus.js';
import type { Workers } from './engine-client.js';

export interface IngestHost {
  readonly bus: Bus;
  readonly workers: Workers;
  busy: '' | 'loading' | 'training' | 'importing';
  progress?: IngestProgress;
  readonly dataName?: string;
  adoptDataset(dataset: Dataset, profile: Profile): Promise<void>;
  saveFiles(files: File[], entry?: string): Promise<void>;
}

export class IngestController {
  private cancelLoad?: () => void;
  private readonly host: IngestHost;

  constructor(host: IngestHost) {
    this.host = host;
  }

  async load(files: File[], entry?: string, persist = true): Promise<void> {
    const h = this.host;
    if (h.busy) return h.bus.fail(`wait for ${h.busy} to finish`);
    h.busy = 'loading';
    const names = files.map((f) => f.name).join(', ');
    h.bus.say(`Reading ${names}…`);
    const ingest = h.workers.ingest;
    const cancelled = new Promise<never>((_, reject) => (this.cancelLoad = () => reject(new Error('loading cancelled'))));
    try {
      const { dataset, profile } = await Promise.race([
        cancelled,
        h.workers.call(ingest, (api) =>
          api.ingest(
            files,
            Comlink.proxy((p: IngestProgress) => {
              h.progress = p;
              h.bus.emit('progress');
            }),
            entry,
          ),
        ),
      ]);
      await h.adoptDataset(dataset, profile);
      if (persist) await h.saveFiles(files, entry);
    } catch (e) {
      h.bus.status = h.dataName ? `Still showing ${h.dataName}.` : 'No data loaded.';
      h.bus.fail(`Could not load ${names}: ${(e as Error).message}`);
    } finally {
      this.cancelLoad = undefined;
      h.busy = '';
      h.progress = undefined;
      h.bus.emit('progress', 'status');
    }
  }

  /** Stops a load at once; a worker that does not stop within 300 ms (a long synchronous parse) is replaced. */
  cancel(): void {
    if (!this.cancelLoad) return;
    const { workers } = this.host;
    const worker = workers.ingest;
    const stopped = worker.api.cancel();
    this.cancelLoad();
    const timer = setTimeout(() => {
      if (workers.ingest === worker) workers.spawnIngest();
    }, 300);
    void stopped.then(
      () => clearTimeout(timer),
      () => undefined,
    );
  }
}
