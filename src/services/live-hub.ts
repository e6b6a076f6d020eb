// Live-connect in the engine worker: one hub link at a time, scoring with its own copy
// of the current model (its stream state is the link's, and it outlives a model change
// on the page), persisting through the outbox, positions in IndexedDB.
import { LoadedModel } from '../model/loaded-model.js';
import type { DebounceSettings } from '../alarms/k-of-n.js';
import { columnByRole, DataError, type Dataset } from '../data/dataset.js';
import type { ModelJson } from '../model/types.js';
import type { StreamKeys } from '../stream/reading-codec.js';
import { NO_UNIT, streamKeysFor } from '../stream/stream-keys.js';
import { LiveScorer } from '../stream/live-scorer.js';
import type { LiveUpdate } from '../stream/replay.js';
import type { HubLink } from '../connectors/hub-link.js';
import { IdbCheckpointStore } from '../connectors/idb-checkpoints.js';
import type { HubForm } from '../connectors/link-settings.js';
import type { Outbox } from '../connectors/outbox.js';
import { azure } from './azure-sdk.js';
import { transferring } from './transfer.js';
import type { LinkHost } from './link-host.js';

export class LiveHub {
  private link?: HubLink;
  /** The link being started: a Disconnect that comes meanwhile clears it, and the start then undoes itself. */
  private starting?: HubLink;
  private scorer?: LiveScorer;
  private linkModel?: LoadedModel;
  private readonly checkpoints = new IdbCheckpointStore();
  private readonly host: LinkHost;
  private readonly outbox: Outbox;
  private readonly persisting: () => boolean;
  /** The registry version of the current model, when it was published or opened from the registry. */
  modelVersion?: string;

  constructor(host: LinkHost, outbox: Outbox, persisting: () => boolean) {
    this.host = host;
    this.outbox = outbox;
    this.persisting = persisting;
  }

  get linked(): boolean {
    return !!this.link;
  }

  async connect(
    form: HubForm,
    opts: { offset: number; debounce: DebounceSettings },
    onUpdate: (u: LiveUpdate) => void,
  ): Promise<{ hub: string; partitions: string[]; resumed: number; keyBased: boolean }> {
    const loaded = this.host.loadedModel();
    if (!loaded) throw new DataError('train, open or import a model before connecting: live readings are scored with it');
    const { checkHubForm, HubLink } = await azure();
    const hub = checkHubForm(form);
    await this.disconnect();
    this.host.stopReplay();
    const own = new LoadedModel(this.host.engine(), loaded.model);
    const scorer = new LiveScorer(own, opts.offset, opts.debounce);
    keysOf(loaded.model, this.host.dataset()); // a one-line error before connecting, if the keys cannot be found
    const ds = this.host.dataset();
    const outbox = this.outbox;
    const link = new HubLink({
      hub,
      startPosition: hub.startPosition,
      checkpointStore: this.checkpoints,
      scorer,
      model: { id: loaded.model.id, version: this.modelVersion ?? loaded.model.createdAt },
      keys: keysOf(loaded.model, ds),
      unitStates: this.checkpoints,
      persist: { enabled: this.persisting, add: (docs) => outbox.add(docs) },
      outbox: () => ({
        pending: outbox.pending,
        written: outbox.written,
        perSecond: Math.round(outbox.perSecond),
        state: this.persisting() || outbox.pending ? outbox.state : 'off',
        message: outbox.message,
      }),
      onUpdate: (u) => onUpdate(transferring(u)),
    });
    const resumed = (await this.checkpoints.listCheckpoints(hub.namespace, hub.hub, hub.consumerGroup)).length;
    let partitions: string[];
    this.starting = link;
    try {
      partitions = await link.start();
    } catch (e) {
      if (this.starting === link) this.starting = undefined;
      own.dispose();
      throw e;
    }
    if (this.starting !== link) {
      // Disconnect was pressed while this link was still starting: it wins, so the page never goes live behind the user's back.
      await link.stop();
      own.dispose();
      throw new DataError('disconnected before the connection was ready');
    }
    this.starting = undefined;
    this.link = link;
    this.scorer = scorer;
    this.linkModel = own;
    return { hub: hub.hub, partitions, resumed, keyBased: hub.keyBased };
  }

  async disconnect(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    this.starting = undefined;
    this.scorer = undefined;
    await link?.stop();
    this.linkModel?.dispose();
    this.linkModel = undefined;
  }

  /** The slider moved: live scoring follows the new threshold. */
  setOffset(offset: number): void {
    if (this.scorer) this.scorer.offset = offset;
  }

  async forgetPositions(form: HubForm): Promise<number> {
    const { checkHubForm } = await azure();
    const hub = checkHubForm(form);
    return this.checkpoints.forget(hub.namespace, hub.hub, hub.consumerGroup);
  }

  /** The current model was published: later documents carry its registry version. */
  published(version: string): void {
    this.modelVersion = version;
    this.link?.setVersion(version);
  }

  /** A new current model (trained, imported, or a published version): a live link scores with it from now on. */
  modelChanged(publishedVersion?: string): void {
    this.modelVersion = publishedVersion;
    const loaded = this.host.loadedModel();
    if (!this.link || !loaded) return;
    const next = new LoadedModel(this.host.engine(), loaded.model);
    this.link.setModel(next, publishedVersion ?? loaded.model.createdAt);
    this.linkModel?.dispose();
    this.linkModel = next;
  }
}

/** The model's key fields; for a model that does not name them, the dataset's unit and time columns (else C-MAPSS's). */
function keysOf(model: ModelJson, ds: Dataset | undefined): StreamKeys {
  if (model.keys?.time) return streamKeysFor(model, {}, false);
  const unit = ds && columnByRole(ds, 'unit')?.name;
  const time = ds && columnByRole(ds, 'time')?.name;
  try {
    return streamKeysFor(model, { unit: model.keys ? (model.keys.unit ?? NO_UNIT) : unit, time }, true);
  } catch (e) {
    throw new DataError(`${(e as Error).message.split(': pass')[0]}: load data with a time column before connecting`);
  }
}
