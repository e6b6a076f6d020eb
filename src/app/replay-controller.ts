// Replay on the page: starts, steers and follows the engine worker's replay, and holds
// what the live panel draws (a bounded window of points, the alert feed, the stats).
// The live hub link feeds the same state through onLive.
import * as Comlink from 'comlink';
import type { ModelJson } from '../model/types.js';
import type { LiveUpdate, ReplayState } from '../stream/replay.js';
import type { Alert, LiveStats } from '../stream/live-scorer.js';
import type { Bus } from './bus.js';
import type { Workers } from './engine-client.js';
import { LiveWindow } from './live-window.js';

export const ALERT_FEED_MAX = 200;

export interface ReplayHost {
  readonly bus: Bus;
  readonly workers: Workers;
  readonly model?: ModelJson;
  readonly dataName?: string;
}

export class ReplayController {
  state: ReplayState | 'idle' = 'idle';
  stats?: LiveStats;
  total = 0;
  readonly window = new LiveWindow(5000);
  alerts: Alert[] = [];
  private readonly host: ReplayHost;

  constructor(host: ReplayHost) {
    this.host = host;
  }

  get active(): boolean {
    return this.state === 'playing' || this.state === 'paused';
  }

  /** Forgets what the live panel shows (a new replay or a new hub link starts). */
  clear(): void {
    this.window.clear();
    this.alerts = [];
    this.stats = undefined;
  }

  async start(rate: number, k: number, n: number): Promise<void> {
    const { bus, workers, model } = this.host;
    if (!model) return bus.fail('Train or import a model before replaying.');
    this.clear();
    try {
      await workers.call(workers.engine, (api) =>
        api.startReplay(
          { rate, offset: model.threshold.offset, debounce: { k, n } },
          Comlink.proxy((u: LiveUpdate) => this.onLive(u)),
        ),
      );
      this.state = 'playing';
      const speed = rate > 0 ? `${rate.toLocaleString('en-US')} readings/s` : 'the maximum rate';
      bus.say(`Replaying ${this.host.dataName} at ${speed} (alarm after ${k} of ${n}).`);
    } catch (e) {
      bus.fail(`Replay failed: ${(e as Error).message}`);
    }
    bus.emit('live');
  }

  onLive(u: LiveUpdate): void {
    if (!u.link) this.state = u.state; // a hub link reports through the link controller, not the replay controls
    this.stats = u.stats;
    this.total = u.total;
    this.window.push(u.seq, u.score, u.flag);
    if (u.alerts.length) this.alerts = [...u.alerts.reverse(), ...this.alerts].slice(0, ALERT_FEED_MAX);
    this.host.bus.emit('live');
  }

  async control(action: 'pause' | 'resume' | 'restart'): Promise<void> {
    const { workers } = this.host;
    await workers.call(workers.engine, (api) =>
      action === 'pause' ? api.pauseReplay() : action === 'resume' ? api.resumeReplay() : api.restartReplay(),
    );
    if (action === 'restart') {
      this.window.clear();
      this.alerts = [];
    }
    this.state = action === 'pause' ? 'paused' : 'playing';
    this.host.bus.emit('live');
  }

  async setRate(rate: number): Promise<void> {
    const { workers } = this.host;
    await workers.call(workers.engine, (api) => api.setReplayRate(rate));
  }
}
