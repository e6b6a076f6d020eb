// Asks the hub, on a connection of its own and without retries, for the tail of every
// partition the consumer holds: the only way to see a partition that stalls (events
// enqueued, none delivered) or a hub that never answered, since the receivers' own
// retries can stay silent for a minute.
import { EventHubConsumerClient } from '@azure/event-hubs';
import type { Health } from './health.js';
import { errorLine, type HubSettings } from './settings.js';

export class HubProbe {
  private readonly client: EventHubConsumerClient;
  private timer?: ReturnType<typeof setTimeout>;
  private running?: Promise<void>;
  private stopped = false;
  private readonly health: Health;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;

  constructor(hub: HubSettings, health: Health, intervalMs: number) {
    this.health = health;
    this.intervalMs = intervalMs;
    this.timeoutMs = Math.max(2000, intervalMs);
    this.client = new EventHubConsumerClient(hub.consumerGroup, hub.connectionString, hub.hub, {
      retryOptions: { maxRetries: 0, timeoutInMs: this.timeoutMs },
    });
  }

  start(): void {
    this.running = this.tick();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const ids = this.health.partitions.size
        ? [...this.health.partitions.keys()]
        : await this.client.getPartitionIds({ abortSignal: signal });
      for (const id of ids) {
        if (!this.health.partitions.has(id)) continue;
        const p = await this.client.getPartitionProperties(id, { abortSignal: signal });
        this.health.tail(id, p.isEmpty ? -1 : p.lastEnqueuedSequenceNumber, p.beginningSequenceNumber);
      }
      this.health.hubOk();
    } catch (e) {
      if (this.stopped) return;
      this.health.hubFailed(signal.aborted ? `no answer within ${Math.round(this.timeoutMs / 1000)} s` : errorLine(e));
    }
    if (!this.stopped)
      this.timer = setTimeout(() => {
        this.running = this.tick();
      }, this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.client.close().catch(() => undefined);
  }
}
