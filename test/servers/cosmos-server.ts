// @vercel/cosmosdb-server (the Cosmos DB REST API in Node) on a free loopback port, and
// a client set up for plain HTTP (no endpoint discovery, which would chase https).
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { CosmosClient } from '@azure/cosmos';

export interface LocalCosmos {
  endpoint: string;
  client: CosmosClient;
  server: Server;
  stop(): Promise<void>;
}

export async function startCosmos(): Promise<LocalCosmos> {
  const server = createHttpServer({ keepAlive: true });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The tests' own reads (every stored document, a page at a time, from a server in this process)
  // can outlast the SDK's 60 s per request on a loaded 2-core machine: they get 5 minutes.
  const client = new CosmosClient({
    endpoint,
    key: 'bG9jYWwtdGVzdC1rZXk=',
    connectionPolicy: { enableEndpointDiscovery: false, requestTimeout: 300_000 },
  });
  return {
    endpoint,
    client,
    server,
    stop: async () => {
      client.dispose();
      server.closeAllConnections?.();
      await new Promise((ok) => server.close(ok));
    },
  };
}
