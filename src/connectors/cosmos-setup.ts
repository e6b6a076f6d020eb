// Creates the database and containers isoscope writes to (idempotent): scored readings
// partitioned by unit with a (unit, time) composite index for per-unit history, and
// published models, and the dead letters (readings that could not be keyed).
import type { CosmosClient } from '@azure/cosmos';
import type { CosmosSettings } from './settings.js';

/** Where readings that cannot be keyed go, unless --dead-letter-container names another. */
export const DEAD_LETTER_CONTAINER = 'deadletters';

export async function setupCosmos(client: CosmosClient, s: CosmosSettings, deadLetterContainer = DEAD_LETTER_CONTAINER): Promise<string[]> {
  const done: string[] = [];
  const { database } = await client.databases.createIfNotExists({ id: s.database });
  done.push(`database ${s.database}`);
  await database.containers.createIfNotExists({
    id: s.container,
    partitionKey: { paths: ['/unit_number'] },
    indexingPolicy: {
      compositeIndexes: [
        [
          { path: '/unit_number', order: 'ascending' },
          { path: '/time_in_cycles', order: 'ascending' },
        ],
      ],
    },
  });
  done.push(`container ${s.container} (partition key /unit_number, composite index unit_number ASC, time_in_cycles ASC)`);
  await database.containers.createIfNotExists({ id: s.modelsContainer, partitionKey: { paths: ['/id'] } });
  done.push(`container ${s.modelsContainer} (partition key /id)`);
  await database.containers.createIfNotExists({ id: deadLetterContainer, partitionKey: { paths: ['/id'] } });
  done.push(`container ${deadLetterContainer} (readings that could not be keyed; partition key /id)`);
  return done;
}
