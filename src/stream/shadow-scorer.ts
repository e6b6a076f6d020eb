// A candidate model scored in shadow: every batch the champion scores goes through the same
// scoring path (scoreKeyed, with the candidate's own recipe window and alarm state per unit),
// and each reading gets what the candidate would have said, stored beside the champion's
// outcome. Nothing the champion decides depends on it. It keeps the figures the registry
// shows: readings, flag and alarm rates of both, and how often they flag alike.
import type { WasmEngine } from '../engine/wasm-engine.js';
import { LoadedModel } from '../model/loaded-model.js';
import { alarmRule } from '../model/alarm-rule.js';
import type { ModelJson } from '../model/types.js';
import { LiveScorer, type Alert } from './live-scorer.js';
import { scoreKeyed, type ScoredBatch, type StreamKeys } from './hub-batch.js';
import { outcomeOf } from './reading-codec.js';

/** What a stored document carries as `shadow`. */
export interface ShadowOutcome {
  model_version: string;
  anomaly_score: number | null;
  is_anomaly: boolean | null;
  alarm: boolean;
}

export interface ShadowTally {
  readings: number;
  /** Readings both models scored (no feature missing for either). */
  bothScored: number;
  flags: number;
  championFlags: number;
  alarms: number;
  championAlarms: number;
  agreements: number;
}

export class ShadowScorer {
  readonly modelId: string;
  readonly version: string;
  /** The champion version the tally was last compared with. */
  comparedWith = '';
  readonly tally: ShadowTally = { readings: 0, bothScored: 0, flags: 0, championFlags: 0, alarms: 0, championAlarms: 0, agreements: 0 };
  private readonly loaded: LoadedModel;
  private readonly scorer: LiveScorer;

  constructor(engine: WasmEngine, model: ModelJson, version: string) {
    this.modelId = model.id;
    this.version = version;
    this.loaded = new LoadedModel(engine, model);
    this.scorer = new LiveScorer(this.loaded, model.threshold.offset, alarmRule(model));
  }

  /** The candidate's outcome for each reading of the champion's batch, in its order; the batch's scores update the tally. */
  score(champion: ScoredBatch, keys: StreamKeys, arrivedAt: number): { outcomes: ShadowOutcome[]; batch: ScoredBatch; alerts: Alert[] } {
    const alerts: Alert[] = [];
    // The champion's readings are keyed already: the candidate scores them as they are, by their place in its batch.
    const keyed = { readings: champion.bodies, index: champion.bodies.map((_, i) => i), rejected: [] };
    const batch = scoreKeyed(this.scorer, keyed, keys, { firstSeq: 0, arrivedAt, alerts });
    const t = this.tally;
    const outcomes = champion.bodies.map((_, i) => {
      const mine = !Number.isNaN(batch.scores[i]);
      const theirs = !Number.isNaN(champion.scores[i]);
      t.readings++;
      t.flags += batch.flags[i];
      t.championFlags += champion.flags[i];
      t.alarms += batch.alarms[i];
      t.championAlarms += champion.alarms[i];
      if (mine && theirs) {
        t.bothScored++;
        if (batch.flags[i] === champion.flags[i]) t.agreements++;
      }
      const o = outcomeOf(batch.decoded, batch.inputs, i, { score: batch.scores[i], flag: batch.flags[i], alarm: batch.alarms[i] === 1 });
      return { model_version: this.version, anomaly_score: o.anomaly_score, is_anomaly: o.is_anomaly, alarm: o.alarm };
    });
    return { outcomes, batch, alerts };
  }

  dispose(): void {
    this.loaded.dispose();
  }
}

/** The tally as rates: flag and alarm rates of candidate and champion, and their agreement. */
export function shadowRates(t: ShadowTally) {
  const share = (n: number, of: number) => (of ? n / of : 0);
  return {
    readings: t.readings,
    flag_rate: share(t.flags, t.readings),
    champion_flag_rate: share(t.championFlags, t.readings),
    alarm_rate: share(t.alarms, t.readings),
    champion_alarm_rate: share(t.championAlarms, t.readings),
    agreement: share(t.agreements, t.bothScored),
  };
}
