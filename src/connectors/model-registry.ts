// Published models in the Cosmos DB models container: one document per version, numbered
// 1, 2, 3… Creating (never upserting) "v<N>" makes concurrent publishers safe: the loser
// of a race gets 409 and takes the next number. Used by the CLI consumer and the workbench.
//
// Each version has a status: the champion scores (consume and serve follow it), a candidate
// newer than the champion is scored in shadow, a retired one is kept for the record.
// Documents from before statuses count as champions, so the newest of them is the champion.
import type { Container } from '@azure/cosmos';
import type { ModelJson } from '../model/types.js';
import { validateModel } from '../model/validate.js';

export type ModelStatus = 'candidate' | 'champion' | 'retired';

/** How a candidate fared in shadow against the champion, as a consumer or server last reported it. */
export interface ShadowFigures {
  champion_version: string;
  readings: number;
  /** Share of scored readings the candidate flagged, and the champion flagged. */
  flag_rate: number;
  champion_flag_rate: number;
  /** Share of readings with the unit in alarm right after, under the candidate and the champion. */
  alarm_rate: number;
  champion_alarm_rate: number;
  /** Share of readings both scored where candidate and champion flag alike. */
  agreement: number;
  service: string;
  updated: string;
}

export interface PublishedModel {
  id: string;
  /** Absent on documents published before statuses: see champion below. */
  status?: ModelStatus;
  shadow?: ShadowFigures;
  version: number;
  created: string;
  model_id: string;
  model: ModelJson;
  metrics: Record<string, number>;
  /** Free text from the publisher, e.g. "retrained on fleet B". */
  note?: string;
}

export type PublishedSummary = Omit<PublishedModel, 'model' | 'status'> & { status: ModelStatus; features: number; kind: string };

export class RegistryError extends Error {
  override name = 'RegistryError';
}

const MAX_RACES = 20;

/** The service's limit on one item (2 MB), less room for the system properties it adds. */
export const MAX_MODEL_DOCUMENT_BYTES = 2 * 1024 * 1024 - 4096;

const CHAMPION = "(NOT IS_DEFINED(c.status) OR c.status = 'champion')";

export async function latestVersion(container: Container): Promise<number> {
  const { resources } = await container.items.query<number>('SELECT TOP 1 VALUE c.version FROM c ORDER BY c.version DESC').fetchAll();
  return resources[0] ?? 0;
}

/** The champion's and the newest candidate's version numbers (0: none). */
export async function lifecycleVersions(container: Container): Promise<{ champion: number; candidate: number }> {
  return { champion: await topVersion(container, CHAMPION), candidate: await topVersion(container, "c.status = 'candidate'") };
}

/** The newest version number matching `where` (0: none). */
async function topVersion(container: Container, where: string): Promise<number> {
  const { resources } = await container.items
    .query<number>(`SELECT TOP 1 VALUE c.version FROM c WHERE ${where} ORDER BY c.version DESC`)
    .fetchAll();
  return resources[0] ?? 0;
}

/**
 * Publishes the next version: a champion (the previous one retired) unless status says
 * candidate.
 */
export async function publishModel(
  container: Container,
  model: ModelJson,
  note?: string,
  status: 'champion' | 'candidate' = 'champion',
): Promise<PublishedModel> {
  let version = (await latestVersion(container)) + 1;
  for (let race = 0; race < MAX_RACES; race++, version++) {
    const doc: PublishedModel = {
      id: `v${version}`,
      status,
      version,
      created: new Date().toISOString(),
      model_id: model.id,
      model,
      metrics: model.metrics,
      ...(note ? { note } : {}),
    };
    if (race === 0) checkSize(doc);
    try {
      await container.items.create(doc);
      if (status === 'champion') await retireChampionsBut(container, doc.id);
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
        'SELECT TOP @top c.id, c.status, c.version, c.created, c.model_id, c.metrics, c.note, c.shadow, c.model.features, c.model.forest.kind FROM c ORDER BY c.version DESC',
      parameters: [{ name: '@top', value: top }],
    })
    .fetchAll();
  let championSeen = false;
  return resources.map((r) => {
    const raw = r as unknown as PublishedModel & { features?: string[]; kind?: string };
    // Newest first: the first champion-or-unmarked document is the champion, older ones were replaced (an older
    // one still marked champion is left by two promotions at once; consume and serve follow the newer).
    const marked = raw.status === 'candidate' || raw.status === 'retired' ? raw.status : undefined;
    const status: ModelStatus = marked ?? (championSeen ? 'retired' : 'champion');
    if (status === 'champion') championSeen = true;
    // Anyone with write access can put a document here: list what is there without trusting its shape.
    return {
      id: String(raw.id),
      status,
      ...(raw.shadow && typeof raw.shadow === 'object' ? { shadow: raw.shadow } : {}),
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

/** The model consume and serve score with. */
export async function fetchChampion(container: Container): Promise<PublishedModel | undefined> {
  const { resources } = await container.items
    .query<PublishedModel>(`SELECT TOP 1 * FROM c WHERE ${CHAMPION} ORDER BY c.version DESC`)
    .fetchAll();
  return resources[0] ? checked(resources[0]) : undefined;
}

/** Makes vN the champion and retires the champion before it; returns the retired ids. */
export async function promote(container: Container, id: string): Promise<string[]> {
  const { resource } = await container.item(id, id).read<PublishedModel>();
  if (!resource) throw new RegistryError(`no published model "${id}" in the models container`);
  checked(resource);
  // Champion first, then the others retired: in between the newer champion wins, never none.
  await container.item(id, id).patch([{ op: 'set', path: '/status', value: 'champion' }]);
  return retireChampionsBut(container, id);
}

async function retireChampionsBut(container: Container, id: string): Promise<string[]> {
  const { resources } = await container.items
    .query<string>({ query: `SELECT VALUE c.id FROM c WHERE c.id != @id AND ${CHAMPION}`, parameters: [{ name: '@id', value: id }] })
    .fetchAll();
  for (const other of resources) await container.item(other, other).patch([{ op: 'set', path: '/status', value: 'retired' }]);
  // Two promotions at once each retire the other's champion: the one that finds none left takes it back,
  // so consume and serve always have a champion (with two, the newer is the one they follow).
  if ((await topVersion(container, CHAMPION)) === 0)
    await container.item(id, id).patch([{ op: 'set', path: '/status', value: 'champion' }]);
  return resources;
}

/** A model too big for one Cosmos DB item is refused here, by size, instead of as a 413 from the service. */
function checkSize(doc: PublishedModel): void {
  const bytes = new TextEncoder().encode(JSON.stringify(doc)).length;
  if (bytes <= MAX_MODEL_DOCUMENT_BYTES) return;
  const trees = doc.model.forest.trees.length;
  const fit = Math.floor((trees * MAX_MODEL_DOCUMENT_BYTES) / bytes);
  throw new RegistryError(
    `model ${doc.model_id} is ${(bytes / 1024 / 1024).toFixed(1)} MB as a registry document; Cosmos DB stores at most 2 MB in one item: train it with fewer trees (it has ${trees}; about ${fit} fit) or a smaller --max-samples`,
  );
}

/** Records a candidate's shadow figures on its document. */
export async function recordShadow(container: Container, id: string, figures: ShadowFigures): Promise<void> {
  await container.item(id, id).patch([{ op: 'set', path: '/shadow', value: figures }]);
}

function checked(doc: PublishedModel): PublishedModel {
  try {
    return { ...doc, model: validateModel(doc.model).model };
  } catch (e) {
    throw new RegistryError(`published model ${doc.id} is not a valid isoscope model: ${(e as Error).message}`);
  }
}
