// The page's side of Connect: form values (secrets in memory unless the user asks to
// remember them on this device), the live hub link, Cosmos DB, publishing and the
// model registry. Every failure becomes one line next to Connect, without secrets.
import * as Comlink from 'comlink';
import type { LiveUpdate } from '../stream/replay.js';
import type { LinkStatus } from '../stream/link-status.js';
import type { PublishedSummary } from '../connectors/model-registry.js';
import type { LinkService, UnitHistory } from '../services/link-service.js';
import { errorLine } from '../connectors/settings.js';
import { alarmRule } from '../model/alarm-rule.js';
import type { ModelJson } from '../model/types.js';
import type { Bus, Scope } from './bus.js';
import { plural } from './dom.js';
import type { Workers } from './engine-client.js';
import type { Busy } from './model-controller.js';
import type { ReplayController } from './replay-controller.js';
import type { DataMeta } from './state.js';
import type { UnitWords } from './unit-words.js';
import { emptyForms, hasSavedForms, loadForms, saveForms, type ConnectForms } from './connect-forms.js';

export interface LinkHost {
  readonly bus: Bus;
  readonly workers: Workers;
  readonly model?: ModelJson;
  readonly data?: DataMeta;
  readonly units: UnitWords;
  readonly replay: Pick<ReplayController, 'clear' | 'onLive'>;
  /** What the page is busy with: opening a published model waits for it, and is an import while it runs. */
  busy: Busy;
  adoptModel(model: ModelJson, scores: Float64Array, how: 'imported'): void;
}

export class LinkController {
  forms: ConnectForms = emptyForms();
  status?: LinkStatus;
  keyBased = false;
  resumed = 0;
  cosmos?: { database: string; container: string };
  persist = false;
  outboxPending = 0;
  publish?: { sent: number; total: number; running: boolean };
  published: PublishedSummary[] = [];
  history?: UnitHistory;
  /** Settings were saved in an earlier session: the user has used Connect before. */
  saved = false;
  private readonly wb: LinkHost;

  constructor(wb: LinkHost) {
    this.wb = wb;
  }

  /** Comlink reaches the worker's LinkService through the engine service's `link` property. */
  private get api(): Comlink.Remote<LinkService> {
    return this.wb.workers.engine.api.link as unknown as Comlink.Remote<LinkService>;
  }

  private call<R>(fn: () => Promise<R>): Promise<R> {
    return Promise.race([fn(), this.wb.workers.engine.crashed]);
  }

  private fail(what: string, e: unknown, scope: Scope = 'connect'): void {
    this.wb.bus.fail(scope, `${what}: ${errorLine(e)}`);
    this.wb.bus.emit('link');
  }

  get connected(): boolean {
    return !!this.status && !['stopped', 'failed'].includes(this.status.state);
  }

  /** Settings saved earlier: names always, secrets only if the user chose to remember them. */
  async restore(): Promise<void> {
    try {
      this.saved = hasSavedForms();
      this.forms = await loadForms();
      this.outboxPending = await this.call(() => this.api.outboxPending());
    } catch {
      // Nothing remembered, or storage unavailable: start from empty forms.
    }
    this.wb.bus.emit('link');
  }

  async save(forms: ConnectForms): Promise<void> {
    this.forms = forms;
    await saveForms(forms);
  }

  async connectHub(forms: ConnectForms): Promise<void> {
    await this.save(forms);
    if (!this.wb.model)
      return this.fail('Cannot connect', new Error('train, import or open a model first: live readings are scored with it'));
    this.wb.replay.clear();
    this.status = { state: 'connecting', partitions: [] };
    this.wb.bus.emit('link', 'live');
    try {
      const alarm = alarmRule(this.wb.model);
      const r = await this.call(() =>
        this.api.connectHub(
          forms.hub,
          { offset: this.wb.model!.threshold.offset, debounce: alarm },
          Comlink.proxy((u: LiveUpdate) => this.onUpdate(u)),
        ),
      );
      this.keyBased = r.keyBased;
      this.resumed = r.resumed;
      this.wb.bus.say(
        'connect',
        `Live: ${r.hub} (${plural(r.partitions.length, 'partition')})${r.resumed ? `, resuming ${plural(r.resumed, 'partition')} from saved positions` : ''}.`,
      );
    } catch (e) {
      // It never connected: the message says why; no "connection stopped" banner.
      this.status = undefined;
      this.fail('Could not connect to Event Hubs', e);
    }
    this.wb.bus.emit('link');
  }

  private onUpdate(u: LiveUpdate): void {
    this.status = u.link;
    if (u.link?.outbox) this.outboxPending = u.link.outbox.pending;
    this.wb.replay.onLive(u);
    this.wb.bus.emit('link');
  }

  async disconnectHub(): Promise<void> {
    await this.call(() => this.api.disconnectHub()).catch((e) => this.fail('Disconnect failed', e));
    this.wb.bus.say('connect', 'Disconnected from Event Hubs; positions are kept for the next connect.');
  }

  async forgetPositions(forms: ConnectForms): Promise<void> {
    try {
      const n = await this.call(() => this.api.forgetPositions(forms.hub));
      this.wb.bus.say(
        'connect',
        `Forgot the saved positions of ${plural(n, 'partition')}: the next connect starts at "${forms.hub.start}".`,
      );
    } catch (e) {
      this.fail('Could not forget positions', e);
    }
  }

  async connectCosmos(forms: ConnectForms): Promise<void> {
    await this.save(forms);
    try {
      const r = await this.call(() => this.api.connectCosmos(forms.cosmos));
      this.cosmos = { database: r.database, container: r.container };
      this.outboxPending = r.pending;
      this.wb.bus.say(
        'connect',
        `Cosmos DB ready: ${r.database}/${r.container}${r.pending ? `; writing ${plural(r.pending, 'reading')} left from before` : ''}.`,
      );
      await this.refreshPublished();
    } catch (e) {
      this.cosmos = undefined;
      this.fail('Could not connect to Cosmos DB', e);
    }
    this.wb.bus.emit('link');
  }

  async setPersist(on: boolean): Promise<void> {
    try {
      await this.call(() => this.api.setPersist(on));
      this.persist = on;
      this.wb.bus.say(
        'connect',
        on
          ? 'Persist is on: every reading scored from now on is written to Cosmos DB.'
          : 'Persist is off: readings already queued are still written.',
      );
    } catch (e) {
      this.persist = false;
      this.fail('Could not turn on Persist', e);
    }
    this.wb.bus.emit('link');
  }

  async publishReplay(forms: ConnectForms, rate: number): Promise<void> {
    await this.save(forms);
    this.publish = { sent: 0, total: 0, running: true };
    this.wb.bus.emit('link');
    try {
      const r = await this.call(() =>
        this.api.publishReplay(
          forms.hub,
          rate,
          Comlink.proxy((sent: number, total: number) => {
            this.publish = { sent, total, running: true };
            this.wb.bus.emit('link');
          }),
        ),
      );
      this.publish = { sent: r.sent, total: this.publish.total, running: false };
      this.wb.bus.say('connect', `Published ${r.sent.toLocaleString('en-US')} readings to ${r.hub}${r.stopped ? ' (stopped early)' : ''}.`);
    } catch (e) {
      this.publish = { ...this.publish, running: false };
      this.fail('Publishing failed', e);
    }
    this.wb.bus.emit('link');
  }

  stopPublishing(): void {
    void this.call(() => this.api.stopPublishing());
  }

  async publishModel(note: string): Promise<void> {
    try {
      const r = await this.call(() => this.api.publishModel(note));
      this.wb.bus.say('connect', `Published model ${this.wb.model?.id} as ${r.id}: consumers following the registry switch to it.`);
      await this.refreshPublished();
    } catch (e) {
      this.fail('Could not publish the model', e);
    }
  }

  async refreshPublished(): Promise<void> {
    try {
      this.published = await this.call(() => this.api.listPublished());
    } catch (e) {
      this.fail('Could not list published models', e);
    }
    this.wb.bus.emit('link');
  }

  async openPublished(id: string): Promise<void> {
    const wb = this.wb;
    if (!wb.data) return this.fail(`Could not open ${id}`, new Error('load the data the model should score first'));
    // Scores of another model arriving meanwhile would be adopted over these, and their slider index built from these.
    if (wb.busy) return this.fail(`Could not open ${id}`, new Error(`wait for ${wb.busy} to finish`));
    wb.busy = 'importing';
    wb.workers.stopSliderIndex();
    try {
      const { model, result } = await this.call(() => this.api.openPublished(id));
      wb.adoptModel(model, (result as { scores: Float64Array }).scores, 'imported');
      wb.bus.say('connect', `Opened published model ${id} (${model.id}).`);
    } catch (e) {
      this.fail(`Could not open published model ${id}`, e);
    } finally {
      wb.busy = '';
      wb.bus.emit('status');
    }
  }

  async loadHistory(unit: number): Promise<void> {
    try {
      this.history = await this.call(() => this.api.unitHistory(unit));
      this.wb.bus.say(
        'review',
        this.history.time.length
          ? `Loaded ${this.history.time.length.toLocaleString('en-US')} stored readings of unit ${this.wb.units.name(unit)} (model ${this.history.modelVersions.join(', ')}).`
          : `Cosmos DB holds no readings of unit ${this.wb.units.name(unit)} yet.`,
      );
    } catch (e) {
      this.history = undefined;
      this.fail(`Could not load the history of unit ${this.wb.units.name(unit)}`, e, 'review');
    }
    this.wb.bus.emit('link', 'unit');
  }
}
