// Scores arriving readings in batches (row-major blocks, as a stream delivers them),
// applies the k-of-n debounce per unit, and keeps live statistics: events per second,
// batch latency percentiles, recent anomaly rate.
import type { LoadedModel } from '../model/loaded-model.js';
import { KofN, type DebounceSettings } from '../alarms/k-of-n.js';
import { isFlagged } from '../alarms/threshold.js';
import { DEFAULT_MAX_UNITS, UnitTable, unitCap, type UnitKey } from './unit-table.js';
import { snapshotUnits, restoreUnits, type UnitsSnapshot } from './unit-state.js';
import { DataWatch, type DataAlert, type DataFlag } from './data-watch.js';
import { markRepeats, RecentTimes } from './recent-times.js';

export interface Alert {
  seq: number;
  /** The unit as a number (NaN for a text id: see unitId). */
  unit: number;
  unitId?: UnitKey;
  time: number;
  score: number;
  kind: 'raised' | 'cleared';
}

/** Where a batch came from and where its alarm (and, when asked for, data-quality) edges go. */
export interface ScoreContext {
  firstSeq: number;
  arrivedAt: number;
  alerts: Alert[];
  partition?: string;
  dataAlerts?: DataAlert[];
}

export interface LiveStats {
  processed: number;
  eventsPerSec: number;
  latencyP50: number;
  latencyP99: number;
  anomalyRate: number;
  unscorable: number;
}

const LATENCY_RING = 512;
const RATE_WINDOW_MS = 1000;

export class LiveScorer {
  offset: number;
  readonly debounce: KofN;
  private processed = 0;
  private unscorable = 0;
  private readonly latencies = new Float64Array(LATENCY_RING);
  private latencyCount = 0;
  private readonly recentFlags = new Uint8Array(1000);
  private recentAt = 0;
  private recentFilled = 0;
  private readonly rateSamples: { t: number; n: number }[] = [];
  private model: LoadedModel;
  private units: UnitTable;
  private readonly maxUnits: number;
  /** Units evicted under earlier models (the table starts over with each model). */
  private evictedBefore = 0;
  /** The rolling data check against the model's training envelope (none when the model records no envelope). */
  private watch?: DataWatch;
  /** Per slot, the time of its unit's latest reading (NaN: none yet, or no time). */
  private lastTimes = new Float64Array(0);
  /** Per slot, the times its unit was scored at: a reading delivered twice is told from a new one. */
  private readonly recent = new RecentTimes();

  /** maxUnits: units tracked at once (lowered to fit the window state budget); the idle-longest makes room. */
  constructor(model: LoadedModel, offset: number, debounce: DebounceSettings, maxUnits = DEFAULT_MAX_UNITS) {
    this.model = model;
    this.offset = offset;
    this.debounce = new KofN(debounce);
    this.maxUnits = maxUnits;
    this.watch = this.watchFor(model);
    this.units = new UnitTable(unitCap(maxUnits, model.streamUnitBytes + (this.watch?.unitBytes ?? 0)));
  }

  /** The model's data check, naming units by their ids. */
  private watchFor(model: LoadedModel): DataWatch | undefined {
    return DataWatch.for(model.model, model.streamInputs, (slot) => this.units.keyOf(slot));
  }

  /** Units tracked at most, units tracked now, and units forgotten to make room. */
  /** `asked` is --max-units; `cap` may be lower, so that the units' window state fits its budget. */
  get unitCounts(): { cap: number; asked: number; tracked: number; evicted: number } {
    return { cap: this.units.cap, asked: this.maxUnits, tracked: this.units.size, evicted: this.evictedBefore + this.units.evicted };
  }

  /** A partition's units' window, alarm and data-check state, and the fleet's check, copied out: saved with that partition's position. */
  snapshot(partition: string): UnitsSnapshot {
    return snapshotUnits(this.model, this.debounce, this.units, partition, this.watch);
  }

  /**
   * A partition restarts at a saved position: its units' state becomes the snapshot saved with
   * it (none: the units start fresh). False when the snapshot is another model's (then fresh too).
   */
  restore(partition: string, snap: UnitsSnapshot | undefined): boolean {
    return restoreUnits(this.model, this.debounce, this.units, partition, snap, this.evict, this.watch);
  }

  /**
   * The first reading whose time is not after its unit's previous one (earlier in `times`, or
   * already scored), with that previous time; undefined when all are in order. Changes nothing.
   */
  firstOutOfOrder(units: ArrayLike<UnitKey>, times: Float64Array): { index: number; previous: number } | undefined {
    const seen = new Map<UnitKey, number>();
    for (let i = 0; i < units.length; i++) {
      const t = times[i];
      if (!Number.isFinite(t)) continue;
      const slot = this.units.find(units[i]);
      const previous = seen.get(units[i]) ?? (slot >= 0 && slot < this.lastTimes.length ? this.lastTimes[slot] : NaN);
      if (t <= previous) return { index: i, previous };
      seen.set(units[i], t);
    }
    return undefined;
  }

  /** Per reading, 1 when its unit was already scored at its time (see RecentTimes); undefined when none is. Changes nothing. */
  repeats(units: ArrayLike<UnitKey>, times: Float64Array): Uint8Array | undefined {
    return markRepeats(units, times, (u) => this.units.find(u), this.recent);
  }

  private growTimes(size: number): void {
    const next = new Float64Array(Math.max(size, this.lastTimes.length * 2)).fill(NaN);
    next.set(this.lastTimes);
    this.lastTimes = next;
  }

  /** Forgets a unit's window, alarm, order and data-check state: its next reading starts it afresh. False when it is not tracked. */
  forgetUnit(key: UnitKey): boolean {
    const slot = this.units.find(key);
    if (slot < 0) return false;
    this.evict(slot);
    this.units.release(slot);
    return true;
  }

  private readonly evict = (slot: number): void => {
    if (slot < this.lastTimes.length) this.lastTimes[slot] = NaN;
    this.recent.forget(slot);
    this.model.forgetStreamUnit(slot);
    this.debounce.forgetUnit(slot);
    this.watch?.forget(slot);
  };

  /** The raw inputs a reading must carry, in block order. */
  get inputs(): string[] {
    return this.model.streamInputs;
  }

  /**
   * block: rows × stride raw values, the model's stream inputs first; units: each reading's unit id.
   * Returns scores (NaN when a feature is missing), flags and each reading's alarm state right after
   * it, and appends alarm edges to `alerts`. `partition` is where the readings came from (checkpoints).
   * With `dataAlerts`, the readings also go through the rolling data check: its alert edges are
   * appended there, and `quality` holds, per reading, the raised alerts that reading shows.
   */
  score(
    block: Float64Array,
    stride: number,
    units: ArrayLike<UnitKey>,
    times: Float64Array,
    at: ScoreContext,
  ): { scores: Float64Array; flags: Uint8Array; alarms: Uint8Array; quality?: (DataFlag[] | undefined)[] } {
    const n = units.length;
    const scores = new Float64Array(n);
    const flags = new Uint8Array(n);
    const alarms = new Uint8Array(n);
    const slots = new Float64Array(n);
    let unscorable = 0;
    let quality: (DataFlag[] | undefined)[] | undefined;
    const watch = at.dataAlerts && this.watch;
    // In passes: a pass ends where a new unit would need a slot the pass itself uses.
    for (let start = 0; start < n;) {
      this.units.nextPass();
      let end = start;
      for (; end < n; end++) {
        const s = this.units.slot(units[end], at.partition, this.evict);
        if (s < 0) break;
        slots[end] = s;
        if (s >= this.lastTimes.length) this.growTimes(s + 1);
        if (Number.isFinite(times[end])) this.lastTimes[s] = times[end];
        this.recent.add(s, times[end]);
      }
      const part = this.model.scoreStream(block.subarray(start * stride, end * stride), stride, slots.subarray(start, end), end - start);
      scores.set(part.scores, start);
      unscorable += part.unscorable;
      for (let i = start; i < end; i++) {
        this.debounceOne(i, scores[i], slots[i], units[i], times[i], at, flags, alarms);
        if (!watch) continue;
        const shown = watch.push(block, i * stride, slots[i], at.dataAlerts!);
        if (shown) (quality ??= new Array<DataFlag[] | undefined>(n))[i] = shown;
      }
      start = end;
    }
    const now = performance.now();
    this.latencies[this.latencyCount++ % LATENCY_RING] = now - at.arrivedAt;
    this.processed += n;
    this.unscorable += unscorable;
    this.rateSamples.push({ t: now, n });
    while (this.rateSamples.length && now - this.rateSamples[0].t > RATE_WINDOW_MS) this.rateSamples.shift();
    return quality ? { scores, flags, alarms, quality } : { scores, flags, alarms };
  }

  /** Data-quality alerts raised now, the fleet's then each unit's (none without a check). */
  get dataAlertsRaised(): DataFlag[] {
    return this.watch?.raised ?? [];
  }

  private debounceOne(
    i: number,
    s: number,
    slot: number,
    unit: UnitKey,
    time: number,
    at: { firstSeq: number; alerts: Alert[] },
    flags: Uint8Array,
    alarms: Uint8Array,
  ): void {
    const f = isFlagged(s, this.offset);
    flags[i] = f;
    this.recentFlags[this.recentAt] = f;
    this.recentAt = (this.recentAt + 1) % this.recentFlags.length;
    this.recentFilled = Math.min(this.recentFilled + 1, this.recentFlags.length);
    if (!Number.isNaN(s)) {
      // A missing value neither raises nor clears an alarm.
      const edge = this.debounce.push(slot, f);
      if (edge !== 0)
        at.alerts.push({
          seq: at.firstSeq + i,
          unit: typeof unit === 'number' ? unit : NaN,
          ...(typeof unit === 'string' ? { unitId: unit } : {}),
          time,
          score: s,
          kind: edge === 1 ? 'raised' : 'cleared',
        });
    }
    alarms[i] = this.debounce.inAlarm(slot) ? 1 : 0;
  }

  /** A newer model scores what follows; window and alarm state start fresh. */
  setModel(model: LoadedModel): void {
    this.model = model;
    this.evictedBefore += this.units.evicted;
    this.watch = this.watchFor(model);
    this.units = new UnitTable(unitCap(this.maxUnits, model.streamUnitBytes + (this.watch?.unitBytes ?? 0)));
    this.lastTimes = new Float64Array(0);
    this.reset();
  }

  /** Starts over: no unit's window or alarm state survives. */
  reset(): void {
    this.model.resetStream();
    this.debounce.reset();
    this.units.reset();
    this.watch?.reset();
    this.recent.clear();
  }

  /** Zeroes the counts (processed, rate, latency, recent anomaly rate): a replay starting over counts from 0. */
  resetCounts(): void {
    this.processed = 0;
    this.unscorable = 0;
    this.latencyCount = 0;
    this.recentAt = 0;
    this.recentFilled = 0;
    this.rateSamples.length = 0;
  }

  stats(): LiveStats {
    const k = Math.min(this.latencyCount, LATENCY_RING);
    const sorted = this.latencies.slice(0, k).sort();
    const pick = (q: number) => (k ? sorted[Math.min(k - 1, Math.floor(q * k))] : NaN);
    // Readings after the first sample, over the time since it: a rate over the last second, up to now,
    // so it falls to 0 when nothing arrives (samples are otherwise dropped only when new ones come).
    const now = performance.now();
    const recent = this.rateSamples.filter((s) => now - s.t <= RATE_WINDOW_MS);
    const span = recent.length > 1 ? now - recent[0].t : 0;
    const events = recent.reduce((a, s) => a + s.n, 0) - (recent[0]?.n ?? 0);
    let anomalies = 0;
    for (let i = 0; i < this.recentFilled; i++) anomalies += this.recentFlags[i];
    return {
      processed: this.processed,
      eventsPerSec: span > 0 ? (events * 1000) / span : 0,
      latencyP50: pick(0.5),
      latencyP99: pick(0.99),
      anomalyRate: this.recentFilled ? anomalies / this.recentFilled : 0,
      unscorable: this.unscorable,
    };
  }
}
