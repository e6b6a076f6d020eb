// publish-model and models: the models container as a registry the consumers follow.
import { listModels, publishModel } from '../connectors/model-registry.js';
import { oneFile, parse } from './args.js';
import { readModel } from './files.js';
import { loadDotEnv } from './env.js';
import { cosmosClient, reachError } from './azure.js';
import { renderTable } from './table.js';

export const PUBLISH_USAGE = 'isoscope publish-model <model.json> [--note TEXT]';
export const MODELS_USAGE = 'isoscope models';

export async function publishModelCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const { values, positionals } = parse(argv, { note: { type: 'string' } }, PUBLISH_USAGE);
  if (values.help) return out(PUBLISH_USAGE);
  const model = readModel(oneFile(positionals, PUBLISH_USAGE));
  loadDotEnv();
  const { client, settings } = cosmosClient(process.env);
  try {
    const container = client.database(settings.database).container(settings.modelsContainer);
    const published = await publishModel(container, model, values.note).catch((e) => {
      throw reachError(`Cosmos DB models container ${settings.database}/${settings.modelsContainer} (run isoscope cosmos-setup first?)`, e);
    });
    out(`published model ${model.id} as ${published.id} in ${settings.database}/${settings.modelsContainer}`);
  } finally {
    client.dispose();
  }
}

export async function listModelsCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const { values } = parse(argv, {}, MODELS_USAGE);
  if (values.help) return out(MODELS_USAGE);
  loadDotEnv();
  const { client, settings } = cosmosClient(process.env);
  try {
    const container = client.database(settings.database).container(settings.modelsContainer);
    const models = await listModels(container).catch((e) => {
      throw reachError(`Cosmos DB models container ${settings.database}/${settings.modelsContainer}`, e);
    });
    if (!models.length) return out(`no models published in ${settings.database}/${settings.modelsContainer}`);
    out(
      renderTable(
        ['version', 'published', 'model', 'kind', 'features', 'note'],
        models.map((m) => [m.id, m.created, m.model_id, m.kind, String(m.features), m.note ?? '']),
      ),
    );
  } finally {
    client.dispose();
  }
}
