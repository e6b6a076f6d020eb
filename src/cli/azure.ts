// Shared by the pipeline commands: a Cosmos DB client from settings, and SDK failures
// turned into one line without secrets.
import type { CosmosClient } from '@azure/cosmos';
import { cosmosSettings, failureLine, type CosmosSettings } from '../connectors/settings.js';
import { cosmosClientFor } from '../connectors/cosmos-client.js';
import { isUserError, ServiceError } from './errors.js';

export function cosmosClient(env: NodeJS.ProcessEnv): { client: CosmosClient; settings: CosmosSettings } {
  const settings = cosmosSettings(env);
  return { client: cosmosClientFor(settings), settings };
}

export function reachError(what: string, e: unknown): Error {
  // An error already in the user's words (a registry rule, a container's partition key, stored data) did reach the service.
  if (isUserError(e)) return e;
  return new ServiceError(failureLine(what, e));
}
