// A unit's stored scores, read back from Cosmos DB for the unit chart: one partition
// (the unit), in time order.
import type { Container } from '@azure/cosmos';

export interface UnitHistory {
  unit: number;
  time: Float64Array;
  score: Float64Array;
  flag: Uint8Array;
  modelVersions: string[];
}

export async function queryUnitHistory(readings: Container, unit: number, timeField: string): Promise<UnitHistory> {
  const { resources } = await readings.items
    .query<{ t: number; s: number | null; a: boolean | null; v: string }>(
      {
        query: `SELECT c["${timeField.replace(/["\\]/g, '')}"] AS t, c.anomaly_score AS s, c.is_anomaly AS a, c.model_version AS v FROM c WHERE c.unit_number = @u ORDER BY c["${timeField.replace(/["\\]/g, '')}"] ASC`,
        parameters: [{ name: '@u', value: unit }],
      },
      { partitionKey: unit },
    )
    .fetchAll();
  return {
    unit,
    time: Float64Array.from(resources, (r) => Number(r.t)),
    // Stored anomaly_score is -score_samples; the charts plot score_samples.
    score: Float64Array.from(resources, (r) => (r.s === null ? NaN : -r.s)),
    flag: Uint8Array.from(resources, (r) => (r.a ? 1 : 0)),
    modelVersions: [...new Set(resources.map((r) => String(r.v)))],
  };
}
