// Where consume and serve get their model: a file (--model) or the newest version published
// in the Cosmos DB models container (--model-from cosmos), checked the same way for both.
import type { Container, CosmosClient } from '@azure/cosmos';
import type { CosmosSettings } from '../connectors/settings.js';
import { fetchChampion, type PublishedModel } from '../connectors/model-registry.js';
import type { ModelJson } from '../model/types.js';
import { UsageError } from './errors.js';
import { reachError } from './azure.js';
import { num } from './args.js';
import { readModel } from './files.js';
import { DEFAULT_MAX_UNITS } from '../stream/unit-table.js';

/** The flags of a command that scores with a model it may follow: consume and serve. */
export const MODEL_SOURCE_OPTIONS = {
  model: { type: 'string' },
  'model-from': { type: 'string' },
  'model-poll': { type: 'string' },
} as const;

/** How a reading names its unit and time (as on the hub). */
export const STREAM_KEY_OPTIONS = {
  'unit-field': { type: 'string' },
  'time-field': { type: 'string' },
} as const;

/** consume and serve keep per-unit state: how many units at most. */
export const UNIT_CAP_OPTIONS = { 'max-units': { type: 'string' } } as const;

/** --max-units: units whose window and alarm state are kept at once (the idle-longest makes room). */
export function maxUnitsFlag(raw: string | undefined): number {
  const maxUnits = num(raw, '--max-units', DEFAULT_MAX_UNITS);
  if (!(Number.isInteger(maxUnits) && maxUnits >= 1)) throw new UsageError(`--max-units is a whole number of at least 1, got ${maxUnits}`);
  return maxUnits;
}

export interface ModelSource {
  file?: string;
  cosmos: boolean;
  pollMs: number;
}

/** Exactly one of --model FILE or --model-from cosmos; the poll interval in ms (--model-poll, 30 s). */
export function modelFlags(
  values: { model?: string; 'model-from'?: string; 'model-poll'?: string },
  command: string,
  usage: string,
): ModelSource {
  const pollSeconds = num(values['model-poll'], '--model-poll', 30);
  if (!values.model === !values['model-from'])
    throw new UsageError(`${command} needs exactly one of --model model.json or --model-from cosmos\nusage: ${usage}`);
  if (values['model-from'] !== undefined && values['model-from'] !== 'cosmos')
    throw new UsageError(`--model-from takes cosmos, got "${values['model-from']}"`);
  if (!(pollSeconds > 0)) throw new UsageError(`--model-poll is seconds between checks for a newer model, > 0; got ${pollSeconds}`);
  return { file: values.model, cosmos: values['model-from'] === 'cosmos', pollMs: pollSeconds * 1000 };
}

/** The champion (the newest published model unless another was promoted) and its container, for the watcher. */
export async function newestPublished(cosmos: {
  client: CosmosClient;
  settings: CosmosSettings;
}): Promise<{ latest: PublishedModel; models: Container }> {
  const { client, settings } = cosmos;
  const models = client.database(settings.database).container(settings.modelsContainer);
  const latest = await fetchChampion(models).catch((e) => {
    throw reachError(`Cosmos DB models container ${settings.database}/${settings.modelsContainer}`, e);
  });
  if (!latest)
    throw new UsageError(
      `no model is published in ${settings.database}/${settings.modelsContainer} yet: publish one with isoscope publish-model model.json, or from the workbench`,
    );
  return { latest, models };
}

/** The model to start with: the file, or the newest published (with its container, to follow newer ones). */
export async function firstModel(
  source: ModelSource,
  cosmos: { client: CosmosClient; settings: CosmosSettings } | undefined,
): Promise<{ model: ModelJson; version: string; registry?: { latest: PublishedModel; models: Container } }> {
  if (source.file) {
    const model = readModel(source.file);
    return { model, version: model.createdAt };
  }
  const registry = await newestPublished(cosmos!);
  return { model: registry.latest.model, version: registry.latest.id, registry };
}
