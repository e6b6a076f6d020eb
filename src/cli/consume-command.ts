// consume: the production consumer. Reads every partition, scores with the Wasm engine,
// writes to Cosmos DB, checkpoints after the write, (with --model-from cosmos) switches to
// each newer published model, and (with DD_API_KEY) sends its metrics to Datadog too.
import type { CosmosClient } from '@azure/cosmos';
import type { WasmEngine } from '../engine/wasm-engine.js';
import type { CosmosSettings } from '../connectors/settings.js';
import { hubSettings, startPosition } from '../connectors/hub-connection.js';
import { CosmosSink } from '../connectors/cosmos-sink.js';
import { Consumer, type LoadBalancing } from '../connectors/consumer.js';
import { Metrics } from '../connectors/metrics.js';
import { blobCheckpoints } from '../connectors/checkpoints.js';
import { CosmosDeadLetters } from '../connectors/dead-letters.js';
import { DEAD_LETTER_CONTAINER, ID_KEY, READINGS_KEY, checkPartitionKey } from '../connectors/cosmos-setup.js';
import { streamKeysFor } from '../stream/stream-keys.js';
import { ModelWatcher } from '../connectors/model-watcher.js';
import { ShadowSlot } from '../connectors/shadow-slot.js';
import type { AddressInfo } from 'node:net';
import { Health, DEFAULT_HEALTH } from '../connectors/health.js';
import { num, parse } from './args.js';
import { UsageError } from './errors.js';
import { loadDotEnv } from './env.js';
import { cosmosClient, reachError } from './azure.js';
import { firstModel, maxUnitsFlag, MODEL_SOURCE_OPTIONS, modelFlags, STREAM_KEY_OPTIONS, UNIT_CAP_OPTIONS } from './model-source.js';
import { startDatadog } from './datadog.js';
import { DEFAULT_STOP_SECONDS, stopSignal, stopWithin } from './shutdown.js';

export const CONSUME_USAGE =
  'isoscope consume --model model.json|--model-from cosmos [--model-poll 30] [--to cosmos] [--checkpoint-container NAME] [--balance balanced|greedy] [--balance-interval 10] [--ownership-expiry 60] [--metrics-port 9464] [--metrics-host 127.0.0.1] [--health-max-silence 30] [--health-max-lag 300] [--start earliest|latest|<ISO time>] [--hub NAME] [--group NAME] [--unit-field NAME|none] [--time-field NAME] [--dead-letter-container deadletters] [--max-units 10000]';

export async function consumeCommand(
  argv: string[],
  engine: () => Promise<WasmEngine>,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<void> {
  const { values } = parse(
    argv,
    {
      ...MODEL_SOURCE_OPTIONS,
      to: { type: 'string' },
      'metrics-port': { type: 'string' },
      'metrics-host': { type: 'string' },
      'health-max-silence': { type: 'string' },
      'health-max-lag': { type: 'string' },
      balance: { type: 'string' },
      'balance-interval': { type: 'string' },
      'ownership-expiry': { type: 'string' },
      start: { type: 'string' },
      hub: { type: 'string' },
      group: { type: 'string' },
      ...STREAM_KEY_OPTIONS,
      ...UNIT_CAP_OPTIONS,
      'checkpoint-container': { type: 'string' },
      'dead-letter-container': { type: 'string' },
    },
    CONSUME_USAGE,
  );
  if (values.help) return out(CONSUME_USAGE);
  if (values.to !== undefined && values.to !== 'cosmos') throw new UsageError(`--to takes cosmos, got "${values.to}"`);
  const position = startPosition(values.start, 'earliest', '--start');
  const maxUnits = maxUnitsFlag(values['max-units']);
  const source = modelFlags(values, 'consume', CONSUME_USAGE);
  const limits = {
    maxSilenceS: positive(values['health-max-silence'], '--health-max-silence', DEFAULT_HEALTH.maxSilenceS),
    maxLagS: positive(values['health-max-lag'], '--health-max-lag', DEFAULT_HEALTH.maxLagS),
  };
  const loadBalancing = balanceFlags(values);
  loadDotEnv();
  const hub = hubSettings(process.env, { hub: values.hub, group: values.group });
  let cosmos: { client: CosmosClient; settings: CosmosSettings } | undefined;
  if (values.to === 'cosmos' || values['model-from']) cosmos = cosmosClient(process.env);

  const { model, version, registry } = await firstModel(source, cosmos);
  let champion = version;
  let watcher: ModelWatcher | undefined;
  if (registry) {
    watcher = new ModelWatcher(
      registry.models,
      registry.latest.version,
      (p) => {
        consumer.setModel(p.model, p.id);
        champion = p.id;
        err(`isoscope consume: now scoring with published model ${p.id} (${p.model_id})`);
      },
      { intervalMs: source.pollMs, log: err, onCandidate: (p) => void shadow?.set(p) },
    );
  }

  let keys;
  try {
    keys = streamKeysFor(model, { unit: values['unit-field'], time: values['time-field'] }, false);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }

  const health = new Health(limits, (line) => err(`isoscope consume: ${line}`));
  let sink: CosmosSink | undefined;
  let deadLetters: CosmosDeadLetters | undefined;
  if (values.to === 'cosmos') {
    const { client, settings } = cosmos!;
    const container = client.database(settings.database).container(settings.container);
    const { resource } = await container.read().catch((e) => {
      throw reachError(`Cosmos DB container ${settings.database}/${settings.container} (run isoscope cosmos-setup first?)`, e);
    });
    checkPartitionKey(resource, READINGS_KEY, `${settings.database}/${settings.container}`);
    const deadName = values['dead-letter-container'] ?? DEAD_LETTER_CONTAINER;
    const dead = client.database(settings.database).container(deadName);
    const deadRead = await dead.read().catch((e) => {
      throw reachError(`Cosmos DB dead-letter container ${settings.database}/${deadName} (run isoscope cosmos-setup first?)`, e);
    });
    checkPartitionKey(deadRead.resource, ID_KEY, `${settings.database}/${deadName}`);
    deadLetters = new CosmosDeadLetters(dead);
    let throttleLogged = 0;
    sink = new CosmosSink(container, {
      onRetry: (n, ms, why) => {
        if (!why.throttled) return health.cosmosFailed(why.line);
        if (Date.now() - throttleLogged < 10_000) return;
        throttleLogged = Date.now();
        err(`isoscope consume: ${why.line}; retrying ${n} document(s) in ${ms} ms`);
      },
    });
  }
  let checkpointStore;
  let unitStates;
  if (values['checkpoint-container']) {
    const conn = process.env.CHECKPOINT_STORAGE_CONNECTION_STRING;
    if (!conn) throw new UsageError('--checkpoint-container needs CHECKPOINT_STORAGE_CONNECTION_STRING (a Blob storage connection string)');
    ({ checkpointStore, unitStates } = await blobCheckpoints(conn, values['checkpoint-container']).catch((e) => {
      throw reachError(`checkpoint storage container ${values['checkpoint-container']}`, e);
    }));
  }
  const metrics = new Metrics({ service: 'consume' });
  metrics.watch(health);
  const datadog = await startDatadog('consume', metrics, err);
  const port = num(values['metrics-port'], '--metrics-port', 9464);
  const host = values['metrics-host'] ?? '127.0.0.1';
  const server = await metrics.serve(port, host).catch((e) => {
    throw new UsageError(`cannot serve metrics on ${host} port ${port}: ${(e as Error).message}`);
  });
  // Following the registry: a candidate newer than the champion is scored in shadow.
  const shadow = registry
    ? new ShadowSlot({
        engine: await engine(),
        models: registry.models,
        registry: metrics.registry,
        service: 'consume',
        champion: () => champion,
        intervalMs: source.pollMs,
        log: err,
      })
    : undefined;
  const address = server.address() as AddressInfo;
  const consumer = new Consumer({
    hub,
    engine: await engine(),
    model,
    modelVersion: version,
    metrics,
    sink,
    checkpointStore,
    unitStates,
    deadLetters,
    startPosition: position,
    keys,
    maxUnits,
    log: err,
    shadow,
    health,
    // Often enough to see a stall well within the silence allowed, rarely enough to cost the hub nothing.
    probeMs: Math.min(5000, Math.max(1000, (limits.maxSilenceS * 1000) / 3)),
    loadBalancing,
  });
  consumer.start();
  watcher?.start();
  shadow?.start();
  const keyWords = `${keys.unitField === null ? 'one unit' : `units by "${keys.unitField}"`}, time by "${keys.timeField}", at most ${consumer.units.cap} units`;
  err(
    `isoscope consume: scoring ${hub.hub} (${hub.consumerGroup}) with model ${model.id} (${version})${sink ? ', writing to Cosmos DB' : ''}${datadog ? ', metrics to Datadog' : ''}; metrics on ${address.address}:${address.port}/metrics; ${keyWords}`,
  );
  await stopSignal();
  err('isoscope consume: stopping after the batch in flight is written…');
  await stopWithin(
    'consume',
    DEFAULT_STOP_SECONDS,
    [
      { waitingFor: 'the model watcher', run: () => watcher?.stop() },
      { waitingFor: 'the batch in flight', run: () => consumer.stop() },
      { waitingFor: 'the shadow figures', run: () => shadow?.stop() },
      { waitingFor: 'the last Datadog flush', run: () => datadog?.stop() },
    ],
    err,
  );
  server.close();
  cosmos?.client.dispose();
  err(`isoscope consume: stopped; ${metrics.predictions} readings scored, ${metrics.anomalies} anomalous`);
}

function positive(value: string | undefined, flag: string, fallback: number): number {
  const v = num(value, flag, fallback);
  if (!(v > 0)) throw new UsageError(`${flag} must be > 0 seconds, got ${v}`);
  return v;
}

/** The checkpoint store's load balancing (SDK defaults: balanced, every 10 s, ownership expiring after 60 s). */
function balanceFlags(values: { balance?: string; 'balance-interval'?: string; 'ownership-expiry'?: string }): LoadBalancing | undefined {
  const { balance } = values;
  if (balance !== undefined && balance !== 'balanced' && balance !== 'greedy')
    throw new UsageError(`--balance takes balanced or greedy, got "${balance}"`);
  if (balance === undefined && values['balance-interval'] === undefined && values['ownership-expiry'] === undefined) return undefined;
  const interval = positive(values['balance-interval'], '--balance-interval', 10);
  const expiry = positive(values['ownership-expiry'], '--ownership-expiry', 60);
  if (expiry <= interval)
    throw new UsageError(
      `--ownership-expiry (${expiry} s) must be longer than --balance-interval (${interval} s), or owners lose partitions they hold`,
    );
  return { strategy: balance ?? 'balanced', updateIntervalInMs: interval * 1000, partitionOwnershipExpirationIntervalInMs: expiry * 1000 };
}
