// What the page shows about a live Event Hubs connection.
import type { DataAlert, DataFlag } from './data-watch.js';

/** Data-quality alert edges kept for the page. */
export const RECENT_DATA_ALERTS = 20;

export interface PartitionStatus {
  id: string;
  state: 'connecting' | 'connected' | 'closed' | 'error';
  /** Sequence number of the last event scored. */
  lastSequence?: number;
  /** Events on the partition not yet scored, when the hub reports its tail. */
  lag?: number;
  received: number;
  error?: string;
}

export interface LinkStatus {
  state: 'connecting' | 'live' | 'reconnecting' | 'stopped' | 'failed';
  /** Why it is reconnecting or failed; never contains a secret. */
  message?: string;
  partitions: PartitionStatus[];
  /** Per input column: readings where it was missing or not a number (those readings are not scored). */
  missing?: Record<string, number>;
  /**
   * The rolling data check against the model's training envelope: the alerts in force, and the
   * latest edges (newest first), each with the count of readings scored by the end of its batch.
   * A unit's own alert names the unit; past RECENT_DATA_ALERTS alerts in force, moreActive counts the rest.
   */
  quality?: { active: DataFlag[]; recent: Array<DataAlert & { reading: number }>; moreActive?: number };
  /** Readings that could not be keyed (no unit or time, not a JSON object): not scored, not stored; the first reason. */
  unkeyed?: { count: number; reason: string };
  /** Readings delivered again after their unit was scored at their time: not scored or stored twice. */
  repeated?: number;
  /** Readings scored but not yet in Cosmos DB (the persist outbox). */
  outbox?: {
    pending: number;
    written: number;
    /** Documents stored per second lately (0 when none were). */
    perSecond?: number;
    state: 'off' | 'writing' | 'idle' | 'waiting' | 'failed';
    message?: string;
  };
}
