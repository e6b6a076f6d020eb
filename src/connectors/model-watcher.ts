// Polls the models container and hands the consumer (or the prediction server) every change
// of champion (a newer one published, or an older one promoted) and, when asked, of candidate
// (the newest candidate newer than the champion, scored in shadow; none after a promotion).
// A version that fails validation (or that the registry does not hold) is reported once and
// skipped, so a bad publish never stops scoring with the model in use; a read that fails (a
// timeout, a 503, throttling past the SDK's retries) is tried again at the next poll.
import type { Container } from '@azure/cosmos';
import { fetchModel, lifecycleVersions, RegistryError, type PublishedModel } from './model-registry.js';
import { redact } from './settings.js';

export interface WatcherOptions {
  intervalMs: number;
  log?: (line: string) => void;
  /** The command its lines name: consume (default) or serve. */
  service?: string;
  /** Called with the candidate to shadow, or undefined when there is none (any more). */
  onCandidate?: (published: PublishedModel | undefined) => void;
}

export class ModelWatcher {
  private timer?: ReturnType<typeof setTimeout>;
  private running?: Promise<void>;
  private current: number;
  /** A champion version read and refused (not a valid model): not read again. */
  private refused = 0;
  private candidate = 0;
  private readonly container: Container;
  private readonly onChampion: (published: PublishedModel) => void;
  private readonly opts: WatcherOptions;

  constructor(container: Container, currentVersion: number, onChampion: (published: PublishedModel) => void, opts: WatcherOptions) {
    this.container = container;
    this.current = currentVersion;
    this.onChampion = onChampion;
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

  /** One poll; resolves after a change of champion or candidate (if any) was handed over. */
  async check(): Promise<void> {
    try {
      const { champion, candidate } = await lifecycleVersions(this.container);
      if (champion && champion !== this.current && champion !== this.refused) {
        const published = await this.read(champion, (v) => (this.refused = v));
        this.current = champion;
        this.onChampion(published);
      }
      const shadow = candidate > this.current ? candidate : 0;
      if (this.opts.onCandidate && shadow !== this.candidate) {
        const published = shadow ? await this.read(shadow, (v) => (this.candidate = v)) : undefined;
        this.candidate = shadow;
        this.opts.onCandidate(published);
      }
    } catch (e) {
      this.opts.log?.(
        `isoscope ${this.opts.service ?? 'consume'}: model check failed, keeping the current model: ${redact((e as Error).message).split('\n')[0]}`,
      );
    }
  }

  /** Reads vN; one the registry answers as invalid or absent is marked tried (`tried`), so it is reported once. */
  private async read(version: number, tried: (version: number) => void): Promise<PublishedModel> {
    try {
      return await fetchModel(this.container, `v${version}`);
    } catch (e) {
      if (e instanceof RegistryError) tried(version);
      throw e;
    }
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    clearTimeout(this.timer);
    await running;
  }
}
