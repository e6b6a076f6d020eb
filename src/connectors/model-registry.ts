// Published models in the Cosmos DB models container: one document per version, numbered
// 1, 2, 3… Creating (never upserting) "v<N>" makes concurrent publishers safe: the loser
// of a race gets 409 and takes the next number. Used by the CLI consumer and the workbench.
import type { Container } from '@azure/cosmos';
import type { ModelJson } from '../model/types.js';
import { validateModel } from '../model/validate.js';

export interface PublishedModel {
  id: string;
  version: number;
  created: string;
  model_id: string;
  model: ModelJson;
  metrics: Record<string, number>;
  /** Free text from the publisher, e.g. "retrained on fleet B". */
  note?: string;
}

export type PublishedSummary = Omit<PublishedModel, 'model'> & { features: number; kind: string };

export class RegistryError extends Error {
  override name = 'RegistryError';
}

const MAX_RACES = 20;

export async function latestVersion(container: Container): Promise<number> {
  const { resources } = await container.items.query<number>('SELECT TOP 1 VALUE c.version FROM c ORDER BY c.version DESC').fetchAll();
  return resources[0] ?? 0;
}

export async function publishModel(container: Container, model: ModelJson, note?: string): Promise<PublishedModel> {
  let version = (await latestVersion(container)) + 1;
  for (let race = 0; race < MAX_RACES; race++, version++) {
    const doc: PublishedModel = {
      id: `v${version}`,
      version,
      created: new Date().toISOString(),
      model_id: model.id,
      model,
      metrics: model.metrics,
      ...(note ? { note } : {}),
    };
    try {
      await container.items.create(doc);
      return doc;
    } catch (e) {
      if ((e as { code?: number }).code !== 409) throw e;
    }
  }
  throw new RegistryError(`could not publish: ${MAX_RACES} other publishers took the next version numbers first`);
}

/** Newest first, without the (large) forests. */
export async function listModels(container: Container, top = 50): Promise<PublishedSummary[]> {
  const { resources } = await container.items
    .query<PublishedModel>({
      query:
        'SELECT TOP @top c.id, c.version, c.created, c.model_id, c.metrics, c.note, c.model.features, c.model.forest.kind FROM c ORDER BY c.version DESC',
      parameters: [{ name: '@top', value: top }],
    })
    .fetchAll();
  return resources.map((r) => {
    const raw = r as unknown as PublishedModel & { features?: string[]; kind?: string };
    // Anyone with write access can put a document here: list what is there without trusting its shape.
    return {
      id: String(raw.id),
      version: Number(raw.version),
      created: String(raw.created ?? ''),
      model_id: String(raw.model_id ?? '?'),
      metrics: raw.metrics ?? {},
      ...(raw.note ? { note: String(raw.note) } : {}),
      features: Array.isArray(raw.features) ? raw.features.length : 0,
      kind: String(raw.kind ?? '?'),
    };
  });
}

/** A stored model, checked like a file the user opened: a bad document never reaches the engine. */
export async function fetchModel(container: Container, id: string): Promise<PublishedModel> {
  const { resource } = await container.item(id, id).read<PublishedModel>();
  if (!resource) throw new RegistryError(`no published model "${id}" in the models container`);
  return checked(resource);
}

export async function fetchLatest(container: Container): Promise<PublishedModel | undefined> {
  const { resources } = await container.items.query<PublishedModel>('SELECT TOP 1 * FROM c ORDER BY c.version DESC').fetchAll();
  return resources[0] ? checked(resources[0]) : undefined;
}

function checked(doc: PublishedModel): PublishedModel {
  try {
    return { ...doc, model: validateModel(doc.model).model };
  } catch (e) {
    throw new RegistryError(`published model ${doc.id} is not a valid isoscope model: ${(e as Error).message}`);
  }
}
