// A Cosmos DB client for a key or a resource token, the same for the page and the CLI.
import { CosmosClient } from '@azure/cosmos';
import { COSMOS_REQUEST_TIMEOUT_MS, cosmosEndpointDiscovery, type CosmosSettings } from './settings.js';

/** A resource token as Cosmos DB hands it out: `type=resource&ver=1.0&sig=…`. */
export const isResourceToken = (key: string): boolean => /^type=resource&/.test(key);

/**
 * A resource token (scoped, expiring) is sent as it is on every request: given as `key`, the SDK
 * signed requests with it as if it were an account key, which the service refuses (401). The
 * token's permission decides what it reaches: one container, so the others answer 403.
 */
export function cosmosClientFor(s: Pick<CosmosSettings, 'endpoint' | 'key'>): CosmosClient {
  const connectionPolicy = { enableEndpointDiscovery: cosmosEndpointDiscovery(s.endpoint), requestTimeout: COSMOS_REQUEST_TIMEOUT_MS };
  if (isResourceToken(s.key)) {
    const token = s.key;
    return new CosmosClient({ endpoint: s.endpoint, tokenProvider: () => Promise.resolve(token), connectionPolicy });
  }
  return new CosmosClient({ endpoint: s.endpoint, key: s.key, connectionPolicy });
}
