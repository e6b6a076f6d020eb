// The registry's lifecycle against the local Cosmos DB server with the real SDK: documents from
// before statuses (the newest is the champion), candidates never followed until promoted, a
// promotion of an older version, and which stored fields retrain counts as the reading's own.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Container } from '@azure/cosmos';
import { startCosmos, type LocalCosmos } from './servers/cosmos-server.js';
import { shippedModel } from './helpers.js';
import { fetchChampion, lifecycleVersions, listModels, promote, publishModel } from '../src/connectors/model-registry.js';
import { isReadingField } from '../src/connectors/stored-readings.js';

let cosmos: LocalCosmos;
let models: Container;
const model = await shippedModel();

beforeAll(async () => {
  cosmos = await startCosmos();
  const { database } = await cosmos.client.databases.createIfNotExists({ id: 'lifecycle' });
  ({ container: models } = await database.containers.createIfNotExists({ id: 'models', partitionKey: { paths: ['/id'] } }));
});
afterAll(async () => {
  await cosmos?.stop();
});

test('old documents without status: the newest is champion; candidates wait; promote moves the champion either way', async () => {
  for (const v of [1, 2])
    await models.items.create({ id: `v${v}`, version: v, created: 'before statuses', model_id: model.id, model, metrics: {} });
  expect((await fetchChampion(models))?.id).toBe('v2');
  expect((await listModels(models)).map((m) => [m.id, m.status])).toEqual([
    ['v2', 'champion'],
    ['v1', 'retired'],
  ]);
  await publishModel(models, { ...model, id: 'cand' }, 'try me', 'candidate');
  expect(await lifecycleVersions(models)).toEqual({ champion: 2, candidate: 3 });
  expect((await fetchChampion(models))?.id).toBe('v2');

  expect(await promote(models, 'v1')).toEqual(['v2']);
  expect((await fetchChampion(models))?.id).toBe('v1');
  expect((await listModels(models)).map((m) => [m.id, m.status])).toEqual([
    ['v3', 'candidate'],
    ['v2', 'retired'],
    ['v1', 'champion'],
  ]);
  // publish-model's default: a champion, and the one before retired.
  await publishModel(models, { ...model, id: 'next' });
  expect((await listModels(models)).map((m) => m.status)).toEqual(['champion', 'candidate', 'retired', 'retired']);
  await expect(promote(models, 'v9')).rejects.toThrow('no published model "v9" in the models container');
});

test("retrain keeps a stored document's reading fields only", () => {
  const stored = ['unit_number', 'time_in_cycles', 'sensor_2', 'op_setting_1'];
  const added = [
    'id',
    'anomaly_score',
    'is_anomaly',
    'alarm',
    'shadow',
    'model_id',
    'model_version',
    'scored_at',
    'missing_features',
    'warming_up',
  ];
  const system = ['_rid', '_self', '_etag', '_attachments', '_ts'];
  expect(stored.every(isReadingField)).toBe(true);
  expect([...added, ...system, 'dq_flatline'].filter(isReadingField)).toEqual([]);
});
