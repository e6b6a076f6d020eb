// Creates the database and containers isoscope writes to (idempotent): scored readings
// partitioned by unit with a (unit, time) composite index for per-unit history, and
// published models, and the dead letters (readings that could not be keyed).
import type { ContainerDefinition, CosmosClient } from '@azure/cosmos';
import type { CosmosSettings } from './settings.js';

/** The partition key paths isoscope's documents carry: readings by unit, models and dead letters by id. */
export const READINGS_KEY = '/unit_number';
export const ID_KEY = '/id';

/** A container that exists with another partition key: every write would be refused (400), so nothing starts. */
export class ContainerKeyError extends Error {
  override name = 'ServiceError';
}

/**
 * Refuses a container made elsewhere with another partition key: createIfNotExists keeps it as it is, and the
 * service refuses each document whose key does not match (the local test server takes them).
 */
export function checkPartitionKey(resource: Pick<ContainerDefinition, 'partitionKey'> | undefined, key: string, where: string): void {
  const paths = resource?.partitionKey?.paths;
  if (!paths || (paths.length === 1 && paths[0] === key)) return;
  throw new ContainerKeyError(
    `Cosmos DB container ${where} is partitioned by ${paths.join(', ')}, but isoscope's documents are keyed by ${key}: delete it and run isoscope cosmos-setup, or name another container`,
  );
}

/** Version 2 hashes the whole key (version 1 only its first 101 bytes; unit ids may be longer). */
const byKey = (path: string) => ({ paths: [path], version: 2 });

/** Where readings that cannot be keyed go, unless --dead-letter-container names another. */
export const DEAD_LETTER_CONTAINER = 'deadletters';

export async function setupCosmos(client: CosmosClient, s: CosmosSettings, deadLetterContainer = DEAD_LETTER_CONTAINER): Promise<string[]> {
  const done: string[] = [];
  const { database } = await client.databases.createIfNotExists({ id: s.database });
  done.push(`database ${s.database}`);
  const readings = await database.containers.createIfNotExists({
    id: s.container,
    partitionKey: byKey(READINGS_KEY),
    indexingPolicy: {
      compositeIndexes: [
        [
          { path: '/unit_number', order: 'ascending' },
          { path: '/time_in_cycles', order: 'ascending' },
        ],
      ],
    },
  });
  checkPartitionKey(readings.resource, READINGS_KEY, `${s.database}/${s.container}`);
  done.push(`container ${s.container} (partition key /unit_number, composite index unit_number ASC, time_in_cycles ASC)`);
  const models = await database.containers.createIfNotExists({ id: s.modelsContainer, partitionKey: byKey(ID_KEY) });
  checkPartitionKey(models.resource, ID_KEY, `${s.database}/${s.modelsContainer}`);
  done.push(`container ${s.modelsContainer} (partition key /id)`);
  const dead = await database.containers.createIfNotExists({ id: deadLetterContainer, partitionKey: byKey(ID_KEY) });
  checkPartitionKey(dead.resource, ID_KEY, `${s.database}/${deadLetterContainer}`);
  done.push(`container ${deadLetterContainer} (readings that could not be keyed; partition key /id)`);
  return done;
}
