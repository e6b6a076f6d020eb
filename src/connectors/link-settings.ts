// The workbench's Connect form, checked before anything is dialled: Event Hubs by
// connection string (key or SAS), Cosmos DB by endpoint and key or resource token.
// Errors name the field and what is wrong, never the value.
import type { EventPosition } from '@azure/event-hubs';
import { ENV_DEFAULTS, SettingsError, keepSecret, type CosmosSettings, type HubSettings } from './settings.js';
import { agreeingHub, parseHubConnectionString, startPosition } from './hub-connection.js';

export interface HubForm {
  connectionString: string;
  hub?: string;
  consumerGroup?: string;
  /** 'earliest', 'latest', or an ISO time. */
  start: string;
}

export interface CheckedHub extends HubSettings {
  namespace: string;
  /** The string carries an account key (rather than a SAS): the page warns. */
  keyBased: boolean;
  startPosition: EventPosition;
}

export function checkHubForm(form: HubForm, now = Date.now()): CheckedHub {
  const field = 'Event Hubs connection string';
  const connectionString = form.connectionString.trim();
  if (!connectionString)
    throw new SettingsError(`${field} is empty: paste Endpoint=sb://…;SharedAccessSignature=… (or a key-based string)`);
  const fields = parseHubConnectionString(connectionString, field);
  const sas = fields.sharedAccessSignature;
  if (sas !== undefined) {
    const expiry = /[?&\s]se=(\d+)/.exec(` ${sas}`);
    if (!/sr=/.test(sas) || !/sig=/.test(sas) || !expiry)
      throw new SettingsError(`${field}: the SharedAccessSignature must be a token like "SharedAccessSignature sr=…&sig=…&se=…&skn=…"`);
    const at = Number(expiry[1]) * 1000;
    if (at <= now) throw new SettingsError(`${field}: the SAS token expired at ${new Date(at).toISOString()}; ask for a new one`);
  }
  const hub = agreeingHub(fields, form.hub, field, 'Event hub name');
  if (!hub) throw new SettingsError('Event hub name is empty: fill it in, or use a connection string with EntityPath=…');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/.test(hub))
    throw new SettingsError(`Event hub name "${hub}" is not a valid name (letters, digits, . _ -)`);
  const consumerGroup = (form.consumerGroup ?? '').trim() || ENV_DEFAULTS.EVENTHUB_CONSUMER_GROUP;
  return {
    connectionString,
    hub,
    consumerGroup,
    namespace: fields.namespace,
    keyBased: sas === undefined,
    startPosition: startPosition(form.start, 'latest'),
  };
}

export interface CosmosForm {
  endpoint: string;
  key: string;
  database?: string;
  container?: string;
  modelsContainer?: string;
}

const COSMOS_ID = /^[^/\\?#]{1,255}$/;

export function checkCosmosForm(form: CosmosForm): CosmosSettings {
  const endpoint = form.endpoint.trim();
  if (!/^https?:\/\/[^/\s]+/.test(endpoint))
    throw new SettingsError('Cosmos DB endpoint must be an http(s) URL, like https://<account>.documents.azure.com:443/');
  const key = keepSecret(form.key.trim());
  if (!key) throw new SettingsError('Cosmos DB key or resource token is empty');
  const names = {
    database: (form.database ?? '').trim() || ENV_DEFAULTS.COSMOS_DATABASE,
    container: (form.container ?? '').trim() || ENV_DEFAULTS.COSMOS_CONTAINER,
    modelsContainer: (form.modelsContainer ?? '').trim() || ENV_DEFAULTS.COSMOS_MODELS_CONTAINER,
  };
  for (const [what, v] of Object.entries(names)) {
    if (!COSMOS_ID.test(v)) throw new SettingsError(`Cosmos DB ${what} name "${v}" may not contain / \\ ? or #`);
  }
  return { endpoint, key, ...names };
}

// The page's SDK module (services/azure-sdk.ts) hands the client maker out with the form checks.
export { cosmosClientFor } from './cosmos-client.js';
