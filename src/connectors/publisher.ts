// Publishes a dataset to Event Hubs as a time-ordered stream: readings in stream order,
// grouped per unit into batches with partition key = unit id (shortened past 128 characters,
// see partitionKeyOf), so a unit's readings stay in order on one partition. At a chosen rate, or as fast as the hub takes them.
import type { EventHubProducerClient } from '@azure/event-hubs';
import type { Dataset } from '../data/dataset.js';
import { streamOrder } from '../data/order.js';
import { readingOf, unitOf } from '../stream/reading-codec.js';

export interface PublishOptions {
  /** Readings per second; 0 = as fast as possible. */
  rate: number;
  /** Start at this reading of the stream (default 0). */
  from?: number;
  /** Stop before this reading of the stream (default: all). */
  limit?: number;
  signal?: AbortSignal;
  onProgress?: (sent: number, total: number) => void;
}

const TICK_MS = 100;

/**
 * Service Bus caps a partition key at 128 characters and Event Hubs is documented no further; a
 * unit id may have 200 (a CSV cell, more). A longer id is sent as its first 50 characters and a
 * hash of the whole: the key only picks the partition, so each unit still keeps one.
 */
const MAX_PARTITION_KEY = 128;

export function partitionKeyOf(unit: string): string {
  if (unit.length <= MAX_PARTITION_KEY) return unit;
  let h = 0x811c9dc5; // FNV-1a over the UTF-16 units
  for (let i = 0; i < unit.length; i++) h = Math.imul(h ^ unit.charCodeAt(i), 0x01000193) >>> 0;
  return `${[...unit].slice(0, 50).join('')}~${h.toString(16).padStart(8, '0')}`;
}

export async function publishDataset(producer: EventHubProducerClient, ds: Dataset, opts: PublishOptions): Promise<number> {
  const order = streamOrder(ds);
  const total = Math.min(order.length, opts.limit ?? order.length);
  const first = Math.min(total, opts.from ?? 0);
  const started = Date.now();
  let sent = first;
  while (sent < total) {
    if (opts.signal?.aborted) break;
    const due =
      opts.rate > 0 ? Math.min(total, first + Math.floor(((Date.now() - started) / 1000) * opts.rate) + 1) : Math.min(total, sent + 5000);
    if (due <= sent) {
      await new Promise((ok) => setTimeout(ok, TICK_MS));
      continue;
    }
    // Group what is due by unit, keeping each unit's readings in order.
    const byUnit = new Map<string, number[]>();
    for (let i = sent; i < due; i++) {
      const row = order[i];
      const key = unitOf(ds, row);
      let rows = byUnit.get(key);
      if (!rows) byUnit.set(key, (rows = []));
      rows.push(row);
    }
    for (const [unit, rows] of byUnit) {
      const key = partitionKeyOf(unit);
      let batch = await producer.createBatch({ partitionKey: key });
      for (const row of rows) {
        if (!batch.tryAdd({ body: readingOf(ds, row) })) {
          await producer.sendBatch(batch);
          batch = await producer.createBatch({ partitionKey: key });
          if (!batch.tryAdd({ body: readingOf(ds, row) })) throw new Error(`reading at row ${row} is larger than an event may be`);
        }
      }
      if (batch.count) await producer.sendBatch(batch);
    }
    sent = due;
    opts.onProgress?.(sent, total);
  }
  return sent - first;
}
