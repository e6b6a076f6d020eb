// Publish replay from the page: the loaded data goes to the hub at a chosen rate, keyed
// by unit, with progress about five times a second and a Stop that takes effect at once.
import type { Dataset } from '../data/dataset.js';
import { publishDataset } from '../connectors/publisher.js';
import type { HubForm } from '../connectors/link-settings.js';
import { errorLine, failureLine, INTERACTIVE_RETRY } from '../connectors/settings.js';
import { azure, LinkError } from './azure-sdk.js';

const PROGRESS_MS = 200;

export class ReplayPublisher {
  private publishing?: AbortController;

  async publish(
    ds: Dataset,
    form: HubForm,
    rate: number,
    onProgress: (sent: number, total: number) => void,
  ): Promise<{ hub: string; sent: number; stopped: boolean }> {
    if (!(rate >= 0 && Number.isFinite(rate)))
      throw new LinkError(`publish rate must be a number of readings per second, 0 for as fast as possible (got ${rate})`);
    const { checkHubForm, EventHubProducerClient } = await azure();
    const hub = checkHubForm(form);
    this.publishing?.abort();
    const abort = new AbortController();
    this.publishing = abort;
    const producer = new EventHubProducerClient(hub.connectionString, hub.hub, { retryOptions: INTERACTIVE_RETRY });
    try {
      await producer.getPartitionIds({ abortSignal: AbortSignal.timeout(20_000) }).catch((e) => {
        throw new LinkError(failureLine(`event hub ${hub.hub}`, e));
      });
      let last = 0;
      const sent = await publishDataset(producer, ds, {
        rate,
        signal: abort.signal,
        onProgress: (n, total) => {
          if (performance.now() - last > PROGRESS_MS || n === total) {
            last = performance.now();
            onProgress(n, total);
          }
        },
      }).catch((e) => {
        throw e instanceof LinkError ? e : new LinkError(`publishing stopped: ${errorLine(e)}`);
      });
      return { hub: hub.hub, sent, stopped: abort.signal.aborted };
    } finally {
      if (this.publishing === abort) this.publishing = undefined;
      await producer.close().catch(() => undefined);
    }
  }

  stop(): void {
    this.publishing?.abort();
  }
}
