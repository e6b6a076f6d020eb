// The page's live link and the headless consumer share one scoring path for hub batches:
// the same events give the same documents, field for field, and each document's alarm is
// its unit's state right after that reading (as `isoscope score` computes it for the file).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { EventHubProducerClient, type Checkpoint, type CheckpointStore, type PartitionOwnership } from '@azure/event-hubs';
import { EventHubServer, HubStore } from './servers/event-hub-server.js';
import { getEngine, loadFd001, shippedModel, until } from './helpers.js';
import { publishDataset } from '../src/connectors/publisher.js';
import { Consumer } from '../src/connectors/consumer.js';
import type { CosmosSink } from '../src/connectors/cosmos-sink.js';
import { HubLink } from '../src/connectors/hub-link.js';
import { Metrics } from '../src/connectors/metrics.js';
import { hubSettings } from '../src/connectors/hub-connection.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { alarmRule } from '../src/model/alarm-rule.js';
import { alarmTrace } from '../src/alarms/alarm-trace.js';
import { flagAnomalies } from '../src/alarms/threshold.js';
import { LiveScorer } from '../src/stream/live-scorer.js';
import type { ScoredDocument } from '../src/stream/reading-codec.js';
import { earliestEventPosition } from '@azure/event-hubs';

/** The live link's checkpoints live in IndexedDB in the page; here, in memory (outside what is tested). */
class MemoryCheckpoints implements CheckpointStore {
  private owners = new Map<string, PartitionOwnership>();
  private checkpoints = new Map<string, Checkpoint>();
  listOwnership(): Promise<PartitionOwnership[]> {
    return Promise.resolve([...this.owners.values()]);
  }
  claimOwnership(list: PartitionOwnership[]): Promise<PartitionOwnership[]> {
    const claimed = list.map((o) => ({ ...o, etag: String(Math.random()), lastModifiedTimeInMs: Date.now() }));
    claimed.forEach((o) => this.owners.set(o.partitionId, o));
    return Promise.resolve(claimed);
  }
  updateCheckpoint(c: Checkpoint): Promise<void> {
    this.checkpoints.set(c.partitionId, c);
    return Promise.resolve();
  }
  listCheckpoints(): Promise<Checkpoint[]> {
    return Promise.resolve([...this.checkpoints.values()]);
  }
}

let hub: EventHubServer;
beforeAll(async () => {
  hub = new EventHubServer({ hub: 'paths', store: new HubStore(4) });
  await hub.start();
});
afterAll(async () => hub?.stop());

test('live link and consumer store identical documents with per-reading alarms', async () => {
  const ds = loadFd001('test_FD001.txt');
  const model = await shippedModel();
  const engine = await getEngine();
  const env = { EVENTHUB_CONNECTION_STRING: hub.connectionString() };
  const producer = new EventHubProducerClient(env.EVENTHUB_CONNECTION_STRING, 'paths');
  expect(await publishDataset(producer, ds, { rate: 0 })).toBe(ds.rows);
  await producer.close();

  const fromConsumer: ScoredDocument[] = [];
  const sink = {
    retries: 0,
    written: 0,
    write: (docs: ScoredDocument[]) => Promise.resolve(void fromConsumer.push(...docs)),
  } as unknown as CosmosSink;
  const consumer = new Consumer({
    hub: hubSettings(env, { hub: 'paths' }),
    engine,
    model,
    modelVersion: 'v1',
    metrics: new Metrics(),
    sink,
  });
  consumer.start();

  const fromLink: ScoredDocument[] = [];
  const loaded = new LoadedModel(engine, model);
  const link = new HubLink({
    hub: hubSettings(env, { hub: 'paths' }),
    startPosition: earliestEventPosition,
    checkpointStore: new MemoryCheckpoints(),
    scorer: new LiveScorer(loaded, model.threshold.offset, alarmRule(model)),
    model: { id: model.id, version: 'v1' },
    keys: { unitField: 'unit_number', timeField: 'time_in_cycles' },
    persist: { enabled: () => true, add: (docs) => Promise.resolve(void fromLink.push(...docs)) },
    onUpdate: () => undefined,
  });
  await link.start();
  await until(() => fromConsumer.length >= ds.rows && fromLink.length >= ds.rows, 120_000, 'both paths to see every reading');
  await consumer.stop();
  await link.stop();
  loaded.dispose();

  expect(fromConsumer).toHaveLength(ds.rows);
  expect(fromLink).toHaveLength(ds.rows);
  const strip = ({ scored_at: _, ...rest }: ScoredDocument) => rest;
  const linkById = new Map(fromLink.map((d) => [d.id, strip(d)]));
  for (const d of fromConsumer) expect(linkById.get(d.id)).toEqual(strip(d));

  // Each stored alarm is the unit's state right after its own reading: what `isoscope score` writes.
  const batch = new LoadedModel(engine, model);
  const scores = batch.scoreDataset(ds).scores;
  batch.dispose();
  const trace = alarmTrace(ds, flagAnomalies(scores, model.threshold.offset), alarmRule(model), scores);
  const unit = ds.columns.find((c) => c.name === 'unit_number')!.values;
  const time = ds.columns.find((c) => c.name === 'time_in_cycles')!.values;
  let alarmed = 0;
  for (let row = 0; row < ds.rows; row++) {
    const doc = linkById.get(`${unit[row]}-${time[row]}`)!;
    expect(doc.anomaly_score).toBe(-scores[row]);
    expect(doc.alarm).toBe(trace.state[row] === 1);
    alarmed += trace.state[row];
  }
  expect(alarmed).toBeGreaterThan(100); // the comparison covers alarm periods, not only quiet ones
}, 180_000);
