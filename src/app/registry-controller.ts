// The model registry as the Models panel works it: champion against a candidate on the
// loaded data (scored in the engine worker) and promotion, the same document change
// `isoscope promote` makes. The list itself is the link controller's (Connect shows it too).
import type * as Comlink from 'comlink';
import type { LinkService } from '../services/link-service.js';
import type { ModelComparison } from '../metrics/model-comparison.js';
import { errorLine } from '../connectors/settings.js';
import type { Bus } from './bus.js';
import type { Workers } from './engine-client.js';
import type { LinkController } from './link-controller.js';
import type { DataMeta } from './state.js';

export interface RegistryHost {
  readonly bus: Bus;
  readonly workers: Workers;
  readonly data?: DataMeta;
  readonly link: Pick<LinkController, 'published' | 'refreshPublished'>;
}

export class RegistryController {
  comparison?: ModelComparison & { data: string };
  /** The loaded data the comparison was made on: another file of the same name is other data. */
  private comparedOn?: DataMeta;
  comparing = false;
  /** The version being promoted, while the registry is written. */
  promoting?: string;
  private readonly host: RegistryHost;

  constructor(host: RegistryHost) {
    this.host = host;
    // Figures of other data would be read as this data's.
    host.bus.on('data', () => {
      if (this.comparison && this.comparedOn !== host.data) this.comparison = undefined;
    });
  }

  private get api(): Comlink.Remote<LinkService> {
    return this.host.workers.engine.api.link as unknown as Comlink.Remote<LinkService>;
  }

  private call<R>(fn: () => Promise<R>): Promise<R> {
    return Promise.race([fn(), this.host.workers.engine.crashed]);
  }

  get champion(): string | undefined {
    return this.host.link.published.find((m) => m.status === 'champion')?.id;
  }

  async compare(candidate: string): Promise<void> {
    const { bus, data } = this.host;
    const champion = this.champion;
    if (!champion) return bus.fail('models', 'Cannot compare: the registry has no champion; promote a version first.');
    if (!data) return bus.fail('models', 'Cannot compare: load the data to compare the models on first (step 1).');
    this.comparing = true;
    bus.say('models', `Scoring ${data.name} with ${champion} and ${candidate}…`);
    bus.emit('link');
    try {
      const result = await this.call(() => this.api.compare(champion, candidate));
      // Data loaded meanwhile: these figures are the earlier data's.
      if (this.host.data !== data) throw new Error(`other data (${this.host.data?.name ?? 'none'}) was loaded meanwhile; compare again`);
      this.comparison = { ...result, data: data.name };
      this.comparedOn = data;
      bus.say('models', `Compared ${champion} (champion) with ${candidate} on ${data.name}.`);
    } catch (e) {
      bus.fail('models', `Could not compare ${champion} with ${candidate}: ${errorLine(e)}`);
    }
    this.comparing = false;
    bus.emit('link');
  }

  async promote(id: string): Promise<void> {
    const { bus } = this.host;
    this.promoting = id;
    bus.emit('link');
    try {
      const retired = await this.call(() => this.api.promote(id));
      this.comparison = undefined; // its champion and candidate are no longer what the labels say
      bus.say(
        'models',
        `${id} is the champion${retired.length ? `; retired ${retired.join(', ')}` : ''}. Consumers and servers following the registry switch to it within their poll interval.`,
      );
    } catch (e) {
      bus.fail('models', `Could not promote ${id}: ${errorLine(e)}`);
    }
    this.promoting = undefined;
    await this.host.link.refreshPublished();
  }
}
