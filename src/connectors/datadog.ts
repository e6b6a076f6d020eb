// Datadog metrics for consume and serve, sent with the official client (@datadog/datadog-api-client):
// counts through the v2 series API, distributions through the v1 distribution points API (v2
// series has no distribution type). It flushes every 10 s and at stop, in the background:
// scoring never waits for the intake. A failed submission is retried with backoff, counted in
// Prometheus, and reported on one line that never holds the key.
import { Counter, type Registry } from 'prom-client';
import { DatadogBuffer, type CountSeries, type DatadogPayload, type DistributionSeries } from './datadog-buffer.js';
import type { Metrics } from './metrics.js';
import { SettingsError, keepSecret } from './settings.js';

export interface DatadogSettings {
  apiKey: string;
  /** DD_SITE: datadoghq.eu, us3.datadoghq.com, … (the client's default is datadoghq.com). */
  site?: string;
  /** DD_URL: an intake base URL that replaces the site's (a proxy, or a local intake in tests). */
  url?: string;
}

/** Datadog is on when DD_API_KEY is set. */
export function datadogSettings(env: NodeJS.ProcessEnv): DatadogSettings | undefined {
  const apiKey = keepSecret(env.DD_API_KEY?.trim());
  if (!apiKey) return undefined;
  const url = env.DD_URL?.trim();
  if (url && !/^https?:\/\/[^/]+/.test(url)) throw new SettingsError('DD_URL must be an http(s) URL, like https://api.datadoghq.eu');
  return { apiKey, site: env.DD_SITE?.trim() || undefined, url: url ? url.replace(/\/+$/, '') : undefined };
}

/** The Prometheus counters of the reporter: they tell a dashboard that Datadog is missing data. */
export function datadogCounters(registry: Registry): { failures: Counter; dropped: Counter } {
  return {
    failures: new Counter({
      name: 'iot_anomaly_datadog_failures_total',
      help: 'Datadog intake submissions that failed (retried with backoff up to the limit).',
      registers: [registry],
    }),
    dropped: new Counter({
      name: 'iot_anomaly_datadog_dropped_total',
      help: 'Datadog submissions given up after their retries.',
      registers: [registry],
    }),
  };
}

/** The two intake calls the reporter makes. */
export interface DatadogTransport {
  submitCounts(series: CountSeries[]): Promise<void>;
  submitDistributions(series: DistributionSeries[]): Promise<void>;
}

/**
 * The official client, loaded only when Datadog is on (it is large: about 3 s to load). `fetch`
 * replaces Node's own, for a test that checks where requests go without sending them.
 */
export async function datadogClient(
  settings: DatadogSettings,
  opts: { timeoutMs?: number; fetch?: typeof fetch } = {},
): Promise<DatadogTransport> {
  const send = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const dd = await import('@datadog/datadog-api-client');
  const { client, v1, v2 } = dd;
  // Its own logger prints failed requests to the console; the reporter says what failed itself, in one line.
  (dd.logger as { setLevel(level: string): void }).setLevel('silent');
  const configuration = client.createConfiguration({
    authMethods: { apiKeyAuth: settings.apiKey },
    ...(settings.url ? { baseServer: new client.BaseServerConfiguration(settings.url, {}) } : {}),
    // Node's own fetch, with a deadline: a hung intake must not hold a flush forever.
    fetch: (url: string, init: RequestInit) => send(url, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
  });
  if (settings.site && !settings.url) configuration.setServerVariables({ site: settings.site });
  const seriesApi = new v2.MetricsApi(configuration);
  const distributionApi = new v1.MetricsApi(configuration);
  return {
    submitCounts: async (series) => {
      await seriesApi.submitMetrics({ body: { series }, contentEncoding: 'deflate' });
    },
    submitDistributions: async (series) => {
      await distributionApi.submitDistributionPoints({ body: { series }, contentEncoding: 'deflate' });
    },
  };
}

export interface ReporterOptions {
  service: 'consume' | 'serve';
  metrics: Metrics;
  transport: DatadogTransport;
  /** Only for redacting: the key is never printed, even if an error were to echo it. */
  apiKey: string;
  log: (line: string) => void;
  intervalMs?: number;
  /** Tries per submission (first + retries) and the first backoff, doubled per retry. */
  attempts?: number;
  backoffMs?: number;
}

export class DatadogReporter {
  readonly buffer: DatadogBuffer;
  private readonly opts: Required<ReporterOptions>;
  private readonly counters: { failures: Counter; dropped: Counter };
  private timer?: ReturnType<typeof setInterval>;
  private flushing?: Promise<void>;
  private failing = false;

  constructor(opts: ReporterOptions) {
    this.opts = { intervalMs: 10_000, attempts: 4, backoffMs: 500, ...opts };
    this.buffer = new DatadogBuffer(opts.service);
    this.counters = datadogCounters(opts.metrics.registry);
    opts.metrics.addSink(this.buffer);
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.opts.intervalMs);
    this.timer.unref();
  }

  /**
   * Sends what accumulated since the last flush. One flush at a time: while one is still
   * retrying, the next tick leaves its data in the buffer for the flush after.
   */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.buffer.empty) return Promise.resolve();
    const payload = this.buffer.take(Math.floor(Date.now() / 1000), Math.round(this.opts.intervalMs / 1000));
    this.flushing = this.send(payload).finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Stops the timer and sends what is left, waiting at most `deadlineMs` for the intake. */
  async stop(deadlineMs = 10_000): Promise<void> {
    clearInterval(this.timer);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<boolean>((ok) => (timer = setTimeout(() => ok(true), deadlineMs)));
    const done = (async () => {
      await this.flushing;
      await this.flush();
      return false;
    })();
    if (await Promise.race([done, late]))
      this.opts.log(`isoscope ${this.opts.service}: Datadog did not take the last metrics within ${deadlineMs} ms`);
    clearTimeout(timer);
  }

  private async send(p: DatadogPayload): Promise<void> {
    const dropped: string[] = [];
    if (p.counts.length) dropped.push(...(await this.submit('counts', () => this.opts.transport.submitCounts(p.counts))));
    if (p.distributions.length)
      dropped.push(...(await this.submit('distributions', () => this.opts.transport.submitDistributions(p.distributions))));
    // One line when submissions start failing and one when they work again, not one per flush while the intake is down.
    if (dropped.length && !this.failing) this.opts.log(`isoscope ${this.opts.service}: ${dropped[0]}`);
    else if (!dropped.length && this.failing) this.opts.log(`isoscope ${this.opts.service}: Datadog takes metrics again`);
    this.failing = dropped.length > 0;
  }

  /** Tries a submission until it is taken, refused for good, or out of attempts; returns why it was dropped, if it was. */
  private async submit(what: string, call: () => Promise<void>): Promise<string[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        await call();
        return [];
      } catch (e) {
        this.counters.failures.inc();
        if (!transient(e) || attempt >= this.opts.attempts) {
          this.counters.dropped.inc();
          return [`Datadog ${what} dropped after ${attempt} attempt(s): ${this.reason(e)}`];
        }
        // unref: a backoff never keeps a stopping process alive.
        await new Promise((ok) => setTimeout(ok, this.opts.backoffMs * 2 ** (attempt - 1)).unref());
      }
    }
  }

  private reason(e: unknown): string {
    const code = (e as { code?: unknown }).code;
    const why =
      typeof code === 'number'
        ? `the intake answered HTTP ${code}${code === 403 ? ' (is DD_API_KEY valid for DD_SITE?)' : ''}`
        : (((e as Error).cause as Error | undefined)?.message ?? (e as Error).message ?? String(e));
    return why.split('\n')[0].split(this.opts.apiKey).join('***');
  }
}

/** Worth another try: no answer (network, timeout), throttling, or a server error. */
function transient(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return typeof code !== 'number' || code === 408 || code === 429 || code >= 500;
}
