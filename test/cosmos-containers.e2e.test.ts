// Cosmos DB containers as the real service has them, through the real SDK against the local
// server: a container made elsewhere with another partition key is refused by name (the
// service would refuse every document), setup asks for hash version 2, stored readings are
// read once however many physical partitions the container has, two promotions at once leave
// a champion, and a model over the service's 2 MB item limit is refused by size.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { checkPartitionKey, setupCosmos } from '../src/connectors/cosmos-setup.js';
import { CosmosSink } from '../src/connectors/cosmos-sink.js';
import { readStoredReadings } from '../src/connectors/stored-readings.js';
import { fetchChampion, latestVersion, listModels, promote, publishModel } from '../src/connectors/model-registry.js';
import { shippedModel } from './helpers.js';
import { startCosmos, type LocalCosmos } from './servers/cosmos-server.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'isoscope.js');
let cosmos: LocalCosmos;
const where = (database: string) => ({ endpoint: cosmos.endpoint, key: '', database, container: 'anomalies', modelsContainer: 'models' });
const created: { id: string; partitionKey: unknown }[] = [];

beforeAll(async () => {
  cosmos = await startCosmos();
  cosmos.server.prependListener('request', (req) => {
    if (req.method !== 'POST' || !/\/colls\/?$/.test(req.url ?? '')) return;
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => created.push(JSON.parse(body) as { id: string; partitionKey: unknown }));
  });
});

afterAll(async () => {
  await cosmos.stop();
});

test('setup refuses a readings container partitioned by another key, naming it; fresh containers hash the whole key', async () => {
  const { database } = await cosmos.client.databases.createIfNotExists({ id: 'elsewhere' });
  await database.containers.create({ id: 'anomalies', partitionKey: { paths: ['/id'] } });
  await expect(setupCosmos(cosmos.client, where('elsewhere'))).rejects.toThrow(
    /^Cosmos DB container elsewhere\/anomalies is partitioned by \/id, but isoscope's documents are keyed by \/unit_number: delete it and run isoscope cosmos-setup/,
  );
  // The command says the same, as the container's shape and not as a service out of reach.
  const cli = await run('node', [BIN, 'cosmos-setup'], {
    env: {
      ...process.env,
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: 'bG9jYWw=',
      COSMOS_DATABASE: 'elsewhere',
      COSMOS_CONTAINER: 'anomalies',
    },
  }).catch((e: { code: number; stderr: string }) => e);
  expect((cli as { code: number }).code).toBe(1);
  expect((cli as { stderr: string }).stderr).toMatch(/^isoscope: Cosmos DB container elsewhere\/anomalies is partitioned by \/id, but/);
  created.length = 0;
  const done = await setupCosmos(cosmos.client, where('fresh'));
  expect(done).toHaveLength(4);
  expect(created.map((c) => [c.id, c.partitionKey])).toEqual([
    ['anomalies', { paths: ['/unit_number'], version: 2 }],
    ['models', { paths: ['/id'], version: 2 }],
    ['deadletters', { paths: ['/id'], version: 2 }],
  ]);
  // Run again on what it made: nothing to refuse.
  await expect(setupCosmos(cosmos.client, where('fresh'))).resolves.toHaveLength(4);
  expect(() => checkPartitionKey({ partitionKey: { paths: ['/unit_number'] } }, '/unit_number', 'x')).not.toThrow();
  expect(() => checkPartitionKey({ partitionKey: { paths: ['/unit_number', '/time'] } }, '/unit_number', 'x')).toThrow(
    /partitioned by \/unit_number, \/time/,
  );
});

test('stored readings are read once when the container spans several physical partitions', async () => {
  const settings = where('spread');
  await setupCosmos(cosmos.client, settings);
  const container = cosmos.client.database(settings.database).container(settings.container);
  const docs = [];
  for (let u = 1; u <= 3; u++)
    for (let t = 1; t <= 10; t++)
      docs.push({
        id: `${u}-${t}`,
        unit_number: u,
        time_in_cycles: t,
        s1: u * 100 + t,
        scored_at: new Date(Date.UTC(2026, 0, 1, 0, t)).toISOString(),
      });
  await new CosmosSink(container).write(docs);
  // The local server has one physical partition; the service splits a large container into several.
  const [range] = await container.getFeedRanges();
  const three = [range, range, range];
  const split = new Proxy(container, {
    get: (target, key) => (key === 'getFeedRanges' ? () => Promise.resolve(three) : (Reflect.get(target, key) as unknown)),
  });
  const read = await readStoredReadings(split, { unitField: 'unit_number', timeField: 'time_in_cycles' }, 'spread');
  expect(read.dataset.rows).toBe(30);
  expect(read.partitions).toBe(3);
  const s1 = read.dataset.columns.find((c) => c.name === 's1')!.values;
  expect(Array.from(s1)).toEqual(docs.map((d) => d.s1));
});

test('two promotions at once leave a champion; a model over the item limit is refused by size before the service is asked', async () => {
  const model = await shippedModel();
  const settings = where('registry');
  await setupCosmos(cosmos.client, settings);
  const models = cosmos.client.database(settings.database).container(settings.modelsContainer);
  await publishModel(models, model, 'base');
  for (let trial = 0; trial < 4; trial++) {
    const a = await publishModel(models, model, `candidate a${trial}`, 'candidate');
    const b = await publishModel(models, model, `candidate b${trial}`, 'candidate');
    await Promise.all([promote(models, a.id), promote(models, b.id)]);
    const champion = await fetchChampion(models);
    expect(champion, `trial ${trial}`).toBeDefined();
    expect([a.id, b.id]).toContain(champion!.id);
    const listed = await listModels(models);
    expect(listed.filter((m) => m.status === 'champion').map((m) => m.id)).toEqual([champion!.id]);
  }
  const before = await latestVersion(models);
  const trees = model.forest.trees;
  const big = { ...model, id: 'eight-hundred-trees', forest: { ...model.forest, trees: Array.from({ length: 8 }, () => trees).flat() } };
  await expect(publishModel(models, big)).rejects.toThrow(
    /^model eight-hundred-trees is 2\.\d MB as a registry document; Cosmos DB stores at most 2 MB in one item: train it with fewer trees \(it has 800; about 7\d\d fit\)/,
  );
  expect(await latestVersion(models)).toBe(before);
});

test('a resource token in COSMOS_KEY is sent as it is, as the service takes one; an account key signs each request', async () => {
  // The local server takes any credential: what is checked is what the real SDK sends.
  const seen: string[] = [];
  const listen = (req: { headers: Record<string, string | string[] | undefined> }) => seen.push(String(req.headers.authorization));
  cosmos.server.prependListener('request', listen);
  const settings = where('tokens');
  await setupCosmos(cosmos.client, settings);
  const token = 'type=resource&ver=1.0&sig=c2lnbmF0dXJl;bG9jYWw=;';
  const models = (key: string) =>
    run('node', [BIN, 'models'], { env: { ...process.env, COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: key, COSMOS_DATABASE: 'tokens' } });
  try {
    seen.length = 0;
    expect((await models(token)).stdout).toBe('no models published in tokens/models\n');
    // Signed with it as an account key, the service answers 401.
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set([encodeURIComponent(token)]));
    seen.length = 0;
    expect((await models('bG9jYWwtdGVzdC1rZXk=')).stdout).toBe('no models published in tokens/models\n');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((a) => decodeURIComponent(a).startsWith('type=master&ver=1.0&sig='))).toBe(true);
  } finally {
    cosmos.server.removeListener('request', listen);
  }
});
