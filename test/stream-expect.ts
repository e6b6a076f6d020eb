// What an uninterrupted run stores for a dataset: `isoscope score`'s scores, flags and the
// unit's alarm state after each reading. Fault tests compare every stored document with it.
import type { Container } from '@azure/cosmos';
import type { Dataset } from '../src/data/dataset.js';
import type { ModelJson } from '../src/model/types.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { alarmRule } from '../src/model/alarm-rule.js';
import { alarmTrace } from '../src/alarms/alarm-trace.js';
import { flagAnomalies } from '../src/alarms/threshold.js';
import type { WasmEngine } from '../src/engine/wasm-engine.js';

export interface Expected {
  /** Document id → the outcome `isoscope score` gives that reading. */
  byId: Map<string, { anomaly_score: number | null; is_anomaly: boolean | null; alarm: boolean }>;
  alarmed: number;
}

export function expectedDocuments(engine: WasmEngine, model: ModelJson, ds: Dataset, unitField: string, timeField: string): Expected {
  const loaded = new LoadedModel(engine, model);
  const { scores } = loaded.scoreDataset(ds);
  loaded.dispose();
  const flags = flagAnomalies(scores, model.threshold.offset);
  const trace = alarmTrace(ds, flags, alarmRule(model), scores);
  const unitCol = ds.columns.find((c) => c.name === unitField)!;
  const time = ds.columns.find((c) => c.name === timeField)!.values;
  const byId: Expected['byId'] = new Map();
  let alarmed = 0;
  for (let row = 0; row < ds.rows; row++) {
    const u = unitCol.labels ? unitCol.labels[unitCol.values[row] - 1] : unitCol.values[row];
    const scored = !Number.isNaN(scores[row]);
    byId.set(`${u}-${time[row]}`, {
      anomaly_score: scored ? -scores[row] : null,
      is_anomaly: scored ? flags[row] === 1 : null,
      alarm: trace.state[row] === 1,
    });
    alarmed += trace.state[row];
  }
  return { byId, alarmed };
}

export type StoredDoc = { id: string; anomaly_score: number | null; is_anomaly: boolean | null; alarm: boolean; unit_number: unknown };

export async function storedDocuments(container: Container): Promise<StoredDoc[]> {
  return (await container.items.query<StoredDoc>('SELECT * FROM c').fetchAll()).resources;
}

/** Documents whose score, flag or alarm differ from the uninterrupted run's, and ids it does not know. */
export function differing(docs: StoredDoc[], expected: Expected): { differ: number; unknown: number; first?: string } {
  let differ = 0;
  let unknown = 0;
  let first: string | undefined;
  for (const d of docs) {
    const e = expected.byId.get(d.id);
    if (!e) {
      unknown++;
      continue;
    }
    if (d.anomaly_score !== e.anomaly_score || d.is_anomaly !== e.is_anomaly || d.alarm !== e.alarm) {
      differ++;
      first ??= `${d.id}: stored ${JSON.stringify([d.anomaly_score, d.is_anomaly, d.alarm])}, expected ${JSON.stringify(e)}`;
    }
  }
  return { differ, unknown, first };
}
