// serve: the prediction server. Scores readings posted over HTTP with the consumer's path
// (recipe window and alarm state per unit), follows the model file or the registry, and stops
// cleanly: no new connections, requests in flight answered, metrics flushed, exit 0.
import { streamKeysFor } from '../stream/stream-keys.js';
import type { WasmEngine } from '../engine/wasm-engine.js';
import type { ModelJson } from '../model/types.js';
import { Metrics } from '../connectors/metrics.js';
import { ModelWatcher } from '../connectors/model-watcher.js';
import { ShadowSlot } from '../connectors/shadow-slot.js';
import { Predictor } from '../server/predictor.js';
import { ServeMetrics } from '../server/serve-metrics.js';
import { ModelFileWatcher } from '../server/model-file-watcher.js';
import { buildApp, DEFAULT_MAX_READINGS } from '../server/app.js';
import { byteSize, num, parse } from './args.js';
import { UsageError } from './errors.js';
import { loadDotEnv } from './env.js';
import { cosmosClient } from './azure.js';
import { keepSecret } from '../connectors/settings.js';
import { firstModel, maxUnitsFlag, MODEL_SOURCE_OPTIONS, modelFlags, STREAM_KEY_OPTIONS, UNIT_CAP_OPTIONS } from './model-source.js';
import { startDatadog } from './datadog.js';
import { productVersion } from './version.js';
import { DEFAULT_STOP_SECONDS, stopSignal, stopWithin } from './shutdown.js';

export const SERVE_USAGE =
  'isoscope serve --model model.json|--model-from cosmos [--port 8000] [--host 127.0.0.1] [--model-poll 30] [--body-limit 10mb] [--max-readings 10000] [--stop-timeout 20] [--unit-field NAME|none] [--time-field NAME] [--max-units 10000] [--any-order]';

export async function serveCommand(
  argv: string[],
  engine: () => Promise<WasmEngine>,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<void> {
  const { values } = parse(
    argv,
    {
      ...MODEL_SOURCE_OPTIONS,
      port: { type: 'string' },
      host: { type: 'string' },
      'body-limit': { type: 'string' },
      'max-readings': { type: 'string' },
      'stop-timeout': { type: 'string' },
      'any-order': { type: 'boolean' },
      ...STREAM_KEY_OPTIONS,
      ...UNIT_CAP_OPTIONS,
    },
    SERVE_USAGE,
  );
  if (values.help) return out(SERVE_USAGE);
  const source = modelFlags(values, 'serve', SERVE_USAGE);
  const port = num(values.port, '--port', 8000);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new UsageError(`--port is 0-65535 (0 picks a free port), got ${port}`);
  const host = values.host ?? '127.0.0.1';
  const bodyLimit = byteSize(values['body-limit'], '--body-limit', 10 * 1024 ** 2);
  const maxReadings = num(values['max-readings'], '--max-readings', DEFAULT_MAX_READINGS);
  if (!(Number.isInteger(maxReadings) && maxReadings >= 1))
    throw new UsageError(`--max-readings is the most readings one request may hold, a whole number of at least 1; got ${maxReadings}`);
  const maxUnits = maxUnitsFlag(values['max-units']);
  const stopSeconds = num(values['stop-timeout'], '--stop-timeout', DEFAULT_STOP_SECONDS);
  if (!(stopSeconds > 0)) throw new UsageError(`--stop-timeout is the seconds a stop may take, > 0; got ${stopSeconds}`);
  loadDotEnv();
  const apiKey = apiKeyOf(process.env.ISOSCOPE_API_KEY, err);

  const cosmos = source.cosmos ? cosmosClient(process.env) : undefined;
  const { model, version, registry } = await firstModel(source, cosmos);

  let keys;
  try {
    keys = streamKeysFor(model, { unit: values['unit-field'], time: values['time-field'] }, true);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const metrics = new Metrics({ service: 'serve' });
  const serveMetrics = new ServeMetrics(metrics.registry);
  let champion = version;
  // Following the registry: a candidate newer than the champion is scored in shadow.
  const shadow = registry
    ? new ShadowSlot({
        engine: await engine(),
        models: registry.models,
        registry: metrics.registry,
        service: 'serve',
        champion: () => champion,
        intervalMs: source.pollMs,
        log: err,
      })
    : undefined;
  const predictor = new Predictor(await engine(), model, version, keys, metrics, shadow, maxUnits);
  predictor.log = err;
  // Load tests and replays of shuffled history: score in arrival order rather than refuse (409) a unit's earlier time.
  predictor.strictOrder = !values['any-order'];
  const datadog = await startDatadog('serve', metrics, err);
  const app = await buildApp({ predictor, metrics, serveMetrics, apiKey, bodyLimit, maxReadings, version: productVersion(), log: err });
  try {
    await app.listen({ port, host });
  } catch (e) {
    await datadog?.stop(0);
    throw new UsageError(`cannot listen on ${host}:${port}: ${(e as Error).message}`);
  }

  /** Swaps the model between requests; a model the engine refuses is reported and the current one kept. */
  const swap = (next: ModelJson, nextVersion: string) => {
    try {
      predictor.setModel(next, nextVersion);
    } catch (e) {
      serveMetrics.reload('rejected');
      throw e;
    }
    serveMetrics.reload('loaded');
    err(`isoscope serve: now scoring with model ${next.id} (${nextVersion})`);
  };
  const watcher = source.file
    ? new ModelFileWatcher(source.file, (m) => swap(m, m.createdAt), {
        intervalMs: source.pollMs,
        log: err,
        onRejected: () => serveMetrics.reload('rejected'),
      })
    : new ModelWatcher(
        registry!.models,
        registry!.latest.version,
        (p) => {
          swap(p.model, p.id);
          champion = p.id;
        },
        { intervalMs: source.pollMs, log: err, service: 'serve', onCandidate: (p) => void shadow?.set(p) },
      );
  await watcher.start();
  shadow?.start();

  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  err(
    `isoscope serve: listening on http://${host}:${bound} with model ${model.id} (${version})${apiKey ? '; API key required' : '; no API key (ISOSCOPE_API_KEY is not set): every route is open'}${datadog ? '; metrics to Datadog' : ''}`,
  );
  if (!apiKey && !isLoopback(host))
    err(
      `isoscope serve: warning: listening on ${host} without an API key: anyone who can reach this port can score readings and read the model; set ISOSCOPE_API_KEY`,
    );
  await stopSignal();
  err(`isoscope serve: stopping: no new connections, answering the requests in flight (at most ${stopSeconds} s)…`);
  await stopWithin(
    'serve',
    stopSeconds,
    [
      { waitingFor: 'the model watcher', run: () => watcher.stop() }, // no model swap while the last requests finish
      { waitingFor: 'the requests in flight', run: () => app.close() },
      { waitingFor: 'the shadow figures', run: () => shadow?.stop() },
      { waitingFor: 'the last Datadog flush', run: () => datadog?.stop() }, // after the requests, so their counts are in it
    ],
    err,
  );
  predictor.dispose();
  cosmos?.client.dispose();
  err(`isoscope serve: stopped; ${metrics.predictions} readings scored, ${metrics.anomalies} anomalous`);
}

/** Keys shorter than this are warned of: a bearer key should not be guessable. */
const SHORT_KEY = 16;

/**
 * ISOSCOPE_API_KEY as serve uses it: unset or empty (as .env.example leaves it) is no key; a key
 * with a space or line break in it (or only spaces) is refused, since no Authorization header could carry it.
 */
export function apiKeyOf(raw: string | undefined, warn: (line: string) => void): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (/\s/.test(raw))
    throw new UsageError(
      'ISOSCOPE_API_KEY holds a space or a line break: a bearer key is one word, so no request could send it; set the key without them',
    );
  if (raw.length < SHORT_KEY)
    warn(
      `isoscope serve: warning: ISOSCOPE_API_KEY is ${raw.length} characters long; a key of at least ${SHORT_KEY} random characters (openssl rand -hex 24) is hard to guess`,
    );
  return keepSecret(raw);
}

/** Whether a listening address takes connections from this machine alone. */
export const isLoopback = (host: string): boolean => /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i.test(host);
