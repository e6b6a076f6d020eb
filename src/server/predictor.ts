// The model behind /predict. Readings go through the hub-batch path of the consumer
// (bodiesOf → scoreBatch → predictionsOf, the outcome documentsOf stores) with one LiveScorer that keeps each unit's recipe
// window and alarm state between requests, so a unit's readings posted in time order get
// exactly what consume stores and `isoscope score` prints for them.
import type { WasmEngine } from '../engine/wasm-engine.js';
import { LoadedModel } from '../model/loaded-model.js';
import { alarmRule } from '../model/alarm-rule.js';
import type { ModelJson } from '../model/types.js';
import { LiveScorer, type Alert } from '../stream/live-scorer.js';
import { DEFAULT_MAX_UNITS } from '../stream/unit-table.js';
import { predictionsOf, scoreKeyed, type Prediction, type StreamKeys } from '../stream/hub-batch.js';
import { SINGLE_UNIT, decodeReadings, keyReadings, unitKeyOf } from '../stream/reading-codec.js';
import { dataAlertLine, type DataAlert } from '../stream/data-watch.js';
import type { Metrics, ModelTag } from '../connectors/metrics.js';
import type { ShadowSlot } from '../connectors/shadow-slot.js';

export interface ModelInfo {
  model_id: string;
  model_version: string;
  created_at: string;
  kind: string;
  /** Fields a reading must carry (numbers), in the model's order. */
  inputs: string[];
  features: string[];
  unit_field: string | null;
  time_field: string;
  threshold: { offset: number; contamination: 'auto' | number; anomaly_score_above: number };
  alarm: { k: number; n: number; clear: number };
}

export class Predictor {
  private loaded: LoadedModel;
  private scorer: LiveScorer;
  private model: ModelJson;
  private version: string;
  private readonly engine: WasmEngine;
  private readonly keys: StreamKeys;
  private readonly metrics: Metrics;
  private readonly shadow?: Pick<ShadowSlot, 'score'>;
  /** Where data-quality alert edges are told (a line each). */
  log?: (line: string) => void;
  /** False (`serve --any-order`): readings are scored as they arrive, even when a unit's time goes back. */
  strictOrder = true;
  private readonly maxUnits: number;
  /** Units forgotten to make room under earlier models (each model starts a fresh table). */
  private evictedBefore = 0;
  private toldEviction = false;

  /** With a shadow slot, each result also carries the candidate's outcome as `shadow`. */
  constructor(
    engine: WasmEngine,
    model: ModelJson,
    version: string,
    keys: StreamKeys,
    metrics: Metrics,
    shadow?: Pick<ShadowSlot, 'score'>,
    maxUnits = DEFAULT_MAX_UNITS,
  ) {
    this.maxUnits = maxUnits;
    this.engine = engine;
    this.shadow = shadow;
    this.keys = keys;
    this.metrics = metrics;
    this.model = model;
    this.version = version;
    this.loaded = new LoadedModel(engine, model);
    this.scorer = new LiveScorer(this.loaded, model.threshold.offset, alarmRule(model), maxUnits);
  }

  get tag(): ModelTag {
    return { id: this.model.id, version: this.version };
  }

  /** Scores readings in order; each unit's state carries over to its next readings. */
  predict(readings: readonly unknown[]): Prediction[] {
    if (!readings.length) return [];
    // Every reading keyed before any is scored: a refused request leaves every unit's state as it was.
    const keyed = keyReadings(readings, this.keys);
    const bad = keyed.rejected[0];
    if (bad) throw Object.assign(new Error(`reading ${bad.index}: ${bad.reason}`), { statusCode: 400 });
    // A unit's window and alarm follow its readings in time: a repeat or an earlier reading is refused, not folded in.
    const decoded = decodeReadings(keyed.readings, this.scorer.inputs, this.keys);
    const late = this.strictOrder ? this.scorer.firstOutOfOrder(decoded.unitIds, decoded.times) : undefined;
    if (late) throw outOfOrder(keyed.readings[late.index], decoded.unitIds[late.index], late, this.keys);
    const t0 = performance.now();
    const alerts: Alert[] = [];
    const dataAlerts: DataAlert[] = [];
    const tag = this.tag;
    const batch = scoreKeyed(this.scorer, keyed, this.keys, { firstSeq: 0, arrivedAt: t0, alerts, dataAlerts }, decoded);
    this.metrics.recordBatch({
      model: tag,
      scores: batch.scores,
      flags: batch.flags,
      alarmsRaised: alerts.filter((a) => a.kind === 'raised').length,
      seconds: (performance.now() - t0) / 1000,
      dataAlerts: dataAlerts.filter((a) => a.raised),
    });
    for (const a of dataAlerts) this.log?.(`isoscope serve: data quality: ${dataAlertLine(a)}`);
    this.countUnits();
    const shadows = this.shadow?.score(batch, this.keys, t0);
    const results = predictionsOf(batch, tag, this.keys);
    if (shadows) results.forEach((r, i) => (r.shadow = shadows[i]));
    return results;
  }

  /** The units gauge and eviction counter; the first eviction is told, as it ends the order check for the unit forgotten. */
  private countUnits(): void {
    const { cap, asked, tracked, evicted } = this.scorer.unitCounts;
    this.metrics.recordUnits(tracked, this.evictedBefore + evicted);
    if (evicted && !this.toldEviction) {
      this.toldEviction = true;
      this.log?.(
        `isoscope serve: ${cap} units tracked, the limit (${cap < asked ? `--max-units ${asked}, lowered so that the units' window state fits in 256 MB` : '--max-units'}); each new unit now takes the place of the unit idle longest, which starts afresh if it returns (its window refills, and its readings are no longer checked against those before)`,
      );
    }
  }

  /**
   * A newer model scores every later request; window and alarm state start fresh, as in consume.
   * Scoring is synchronous, so no request is between two steps when this runs. Throws, keeping the
   * current model, when the engine cannot load the new one.
   */
  setModel(model: ModelJson, version: string): void {
    const next = new LoadedModel(this.engine, model);
    const old = this.loaded;
    this.loaded = next;
    this.model = model;
    this.version = version;
    this.evictedBefore += this.scorer.unitCounts.evicted;
    this.scorer = new LiveScorer(next, model.threshold.offset, alarmRule(model), this.maxUnits);
    this.countUnits();
    old.dispose();
  }

  /**
   * Forgets one unit's state (`DELETE /units/{unit}`): a unit a wrong time (epoch ms for a cycle)
   * put far ahead would otherwise have every later reading refused until a restart. With one
   * series (--unit-field none) the id is "series". True when the unit was tracked.
   */
  forgetUnit(id: string): boolean {
    const key = this.keys.unitField === null ? (id === 'series' ? SINGLE_UNIT : undefined) : unitKeyOf(id, this.keys.unitField);
    const forgotten = key !== undefined && this.scorer.forgetUnit(key);
    if (forgotten) this.countUnits();
    return forgotten;
  }

  info(): ModelInfo {
    const m = this.model;
    const rule = alarmRule(m);
    return {
      model_id: m.id,
      model_version: this.version,
      created_at: m.createdAt,
      kind: m.forest.kind,
      inputs: this.scorer.inputs,
      features: m.features,
      unit_field: this.keys.unitField,
      time_field: this.keys.timeField,
      threshold: { offset: m.threshold.offset, contamination: m.threshold.contamination, anomaly_score_above: -m.threshold.offset },
      alarm: { k: rule.k, n: rule.n, clear: rule.clear },
    };
  }

  dispose(): void {
    this.loaded.dispose();
  }
}

function outOfOrder(
  body: Record<string, unknown>,
  id: string | number,
  late: { index: number; previous: number },
  keys: StreamKeys,
): Error {
  const sent = body[keys.timeField];
  // Times are numbers here (a numeric string is read as its number), so the previous one is said as one.
  const previous = String(late.previous);
  // The unit as it is tracked (" x" is x, "7" is 7), so two spellings of one unit read as one.
  const unit = keys.unitField === null ? 'the series' : `unit ${JSON.stringify(id)}`;
  return Object.assign(
    new Error(
      `reading ${late.index}: ${unit} at ${keys.timeField} ${JSON.stringify(sent)} is not after its previous reading (${previous}); send each unit's readings once, in time order. Nothing in this request was scored`,
    ),
    { statusCode: 409 },
  );
}
