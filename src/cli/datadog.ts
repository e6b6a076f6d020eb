// Datadog for consume and serve: on when DD_API_KEY is set (environment or .env), flushing
// every 10 s in the background; the caller stops it last, which sends what is left.
import { datadogClient, datadogSettings, DatadogReporter } from '../connectors/datadog.js';
import type { Metrics } from '../connectors/metrics.js';

export async function startDatadog(
  service: 'consume' | 'serve',
  metrics: Metrics,
  log: (line: string) => void,
): Promise<DatadogReporter | undefined> {
  const settings = datadogSettings(process.env);
  if (!settings) return undefined;
  const reporter = new DatadogReporter({ service, metrics, transport: await datadogClient(settings), apiKey: settings.apiKey, log });
  reporter.start();
  return reporter;
}
