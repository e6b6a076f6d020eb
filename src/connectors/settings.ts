// Connection settings from flags, the environment or a .env file. Secrets are checked
// for shape and never echoed: errors name the setting and what is wrong, not the value.

export interface HubSettings {
  connectionString: string;
  hub: string;
  consumerGroup: string;
}

export interface CosmosSettings {
  endpoint: string;
  key: string;
  database: string;
  container: string;
  modelsContainer: string;
}

/**
 * Whether the Cosmos DB client follows the account's advertised regional endpoints: only for the
 * service's own hosts. An emulator or a local stand-in advertises an address of its own (a
 * container's name, another port) that the client then dials instead of the one it was given.
 */
export function cosmosEndpointDiscovery(endpoint: string): boolean {
  let host: string;
  try {
    const url = new URL(endpoint);
    if (url.protocol !== 'https:') return false;
    host = url.hostname.toLowerCase();
  } catch {
    return false;
  }
  return /\.documents\.(azure\.com|azure\.us|azure\.cn|microsoftazure\.de)$/.test(host);
}

export class SettingsError extends Error {
  override name = 'UsageError';
}

export const ENV_DEFAULTS = {
  EVENTHUB_CONSUMER_GROUP: '$Default',
  COSMOS_DATABASE: 'iot-sensor-db',
  COSMOS_CONTAINER: 'anomalies',
  COSMOS_MODELS_CONTAINER: 'models',
};

export function cosmosSettings(env: NodeJS.ProcessEnv): CosmosSettings {
  const endpoint = env.COSMOS_ENDPOINT;
  const key = keepSecret(env.COSMOS_KEY);
  if (!endpoint) throw new SettingsError('set COSMOS_ENDPOINT (environment or .env) to reach Cosmos DB');
  if (!/^https?:\/\/[^/]+/.test(endpoint))
    throw new SettingsError('COSMOS_ENDPOINT must be an http(s) URL, like https://<account>.documents.azure.com:443/');
  if (!key) throw new SettingsError('set COSMOS_KEY (a key or resource token) to reach Cosmos DB');
  return {
    endpoint,
    key,
    database: env.COSMOS_DATABASE ?? ENV_DEFAULTS.COSMOS_DATABASE,
    container: env.COSMOS_CONTAINER ?? ENV_DEFAULTS.COSMOS_CONTAINER,
    modelsContainer: env.COSMOS_MODELS_CONTAINER ?? ENV_DEFAULTS.COSMOS_MODELS_CONTAINER,
  };
}

/**
 * Secret values read from settings in this process. A bare key (COSMOS_KEY, DD_API_KEY,
 * ISOSCOPE_API_KEY) has no `name=` around it for the patterns below to find, so any message
 * that happened to carry one would pass them: the values themselves are looked for too.
 */
const knownSecrets = new Set<string>();
/** Shorter values are not looked for: they would blank ordinary words in messages. */
const MIN_SECRET_LENGTH = 8;

/** Remembers a secret value so that `redact` blanks it wherever it appears; returns it. */
export function keepSecret<T extends string | undefined>(value: T): T {
  const v = value?.trim();
  if (v && v.length >= MIN_SECRET_LENGTH) knownSecrets.add(v);
  return value;
}

/** Replaces every secret-looking value in a message (keys, signatures, tokens), and every secret read from settings. */
export function redact(text: string): string {
  for (const secret of knownSecrets) if (text.includes(secret)) text = text.split(secret).join('***');
  return text
    .replace(/(SharedAccessKey|SharedAccessSignature|AccountKey|sig)=([^;&\s"]+)/gi, '$1=***')
    .replace(/(type=master&ver=1\.0&sig=)[^&\s"]+/gi, '$1***');
}

/** The SDK's retries end in an AggregateError with an empty message: the last attempt's error says what happened. */
export function lastError(e: unknown): { code?: string | number; message?: string; name?: string } {
  // Retries inside retries nest: follow the last attempt down to an error that says something.
  let last = e as { errors?: unknown[]; message?: string };
  for (let depth = 0; depth < 8 && Array.isArray(last?.errors) && last.errors.length && !last.message; depth++) {
    last = last.errors[last.errors.length - 1] as typeof last;
  }
  return last;
}

/** A request Cosmos DB has not answered in 15 s will not be answered: the SDK's 60 s leaves a user waiting a minute. */
export const COSMOS_REQUEST_TIMEOUT_MS = 15_000;

/** Retries that give up in seconds, not the SDK's default of minutes: a person is waiting. */
export const INTERACTIVE_RETRY = { maxRetries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 5000, timeoutInMs: 15_000 };

/** One line for the user: the last attempt's message, secrets redacted. */
export function errorLine(e: unknown): string {
  const err = lastError(e);
  const closed = closeLine(err) ?? closeLine((err as { cause?: unknown })?.cause);
  if (closed) return closed;
  if (err?.message === '[object CloseEvent]') return 'the connection to the hub closed';
  return redact(err?.message || String(err?.code ?? err?.name ?? e)).split('\n')[0];
}

/** A WebSocket's close event (the browser transport hands one over as the error): its code and reason, not "[object CloseEvent]". */
function closeLine(e: unknown): string | undefined {
  const c = e as { type?: unknown; code?: unknown; reason?: unknown } | undefined;
  if (c?.type !== 'close' || typeof c.code !== 'number') return undefined;
  const why =
    typeof c.reason === 'string' && c.reason ? c.reason : c.code === 1006 ? 'closed without a reason (network or server gone)' : '';
  return `the connection to the hub closed (WebSocket code ${c.code}${why ? `: ${why}` : ''})`;
}

/** The service said no to the key or token (wrong, expired, lacking rights), as opposed to not answering. */
export function refusedCredentials(e: unknown): boolean {
  const err = lastError(e);
  return (
    err?.code === 401 ||
    err?.code === 403 ||
    err?.code === 'UnauthorizedError' ||
    /unauthori[sz]ed|forbidden|InvalidSignature|ExpiredToken/i.test(err?.message ?? '')
  );
}

/** Why a call to `what` failed, in one line without secrets: refused credentials, a missing resource, or no answer. */
export function failureLine(what: string, e: unknown, words: { credentials?: string; missingHint?: string } = {}): string {
  const msg = errorLine(e);
  if (refusedCredentials(e)) return `${what} rejected the ${words.credentials ?? 'credentials'}: ${msg}`;
  // Cosmos DB says 404; the Event Hubs SDK names the error (an unknown hub, or consumer group).
  const code = lastError(e)?.code;
  if (code === 404 || code === 'MessagingEntityNotFoundError' || lastError(e)?.name === 'MessagingEntityNotFoundError')
    return `${what} does not exist${words.missingHint ?? ''}: ${msg}`;
  return `cannot reach ${what}: ${msg}`;
}
