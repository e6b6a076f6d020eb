// The Connect form's checks: each bad value gets a message naming the field, never the secret.
import { describe, expect, test } from 'vitest';
import { checkCosmosForm, checkHubForm } from '../src/connectors/link-settings.js';
import { hubSettings, startPosition } from '../src/connectors/hub-connection.js';
import { cosmosEndpointDiscovery } from '../src/connectors/settings.js';

const SECRET = 'c2VjcmV0LWtleS12YWx1ZQ==';
const NOW = Date.parse('2026-11-24T12:00:00Z');
const sas = (expiry: number) => `SharedAccessSignature sr=sb%3A%2F%2Fns.servicebus.windows.net%2Fhub&sig=${SECRET}&se=${expiry}&skn=listen`;

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a failure');
}

describe('Event Hubs form', () => {
  test('a SAS connection string is accepted and not marked key-based', () => {
    const hub = checkHubForm(
      {
        connectionString: `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessSignature=${sas(NOW / 1000 + 3600)};EntityPath=readings`,
        start: 'latest',
      },
      NOW,
    );
    expect(hub).toMatchObject({ hub: 'readings', consumerGroup: '$Default', namespace: 'ns.servicebus.windows.net', keyBased: false });
  });

  test('a key-based string is accepted but flagged; a hub field naming its EntityPath again is accepted', () => {
    const hub = checkHubForm(
      {
        connectionString: `Endpoint=sb://ns/;SharedAccessKeyName=k;SharedAccessKey=${SECRET};EntityPath=b`,
        hub: 'b',
        consumerGroup: 'g',
        start: 'earliest',
      },
      NOW,
    );
    expect(hub).toMatchObject({ hub: 'b', consumerGroup: 'g', keyBased: true });
  });

  test.each([
    ['', /connection string is empty/],
    [`HostName=x;SharedAccessKey=${SECRET}`, /needs Endpoint=sb:\/\//],
    [`Endpoint=sb://ns/;SharedAccessKeyName=k`, /needs SharedAccessKeyName and SharedAccessKey, or a SharedAccessSignature/],
    [`Endpoint=sb://ns/;SharedAccessSignature=${SECRET};EntityPath=h`, /must be a token like "SharedAccessSignature sr=…/],
    [`Endpoint=sb://ns/;SharedAccessSignature=${sas(NOW / 1000 - 60)};EntityPath=h`, /SAS token expired at 2026-11-24T11:59:00.000Z/],
    [`Endpoint=sb://ns/;SharedAccessKeyName=k;SharedAccessKey=${SECRET}`, /Event hub name is empty/],
    [`Endpoint=sb://ns/;SharedAccessKeyName=k;SharedAccessKey=${SECRET};EntityPath=a/b`, /is not a valid name/],
    [`garbage`, /key=value pairs/],
  ])('%s → a specific error without the secret', (connectionString, expected) => {
    const m = message(() => checkHubForm({ connectionString, start: 'latest' }, NOW));
    expect(m).toMatch(expected);
    expect(m).not.toContain(SECRET);
  });

  test('a hub field naming another hub than EntityPath is refused before the SDK quotes the key', () => {
    const connectionString = `Endpoint=sb://ns/;SharedAccessKeyName=k;SharedAccessKey=${SECRET};EntityPath=a`;
    const m = message(() => checkHubForm({ connectionString, hub: 'b', start: 'latest' }, NOW));
    expect(m).toBe(
      'Event hub name names event hub "b" but Event Hubs connection string is for event hub "a" (its EntityPath): make them agree, or leave Event hub name empty',
    );
    const env = { EVENTHUB_CONNECTION_STRING: connectionString, EVENTHUB_NAME: 'b' };
    expect(message(() => hubSettings(env, {}))).toMatch(
      /^EVENTHUB_NAME names event hub "b" but EVENTHUB_CONNECTION_STRING is for event hub "a"/,
    );
    expect(message(() => hubSettings(env, { hub: 'c' }))).toMatch(/^--hub names event hub "c"/);
    expect(hubSettings(env, { hub: 'a' }).hub).toBe('a');
    // The connection string pasted into the name field is not quoted back.
    const pasted = message(() => checkHubForm({ connectionString, hub: connectionString, start: 'latest' }, NOW));
    expect(pasted).toBe('Event hub name looks like a connection string, not an event hub name');
  });

  test('start positions', () => {
    expect(startPosition('earliest', 'latest')).toEqual({ offset: '-1' });
    expect(startPosition('2026-11-24T08:00:00Z', 'latest')).toEqual({ enqueuedOn: new Date('2026-11-24T08:00:00Z') });
    expect(message(() => startPosition('yesterday', 'latest'))).toMatch(/earliest, latest or a date and time, got "yesterday"/);
  });
});

describe('Cosmos DB form', () => {
  test('defaults fill the names', () => {
    expect(checkCosmosForm({ endpoint: 'https://acct.documents.azure.com:443/', key: SECRET })).toMatchObject({
      database: 'iot-sensor-db',
      container: 'anomalies',
      modelsContainer: 'models',
    });
  });

  test.each([
    [{ endpoint: 'acct.documents.azure.com', key: SECRET }, /endpoint must be an http\(s\) URL/],
    [{ endpoint: 'https://acct/', key: ' ' }, /key or resource token is empty/],
    [{ endpoint: 'https://acct/', key: SECRET, container: 'a/b' }, /container name "a\/b" may not contain/],
  ])('%o → a specific error without the secret', (form, expected) => {
    const m = message(() => checkCosmosForm(form));
    expect(m).toMatch(expected);
    expect(m).not.toContain(SECRET);
  });
});

describe('Cosmos DB endpoint discovery', () => {
  test("only the service's own hosts have their advertised regional endpoints followed; emulators and stand-ins are dialled as given", () => {
    for (const e of ['https://acct.documents.azure.com:443/', 'https://ACCT.documents.azure.us/', 'https://a.documents.azure.cn/'])
      expect(cosmosEndpointDiscovery(e), e).toBe(true);
    for (const e of [
      'https://localhost:8081/',
      'https://127.0.0.1:8081',
      'http://127.0.0.1:8081',
      'https://cosmos.internal.example:443/',
      'http://acct.documents.azure.com/',
      'https://documents.azure.com.evil.example/',
      'not a url',
    ])
      expect(cosmosEndpointDiscovery(e), e).toBe(false);
  });
});
