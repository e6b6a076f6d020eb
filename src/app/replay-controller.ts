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
import { fmt, plural } from './dom.js';

export const ALERT_FEED_MAX = 200;

export interface ReplayHost {
  readonly bus: Bus;
  readonly workers: Workers;
  readonly model?: ModelJson;
  readonly dataName?: string;
}

export type ReplayAction = 'pause' | 'resume' | 'restart' | 'stop';

export class ReplayController {
  state: ReplayState | 'idle' = 'idle';
  stats?: LiveStats;
  total = 0;
  readonly window = new LiveWindow(5000);
  /** The newest alarm edges, newest first (at most ALERT_FEED_MAX). */
  alerts: Alert[] = [];
  /** Every alarm edge since the source started, kept or not. */
  alertCount = 0;
  /** The replay as started (its rate follows the rate control), for the line under the controls. */
  private run?: { rate: number; rule: string; k: number; n: number; model: string };
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
    this.alertCount = 0;
    this.stats = undefined;
    this.total = 0;
  }

  /** New data: what was replayed is gone with the old data (the engine stopped its replay). */
  forget(): void {
    if (this.state === 'idle') return;
    this.clear();
    this.state = 'idle';
    this.run = undefined;
    this.host.bus.messages.delete('stream');
    this.host.bus.emit('live', 'status');
  }

  async start(rate: number, k: number, n: number): Promise<void> {
    const { bus, workers, model } = this.host;
    if (!model) return bus.fail('stream', 'Train or import a model before replaying (step 3).');
    this.clear();
    // The model's clear level too, so replayed alarms end where `isoscope score`'s alarm column does
    // (kept below a k the user lowered).
    const clear = Math.min(model.alarm?.clear ?? 0, k - 1);
    try {
      await workers.call(workers.engine, (api) =>
        api.startReplay(
          { rate, offset: model.threshold.offset, debounce: { k, n, clear } },
          Comlink.proxy((u: LiveUpdate) => this.onLive(u)),
        ),
      );
      this.state = 'playing';
      this.run = { rate, rule: `alarm after ${k} of ${n}, cleared at ${clear} or fewer`, k, n, model: model.id };
      this.sayPlaying();
    } catch (e) {
      bus.fail('stream', `Replay failed: ${(e as Error).message}`);
    }
    bus.emit('live');
  }

  onLive(u: LiveUpdate): void {
    const was = this.state;
    if (!u.link) this.state = u.state; // a hub link reports through the link controller, not the replay controls
    this.stats = u.stats;
    this.total = u.total;
    this.window.push(u.seq, u.unit, u.score, u.flag);
    if (u.alerts.length) {
      this.alertCount += u.alerts.length;
      this.alerts = [...u.alerts.reverse(), ...this.alerts].slice(0, ALERT_FEED_MAX);
    }
    if (!u.link && u.state === 'finished' && was !== 'finished')
      this.host.bus.say('stream', finishedWords(u.total, u.stats?.unscorable ?? 0, this.alertCount));
    this.host.bus.emit('live');
  }

  /** Readings per second now: 0 unless readings are flowing (a paused or finished replay scores none). */
  get eventsPerSec(): number {
    return this.state === 'playing' && this.stats ? this.stats.eventsPerSec : 0;
  }

  /**
   * Whether the replay running (or last run) alarms after k of n with the model in use: a restart with another
   * rule, or after another model stopped the engine's replay, starts afresh.
   */
  runsRule(k: number, n: number): boolean {
    return this.run?.k === k && this.run.n === n && this.run.model === this.host.model?.id;
  }

  async control(action: ReplayAction): Promise<void> {
    const { workers, bus } = this.host;
    if (action === 'restart') {
      // Cleared before the worker starts over, so the panel never shows the last run as the new
      // one, and none of the new run's first updates (which may beat the reply) are wiped.
      this.clear();
      this.state = 'playing';
      bus.emit('live');
    }
    try {
      await workers.call(workers.engine, (api) =>
        action === 'pause'
          ? api.pauseReplay()
          : action === 'resume'
            ? api.resumeReplay()
            : action === 'stop'
              ? api.stopReplay()
              : api.restartReplay(),
      );
    } catch (e) {
      if (action === 'restart') this.state = 'stopped';
      return bus.fail('stream', `Could not ${action} the replay: ${(e as Error).message}`);
    }
    this.state = action === 'pause' ? 'paused' : action === 'stop' ? 'stopped' : 'playing';
    // The line under the controls says what the replay is doing now, not what it did when started.
    if (action === 'stop') bus.say('stream', 'Replay stopped. Start plays it again from the first reading.');
    else if (action === 'pause') bus.say('stream', 'Replay paused. Resume goes on from the next reading.');
    else this.sayPlaying();
    bus.emit('live');
  }

  async setRate(rate: number): Promise<void> {
    const { workers } = this.host;
    await workers.call(workers.engine, (api) => api.setReplayRate(rate));
    if (this.run) this.run.rate = rate;
    if (this.state === 'playing') this.sayPlaying();
  }

  private sayPlaying(): void {
    if (!this.run) return;
    const { rate, rule } = this.run;
    const speed = rate > 0 ? `${rate.toLocaleString('en-US')} readings/s` : 'the maximum rate';
    this.host.bus.say('stream', `Replaying ${this.host.dataName} at ${speed} (${rule}).`);
  }
}

/** The replay's last word: readings replayed, how many of them could not be scored, alarm changes. */
export function finishedWords(total: number, unscorable: number, alarmChanges: number): string {
  const scored = unscorable
    ? `${plural(total, 'reading')} replayed, ${fmt(total - unscorable)} scored (${fmt(unscorable)} not: an input missing, or the feature window still filling)`
    : `${plural(total, 'reading')} scored`;
  return `Replay finished: ${scored}, ${plural(alarmChanges, 'alarm change')}.`;
}
