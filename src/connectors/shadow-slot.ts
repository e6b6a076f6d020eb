// The candidate a consumer (or server) scores in shadow, swapped as the registry changes, with
// its Prometheus series (labelled by model version, beside the champion's unlabelled ones) and
// its figures written to its registry document every interval and when it leaves.
import type { Container } from '@azure/cosmos';
import { Counter, type Registry } from 'prom-client';
import type { WasmEngine } from '../engine/wasm-engine.js';
import { ShadowScorer, shadowRates, type ShadowOutcome } from '../stream/shadow-scorer.js';
import type { ScoredBatch, StreamKeys } from '../stream/hub-batch.js';
import { recordShadow, type PublishedModel } from './model-registry.js';
import { redact } from './settings.js';

export interface ShadowSlotOptions {
  engine: WasmEngine;
  models: Container;
  registry: Registry;
  service: string;
  /** The champion's version now (for the figures). */
  champion: () => string;
  intervalMs: number;
  log: (line: string) => void;
}

export class ShadowSlot {
  private scorer?: ShadowScorer;
  private timer?: ReturnType<typeof setInterval>;
  /** Set when the registry refused a write (403): a read-only key, as the reference deployment gives serve. */
  private readOnly = false;
  private readonly opts: ShadowSlotOptions;
  private readonly predictions: Counter<'model_version'>;
  private readonly anomalies: Counter<'model_version'>;
  private readonly agreements: Counter<'model_version'>;

  constructor(opts: ShadowSlotOptions) {
    this.opts = opts;
    const counter = (name: string, help: string) => new Counter({ name, help, labelNames: ['model_version'], registers: [opts.registry] });
    this.predictions = counter('iot_anomaly_shadow_predictions_total', 'Readings scored in shadow by a candidate model.');
    this.anomalies = counter('iot_anomaly_shadow_anomalies_total', 'Readings the candidate flagged anomalous.');
    this.agreements = counter('iot_anomaly_shadow_agreements_total', 'Readings candidate and champion flagged alike.');
  }

  get version(): string | undefined {
    return this.scorer?.version;
  }

  start(): void {
    this.timer = setInterval(() => void this.report(), this.opts.intervalMs);
  }

  /** The candidate to shadow from now on (undefined: none); the one before reports its last figures. */
  async set(published: PublishedModel | undefined): Promise<void> {
    const old = this.scorer;
    this.scorer = published ? new ShadowScorer(this.opts.engine, published.model, published.id) : undefined;
    if (published) this.opts.log(`isoscope ${this.opts.service}: scoring candidate ${published.id} (${published.model_id}) in shadow`);
    if (old) {
      await this.report(old);
      old.dispose();
    }
  }

  /** The candidate's outcome per reading of the champion's batch, or undefined with no candidate. */
  score(champion: ScoredBatch, keys: StreamKeys, arrivedAt: number): ShadowOutcome[] | undefined {
    const s = this.scorer;
    if (!s) return undefined;
    const before = s.tally.agreements;
    s.comparedWith = this.opts.champion();
    const { outcomes, batch } = s.score(champion, keys, arrivedAt);
    const label = { model_version: s.version };
    this.predictions.inc(label, batch.scores.length);
    this.anomalies.inc(
      label,
      batch.flags.reduce((a, f) => a + f, 0),
    );
    this.agreements.inc(label, s.tally.agreements - before);
    return outcomes;
  }

  /** Writes the figures to the candidate's registry document; a failure is logged, never thrown. */
  async report(scorer = this.scorer): Promise<void> {
    if (!scorer || !scorer.tally.readings || this.readOnly) return;
    const figures = {
      champion_version: scorer.comparedWith,
      ...shadowRates(scorer.tally),
      service: this.opts.service,
      updated: new Date().toISOString(),
    };
    await recordShadow(this.opts.models, scorer.version, figures).catch((e) => {
      // A read-only key is a choice (least privilege), not a fault: said once, and not tried every interval.
      if ((e as { code?: number }).code === 403) {
        this.readOnly = true;
        return this.opts.log(
          `isoscope ${this.opts.service}: the Cosmos DB key is read-only (403), so shadow figures of ${scorer.version} stay in this service's metrics (iot_anomaly_shadow_*), not in the registry`,
        );
      }
      this.opts.log(
        `isoscope ${this.opts.service}: could not record shadow figures of ${scorer.version}: ${redact((e as Error).message).split('\n')[0]}`,
      );
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.set(undefined);
  }
}
