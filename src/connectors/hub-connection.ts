// Event Hubs connection settings shared by the CLI and the Connect form: the connection
// string is parsed by the SDK itself (so isoscope accepts what the service accepts), and
// one start-position parser serves both. Kept apart from settings.ts so that the page,
// which imports redact/errorLine from there, does not load the SDK at first paint.
import { earliestEventPosition, latestEventPosition, parseEventHubConnectionString, type EventPosition } from '@azure/event-hubs';
import { ENV_DEFAULTS, SettingsError, keepSecret, type HubSettings } from './settings.js';

export interface HubConnectionFields {
  /** The namespace host, e.g. plant.servicebus.windows.net. */
  namespace: string;
  eventHubName?: string;
  sharedAccessSignature?: string;
}

/** Checks a connection string's shape; errors name the setting, never its value. */
export function parseHubConnectionString(value: string, setting = 'EVENTHUB_CONNECTION_STRING'): HubConnectionFields {
  // The common mistakes get a message of our own that says what to write; the SDK then checks the rest.
  const parts = value.split(';').filter((p) => p.trim());
  if (parts.some((p) => p.indexOf('=') <= 0)) throw new SettingsError(`${setting} is malformed: expected key=value pairs separated by ';'`);
  const has = (key: string) => parts.some((p) => p.trim().startsWith(`${key}=`) && p.trim().length > key.length + 1);
  if (!parts.some((p) => /^\s*Endpoint=sb:\/\/[^/]+/.test(p))) throw new SettingsError(`${setting} needs Endpoint=sb://<namespace>/`);
  if (!has('SharedAccessSignature') && !(has('SharedAccessKeyName') && has('SharedAccessKey')))
    throw new SettingsError(`${setting} needs SharedAccessKeyName and SharedAccessKey, or a SharedAccessSignature`);
  let parsed: ReturnType<typeof parseEventHubConnectionString>;
  try {
    parsed = parseEventHubConnectionString(value);
  } catch (e) {
    // The SDK's messages describe the shape and never echo the value.
    throw new SettingsError(`${setting} is malformed: ${(e as Error).message.replace(/^Connection string /i, '')}`);
  }
  keepSecret(parsed.sharedAccessKey);
  keepSecret(parsed.sharedAccessSignature);
  return {
    namespace: parsed.fullyQualifiedNamespace,
    eventHubName: parsed.eventHubName,
    sharedAccessSignature: parsed.sharedAccessSignature,
  };
}

export function hubSettings(env: NodeJS.ProcessEnv, flags: { hub?: string; group?: string }): HubSettings {
  const connectionString = env.EVENTHUB_CONNECTION_STRING;
  if (!connectionString) throw new SettingsError('set EVENTHUB_CONNECTION_STRING (environment or .env) to reach Event Hubs');
  const fields = parseHubConnectionString(connectionString);
  const hub = agreeingHub(fields, flags.hub ?? env.EVENTHUB_NAME, 'EVENTHUB_CONNECTION_STRING', flags.hub ? '--hub' : 'EVENTHUB_NAME');
  if (!hub) throw new SettingsError('name the event hub: EVENTHUB_NAME, --hub, or EntityPath in the connection string');
  return { connectionString, hub, consumerGroup: flags.group ?? env.EVENTHUB_CONSUMER_GROUP ?? ENV_DEFAULTS.EVENTHUB_CONSUMER_GROUP };
}

/**
 * The hub named apart from the connection string must be the one its EntityPath names: the SDK
 * refuses the pair with a TypeError that quotes the whole connection string, key included.
 */
export function agreeingHub(
  fields: HubConnectionFields,
  named: string | undefined,
  setting: string,
  nameSetting: string,
): string | undefined {
  const entity = fields.eventHubName;
  const hub = named?.trim() || entity;
  // A connection string pasted where the name goes must not be quoted back, key and all.
  if (hub && /[;=]/.test(hub)) throw new SettingsError(`${nameSetting} looks like a connection string, not an event hub name`);
  if (entity && hub !== entity)
    throw new SettingsError(
      `${nameSetting} names event hub "${hub}" but ${setting} is for event hub "${entity}" (its EntityPath): make them agree, or leave ${nameSetting} empty`,
    );
  return hub;
}

/**
 * earliest, latest or an ISO date and time. `otherwise` is the caller's default for an empty value:
 * the headless consumer starts at the earliest retained event, the page at the latest.
 */
export function startPosition(value: string | undefined, otherwise: 'earliest' | 'latest', setting = 'Start position'): EventPosition {
  const v = (value ?? '').trim() || otherwise;
  if (v === 'earliest') return earliestEventPosition;
  if (v === 'latest') return latestEventPosition;
  const at = Date.parse(v);
  if (!/^\d{4}-\d\d-\d\d/.test(v) || Number.isNaN(at))
    throw new SettingsError(`${setting} must be earliest, latest or a date and time, got "${v}"`);
  return { enqueuedOn: new Date(at) };
}
