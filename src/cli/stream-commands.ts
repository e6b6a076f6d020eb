// replay --to eventhub, consume, cosmos-setup: isoscope in the production pipeline.
import { EventHubProducerClient, earliestEventPosition, latestEventPosition } from '@azure/event-hubs';
import { CosmosClient } from '@azure/cosmos';
import type { WasmEngine } from '../core/wasm-engine.js';
import { publishDataset } from '../connectors/publisher.js';
import { cosmosSettings, hubSettings, redact } from '../connectors/settings.js';
import { setupCosmos } from '../connectors/cosmos-setup.js';
import { CosmosSink } from '../connectors/cosmos-sink.js';
import { Consumer } from '../connectors/consumer.js';
import { Metrics } from '../connectors/metrics.js';
import { num, oneFile, parse } from './args.js';
import { UsageError } from './errors.js';
import { readDataset, readModel } from './files.js';
import { loadDotEnv } from './env.js';
import { blobCheckpointStore } from '../connectors/checkpoints.js';

const REPLAY = 'isoscope replay <file> --to eventhub [--rate N] [--limit N] [--hub NAME]';
const CONSUME = 'isoscope consume --model model.json [--to cosmos] [--checkpoint-container NAME] [--metrics-port 9464] [--start earliest|latest] [--hub NAME] [--group NAME] [--unit-field unit_number] [--time-field time_in_cycles]';
const SETUP = 'isoscope cosmos-setup';

function cosmosClient(env: NodeJS.ProcessEnv): { client: CosmosClient; settings: ReturnType<typeof cosmosSettings> } {
  const settings = cosmosSettings(env);
  // Endpoint discovery follows the account's advertised https address; an http endpoint (an emulator) must not.
  const client = new CosmosClient({ endpoint: settings.endpoint, key: settings.key,
    connectionPolicy: { enableEndpointDiscovery: settings.endpoint.startsWith('https:') } });
  return { client, settings };
}

/** Turns SDK failures into one line without secrets. */
function reachError(what: string, e: unknown): Error {
  const err = e as { code?: string | number; message?: string };
  const msg = redact(err.message ?? String(e)).split('\n')[0];
  if (err.code === 401 || err.code === 403 || /unauthori[sz]ed|forbidden/i.test(msg)) return new UsageError(`${what} rejected the credentials: ${msg}`);
  return new UsageError(`cannot reach ${what}: ${msg}`);
}

export async function replayCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<void> {
  const { values, positionals } = parse(argv, { to: { type: 'string' }, rate: { type: 'string' }, limit: { type: 'string' }, hub: { type: 'string' }, entry: { type: 'string' } }, REPLAY);
  if (values.help) return out(REPLAY);
  if (values.to !== 'eventhub') throw new UsageError(`replay needs --to eventhub\nusage: ${REPLAY}`);
  loadDotEnv();
  const hub = hubSettings(process.env, { hub: values.hub });
  const ds = readDataset(oneFile(positionals, REPLAY), { entry: values.entry, runToFailure: false });
  const rate = num(values.rate, '--rate', 0);
  if (rate < 0) throw new UsageError(`--rate must be >= 0 (0 = as fast as possible), got ${rate}`);
  const producer = new EventHubProducerClient(hub.connectionString, hub.hub);
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await producer.getEventHubProperties().catch((e) => {
      throw reachError(`event hub ${hub.hub}`, e);
    });
    let last = 0;
    const sent = await publishDataset(producer, ds, {
      rate, limit: values.limit ? num(values.limit, '--limit', 0) : undefined, signal: abort.signal,
      onProgress: (n, total) => {
        if (Date.now() - last > 1000) {
          last = Date.now();
          err(`isoscope replay: ${n} of ${total} readings sent`);
        }
      },
    });
    err(`isoscope replay: sent ${sent} readings of ${ds.name} to ${hub.hub}${abort.signal.aborted ? ' (stopped early)' : ''}`);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await producer.close();
  }
}

export async function cosmosSetupCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const { values } = parse(argv, {}, SETUP);
  if (values.help) return out(SETUP);
  loadDotEnv();
  const { client, settings } = cosmosClient(process.env);
  try {
    const done = await setupCosmos(client, settings).catch((e) => {
      throw reachError('Cosmos DB', e);
    });
    done.forEach((d) => out(`ready: ${d}`));
  } finally {
    client.dispose();
  }
}

export async function consumeCommand(argv: string[], engine: () => Promise<WasmEngine>, out: (s: string) => void, err: (s: string) => void): Promise<void> {
  const { values } = parse(argv, {
    model: { type: 'string' }, to: { type: 'string' }, 'metrics-port': { type: 'string' }, start: { type: 'string' },
    hub: { type: 'string' }, group: { type: 'string' }, 'unit-field': { type: 'string' }, 'time-field': { type: 'string' },
    'checkpoint-container': { type: 'string' },
  }, CONSUME);
  if (values.help) return out(CONSUME);
  if (!values.model) throw new UsageError(`consume needs --model model.json\nusage: ${CONSUME}`);
  if (values.to !== undefined && values.to !== 'cosmos') throw new UsageError(`--to takes cosmos, got "${values.to}"`);
  if (values.start !== undefined && values.start !== 'earliest' && values.start !== 'latest') throw new UsageError(`--start is earliest or latest, got "${values.start}"`);
  loadDotEnv();
  const model = readModel(values.model);
  const hub = hubSettings(process.env, { hub: values.hub, group: values.group });
  const metrics = new Metrics();
  let sink: CosmosSink | undefined;
  let cosmos: CosmosClient | undefined;
  if (values.to === 'cosmos') {
    const { client, settings } = cosmosClient(process.env);
    cosmos = client;
    const container = client.database(settings.database).container(settings.container);
    await container.read().catch((e) => {
      throw reachError(`Cosmos DB container ${settings.database}/${settings.container} (run isoscope cosmos-setup first?)`, e);
    });
    sink = new CosmosSink(container, { onRetry: (n, ms) => err(`isoscope consume: Cosmos DB asked to retry ${n} document(s) in ${ms} ms`) });
  }
  let checkpointStore;
  if (values['checkpoint-container']) {
    const conn = process.env.CHECKPOINT_STORAGE_CONNECTION_STRING;
    if (!conn) throw new UsageError('--checkpoint-container needs CHECKPOINT_STORAGE_CONNECTION_STRING (a Blob storage connection string)');
    checkpointStore = await blobCheckpointStore(conn, values['checkpoint-container']).catch((e) => {
      throw reachError(`checkpoint storage container ${values['checkpoint-container']}`, e);
    });
  }
  const port = num(values['metrics-port'], '--metrics-port', 9464);
  const server = await metrics.serve(port).catch((e) => {
    throw new UsageError(`cannot serve metrics on port ${port}: ${(e as Error).message}`);
  });
  const consumer = new Consumer({ hub, engine: await engine(), model, metrics, sink, checkpointStore,
    startPosition: values.start === 'latest' ? latestEventPosition : earliestEventPosition,
    unitField: values['unit-field'], timeField: values['time-field'], log: err });
  consumer.start();
  err(`isoscope consume: scoring ${hub.hub} (${hub.consumerGroup}) with model ${model.id}${sink ? ', writing to Cosmos DB' : ''}; metrics on :${port}/metrics`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  err('isoscope consume: stopping after the batch in flight is written…');
  await consumer.stop();
  server.close();
  cosmos?.dispose();
  err(`isoscope consume: stopped; ${metrics.predictions} readings scored, ${metrics.anomalies} anomalous`);
}
