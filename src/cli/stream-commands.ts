// replay --to eventhub and cosmos-setup: feeding the pipeline and preparing its store.
import { EventHubProducerClient } from '@azure/event-hubs';
import { publishDataset } from '../connectors/publisher.js';
import { INTERACTIVE_RETRY } from '../connectors/settings.js';
import { hubSettings } from '../connectors/hub-connection.js';
import { DEAD_LETTER_CONTAINER, setupCosmos } from '../connectors/cosmos-setup.js';
import { num, oneFile, parse } from './args.js';
import { UsageError } from './errors.js';
import { readDataset } from './files.js';
import { loadDotEnv } from './env.js';
import { cosmosClient, reachError } from './azure.js';

export const REPLAY_USAGE = 'isoscope replay <file> --to eventhub [--rate N] [--limit N] [--hub NAME] [--entry name]';
export const SETUP_USAGE = 'isoscope cosmos-setup [--dead-letter-container deadletters]';

export async function replayCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<void> {
  const { values, positionals } = parse(
    argv,
    { to: { type: 'string' }, rate: { type: 'string' }, limit: { type: 'string' }, hub: { type: 'string' }, entry: { type: 'string' } },
    REPLAY_USAGE,
  );
  if (values.help) return out(REPLAY_USAGE);
  if (values.to !== 'eventhub') throw new UsageError(`replay needs --to eventhub\nusage: ${REPLAY_USAGE}`);
  loadDotEnv();
  const hub = hubSettings(process.env, { hub: values.hub });
  const ds = readDataset(oneFile(positionals, REPLAY_USAGE), { entry: values.entry, runToFailure: false });
  const rate = num(values.rate, '--rate', 0);
  if (rate < 0) throw new UsageError(`--rate must be >= 0 (0 = as fast as possible), got ${rate}`);
  const producer = new EventHubProducerClient(hub.connectionString, hub.hub, { retryOptions: INTERACTIVE_RETRY });
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await producer.getEventHubProperties().catch((e) => {
      throw reachError(`event hub ${hub.hub}`, e);
    });
    let last = 0;
    let done = 0;
    let total = 0;
    const sent = await publishDataset(producer, ds, {
      rate,
      limit: values.limit ? num(values.limit, '--limit', 0) : undefined,
      signal: abort.signal,
      onProgress: (n, of) => {
        done = n;
        total = of;
        if (Date.now() - last > 1000) {
          last = Date.now();
          err(`isoscope replay: ${n} of ${of} readings sent`);
        }
      },
    }).catch((e) => {
      // The hub dropped mid-stream (after the SDK's retries): say so in one line, with how far it got.
      throw reachError(`event hub ${hub.hub} after sending ${done} of ${total} readings`, e);
    });
    err(`isoscope replay: sent ${sent} readings of ${ds.name} to ${hub.hub}${abort.signal.aborted ? ' (stopped early)' : ''}`);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await producer.close().catch(() => undefined);
  }
}

export async function cosmosSetupCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const { values } = parse(argv, { 'dead-letter-container': { type: 'string' } }, SETUP_USAGE);
  if (values.help) return out(SETUP_USAGE);
  loadDotEnv();
  const { client, settings } = cosmosClient(process.env);
  try {
    const done = await setupCosmos(client, settings, values['dead-letter-container'] ?? DEAD_LETTER_CONTAINER).catch((e) => {
      throw reachError('Cosmos DB', e);
    });
    done.forEach((d) => out(`ready: ${d}`));
  } finally {
    client.dispose();
  }
}
