// Polls the models container and hands every newer published version to the consumer (or
// the prediction server).
// A version that fails validation is reported once and skipped, so a bad publish never
// stops scoring with the model in use.
import type { Container } from '@azure/cosmos';
import { fetchModel, latestVersion, type PublishedModel } from './model-registry.js';
import { redact } from './settings.js';

export interface WatcherOptions {
  intervalMs: number;
  log?: (line: string) => void;
  /** The command its lines name: consume (default) or serve. */
  service?: string;
}

export class ModelWatcher {
  private timer?: ReturnType<typeof setTimeout>;
  private running?: Promise<void>;
  private current: number;
  private readonly container: Container;
  private readonly onNewer: (published: PublishedModel) => void;
  private readonly opts: WatcherOptions;

  constructor(container: Container, currentVersion: number, onNewer: (published: PublishedModel) => void, opts: WatcherOptions) {
    this.container = container;
    this.current = currentVersion;
    this.onNewer = onNewer;
    this.opts = opts;
  }

  get version(): number {
    return this.current;
  }

  start(): void {
    const tick = () => {
      this.running = this.check().finally(() => {
        if (this.running) this.timer = setTimeout(tick, this.opts.intervalMs);
      });
    };
    this.timer = setTimeout(tick, this.opts.intervalMs);
  }

  /** One poll; resolves after a newer model (if any) was handed over. */
  async check(): Promise<void> {
    try {
      const newest = await latestVersion(this.container);
      if (newest <= this.current) return;
      this.current = newest;
      const published = await fetchModel(this.container, `v${newest}`);
      this.onNewer(published);
    } catch (e) {
      this.opts.log?.(
        `isoscope ${this.opts.service ?? 'consume'}: model check failed, keeping the current model: ${redact((e as Error).message).split('\n')[0]}`,
      );
    }
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    clearTimeout(this.timer);
    await running;
  }
}
