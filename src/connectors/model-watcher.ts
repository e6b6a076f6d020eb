// Polls the models container and hands the consumer (or the prediction server) every change
// of champion (a newer one published, or an older one promoted) and, when asked, of candidate
// (the newest candidate newer than the champion, scored in shadow; none after a promotion).
// A version that fails validation is reported once and skipped, so a bad publish never
// stops scoring with the model in use.
import type { Container } from '@azure/cosmos';
import { fetchModel, lifecycleVersions, type PublishedModel } from './model-registry.js';
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
      if (champion && champion !== this.current) {
        this.current = champion; // tried once: a broken version is reported once, not at every poll
        this.onChampion(await fetchModel(this.container, `v${champion}`));
      }
      const shadow = candidate > this.current ? candidate : 0;
      if (this.opts.onCandidate && shadow !== this.candidate) {
        this.candidate = shadow;
        this.opts.onCandidate(shadow ? await fetchModel(this.container, `v${shadow}`) : undefined);
      }
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
