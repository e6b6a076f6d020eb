// Shared by the pipeline commands: a Cosmos DB client from settings, and SDK failures
// turned into one line without secrets.
import { CosmosClient } from '@azure/cosmos';
import {
  COSMOS_REQUEST_TIMEOUT_MS,
  cosmosEndpointDiscovery,
  cosmosSettings,
  failureLine,
  type CosmosSettings,
} from '../connectors/settings.js';
import { isUserError, ServiceError } from './errors.js';

export function cosmosClient(env: NodeJS.ProcessEnv): { client: CosmosClient; settings: CosmosSettings } {
  const settings = cosmosSettings(env);
  const client = new CosmosClient({
    endpoint: settings.endpoint,
    key: settings.key,
    connectionPolicy: { enableEndpointDiscovery: cosmosEndpointDiscovery(settings.endpoint), requestTimeout: COSMOS_REQUEST_TIMEOUT_MS },
  });
  return { client, settings };
}

export function reachError(what: string, e: unknown): Error {
  // An error already in the user's words (a registry rule, a container's partition key, stored data) did reach the service.
  if (isUserError(e)) return e;
  return new ServiceError(failureLine(what, e));
}
