// The model watcher (consume and serve with --model-from cosmos) through the real SDK against the
// local Cosmos DB server, behind a proxy that can fail reads as the service does for a moment: a
// read that fails is tried again at the next poll; a version that is not a model is reported once.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CosmosClient, type Container } from '@azure/cosmos';
import { setupCosmos } from '../src/connectors/cosmos-setup.js';
import { publishModel, type PublishedModel } from '../src/connectors/model-registry.js';
import { ModelWatcher } from '../src/connectors/model-watcher.js';
import { shippedModel } from './helpers.js';
import { startCosmos, type LocalCosmos } from './servers/cosmos-server.js';
import { startThrottlingProxy, type ThrottlingProxy } from './servers/throttling-proxy.js';

let cosmos: LocalCosmos;
let proxy: ThrottlingProxy;
let client: CosmosClient;
let models: Container;

beforeAll(async () => {
  cosmos = await startCosmos();
  proxy = await startThrottlingProxy(cosmos.endpoint);
  await setupCosmos(cosmos.client, {
    endpoint: cosmos.endpoint,
    key: '',
    database: 'watched',
    container: 'anomalies',
    modelsContainer: 'models',
  });
  // The watcher's own client goes through the proxy, with a short timeout and no retries to wait out.
  client = new CosmosClient({
    endpoint: proxy.endpoint,
    key: 'bG9jYWwtdGVzdC1rZXk=',
    connectionPolicy: {
      enableEndpointDiscovery: false,
      requestTimeout: 10_000,
      retryOptions: { maxRetryAttemptCount: 0, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: 0 },
    },
  });
  models = client.database('watched').container('models');
});

afterAll(async () => {
  client.dispose();
  await proxy.stop();
  await cosmos.stop();
});

test('a champion whose read fails is read again at the next poll; one that is no model is reported once', async () => {
  const direct = cosmos.client.database('watched').container('models');
  const model = await shippedModel();
  await publishModel(direct, model);
  const switched: string[] = [];
  const lines: string[] = [];
  const watcher = new ModelWatcher(models, 1, (p: PublishedModel) => switched.push(p.id), {
    intervalMs: 60_000,
    log: (l) => lines.push(l),
  });

  await publishModel(direct, { ...model, id: `${model.id}-next` });
  proxy.failReads = true;
  await watcher.check();
  expect(switched).toEqual([]);
  expect(lines.at(-1)).toMatch(/^isoscope consume: model check failed, keeping the current model: /);
  expect(watcher.version).toBe(1);
  // The service is back: v2 is taken (it was skipped for good when its one read failed).
  proxy.failReads = false;
  await watcher.check();
  expect(switched).toEqual(['v2']);
  expect(watcher.version).toBe(2);

  // A document that is no model: reported at one poll, not at every one, and v2 kept.
  await direct.items.create({ id: 'v3', version: 3, status: 'champion', created: new Date().toISOString(), model: { format: 'nope' } });
  lines.length = 0;
  await watcher.check();
  await watcher.check();
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/published model v3 is not a valid isoscope model/);
  expect([switched, watcher.version]).toEqual([['v2'], 2]);
});
