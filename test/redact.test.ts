// Secrets in messages: a bare key has no `SharedAccessKey=` or `sig=` around it, so the
// patterns alone miss it. Every setting that holds a secret registers its value when read,
// and redact blanks that value wherever a message (an SDK's, a stack) carries it.
import { describe, expect, test } from 'vitest';
import { cosmosSettings, errorLine, keepSecret, redact } from '../src/connectors/settings.js';
import { datadogSettings } from '../src/connectors/datadog.js';
import { checkCosmosForm } from '../src/connectors/link-settings.js';
import { hubSettings } from '../src/connectors/hub-connection.js';

describe('redact', () => {
  test('COSMOS_KEY read from the environment is blanked in any message, every time it appears', () => {
    const key = 'QmFyZUNvc21vc0tleUZyb21FbnY=';
    expect(redact(`auth failed for ${key}`)).toContain(key);
    cosmosSettings({ COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/', COSMOS_KEY: key });
    expect(redact(`auth failed for ${key}; retried with ${key}`)).toBe('auth failed for ***; retried with ***');
    expect(errorLine(new Error(`401 ${key}`))).toBe('401 ***');
  });

  test("the page's Cosmos DB key, DD_API_KEY and the hub's SharedAccessKey are blanked once read", () => {
    const pageKey = 'UGFnZUZvcm1Db3Ntb3NLZXk=';
    const ddKey = '0123456789abcdef0123456789abcdef';
    const hubKey = 'SHViU2hhcmVkQWNjZXNzS2V5VmFsdWU=';
    checkCosmosForm({ endpoint: 'https://acct.documents.azure.com:443/', key: ` ${pageKey} ` });
    datadogSettings({ DD_API_KEY: ddKey });
    hubSettings(
      {
        EVENTHUB_CONNECTION_STRING: `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=${hubKey};EntityPath=hub`,
      },
      {},
    );
    const line = redact(`echo: ${pageKey} ${ddKey} ${hubKey}`);
    expect(line).toBe('echo: *** *** ***');
  });

  test('short values are not looked for: they would blank ordinary words', () => {
    keepSecret('abc');
    keepSecret('   ');
    keepSecret(undefined);
    expect(redact('abc is not a secret here')).toBe('abc is not a secret here');
  });

  test('the named patterns still work without any registered value', () => {
    expect(redact('Endpoint=sb://x/;SharedAccessKey=zzz;EntityPath=h')).toBe('Endpoint=sb://x/;SharedAccessKey=***;EntityPath=h');
  });
});
