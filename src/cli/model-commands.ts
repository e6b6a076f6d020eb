// publish-model, models and promote: the models container as a registry the consumers follow.
import type { Container } from '@azure/cosmos';
import { listModels, promote, publishModel, type PublishedSummary } from '../connectors/model-registry.js';
import { oneFile, parse } from './args.js';
import { readModel } from './files.js';
import { loadDotEnv } from './env.js';
import { cosmosClient, reachError } from './azure.js';
import { renderTable } from './table.js';
import { UsageError } from './errors.js';

export const PUBLISH_USAGE = 'isoscope publish-model <model.json> [--candidate] [--note TEXT]';
export const MODELS_USAGE = 'isoscope models [--json]';
export const PROMOTE_USAGE = 'isoscope promote vN';

/** Runs `use` with the models container of the Cosmos DB settings in the environment. */
export async function withModels<T>(use: (models: Container, where: string) => Promise<T>, hint = ''): Promise<T> {
  loadDotEnv();
  const { client, settings } = cosmosClient(process.env);
  const where = `${settings.database}/${settings.modelsContainer}`;
  try {
    return await use(client.database(settings.database).container(settings.modelsContainer), where).catch((e) => {
      throw reachError(`Cosmos DB models container ${where}${hint}`, e);
    });
  } finally {
    client.dispose();
  }
}

export async function publishModelCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const { values, positionals } = parse(argv, { note: { type: 'string' }, candidate: { type: 'boolean' } }, PUBLISH_USAGE);
  if (values.help) return out(PUBLISH_USAGE);
  const model = readModel(oneFile(positionals, PUBLISH_USAGE));
  const status = values.candidate ? 'candidate' : 'champion';
  await withModels(async (container, where) => {
    const published = await publishModel(container, model, values.note, status);
    out(`published model ${model.id} as ${published.id} in ${where} (${status})`);
  }, ' (run isoscope cosmos-setup first?)');
}

export async function promoteCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const { values, positionals } = parse(argv, {}, PROMOTE_USAGE);
  if (values.help) return out(PROMOTE_USAGE);
  if (positionals.length !== 1 || !/^v[1-9]\d*$/.test(positionals[0]))
    throw new UsageError(`promote takes one published version such as v3\nusage: ${PROMOTE_USAGE}`);
  const id = positionals[0];
  await withModels(async (container) => {
    const retired = await promote(container, id);
    out(`${id} is the champion${retired.length ? `; retired ${retired.join(', ')}` : ''}`);
  });
}

export async function listModelsCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const { values } = parse(argv, { json: { type: 'boolean' } }, MODELS_USAGE);
  if (values.help) return out(MODELS_USAGE);
  const { models, where } = await withModels(async (container, where) => ({ models: await listModels(container), where }));
  if (values.json) return out(JSON.stringify(models.map(summaryJson), null, 2));
  if (!models.length) return out(`no models published in ${where}`);
  out(
    renderTable(
      ['version', 'status', 'published', 'model', 'shadow', 'note'],
      models.map((m) => [m.id, m.status, m.created, m.model_id, shadowText(m), m.note ?? '']),
    ),
  );
}

function summaryJson(m: PublishedSummary) {
  return { version: m.id, status: m.status, created: m.created, model_id: m.model_id, note: m.note ?? null, shadow: m.shadow ?? null };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function shadowText(m: PublishedSummary): string {
  const s = m.shadow;
  if (!s) return '';
  return `${s.readings} readings vs ${s.champion_version}: flags ${pct(s.flag_rate)} (${pct(s.champion_flag_rate)}), alarm ${pct(s.alarm_rate)} (${pct(s.champion_alarm_rate)}), agree ${pct(s.agreement)}`;
}
