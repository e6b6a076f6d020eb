// The threshold on the page: the contamination slider re-thresholds cached scores
// (AlarmBudget), and the evaluation follows (EvaluationSweep); both index the scores once
// per model and data, so a frame costs binary searches per unit, not a pass over the rows.
// Threshold-free metrics and the baseline mask are computed once per model and kept here.
import { baselineMask, parseBaseline } from '../data/baseline.js';
import { unitTimeOrder } from '../data/order.js';
import { AlarmBudget, type Thresholded } from '../alarms/alarm-budget.js';
import { alarmRule } from '../model/alarm-rule.js';
import type { ModelJson } from '../model/types.js';
import { rankingMetrics, type Evaluation, type Ranking } from '../metrics/evaluate.js';
import { EvaluationSweep } from '../metrics/evaluation-sweep.js';
import { DEFAULT_CONTAMINATION } from '../features/defaults.js';
import type { Bus } from './bus.js';
import type { DataMeta } from './state.js';

export interface ThresholdHost {
  readonly bus: Bus;
  readonly data?: DataMeta;
  model?: ModelJson;
  readonly scores?: Float64Array;
  /** Tells a running replay or live link the new offset. */
  followOffset(offset: number): void;
  saveSoon(): void;
}

export class ThresholdController {
  contamination: 'auto' | number = DEFAULT_CONTAMINATION;
  budget?: AlarmBudget;
  thresholded?: Thresholded;
  evaluation?: Evaluation;
  /** Sorted scores of the model's training rows on the data it was trained on (kept while the model stays). */
  reference?: Float64Array;
  private ranking?: { scores: Float64Array; value: Ranking; mask: Uint8Array };
  private sweep?: { budget: AlarmBudget; value: EvaluationSweep };
  private readonly host: ThresholdHost;

  constructor(host: ThresholdHost) {
    this.host = host;
  }

  reset(): void {
    this.budget = undefined;
    this.sweep = undefined;
    this.thresholded = undefined;
    this.evaluation = undefined;
  }

  /**
   * A model's scores of the loaded data. 'trained': the slider's contamination sets the
   * offset from these scores' baseline rows. 'imported': the model's own offset stays until
   * the slider moves. 'rescored' (new data, same model): percentiles still come from the
   * data it was trained on, so a contamination means the same threshold on any data.
   */
  adopt(model: ModelJson, scores: Float64Array, how: 'trained' | 'imported' | 'rescored'): void {
    const truth = this.host.data!.truth;
    const unit = truth.columns.find((c) => c.role === 'unit')?.values;
    const time = truth.columns.find((c) => c.role === 'time')?.values;
    let mask: Uint8Array;
    try {
      mask = baselineMask(truth, parseBaseline(model.training.baseline));
    } catch {
      mask = new Uint8Array(scores.length).fill(1); // imported models may not record a baseline
    }
    const reference = how === 'rescored' ? this.reference : undefined;
    this.budget = new AlarmBudget(scores, mask, {
      unit,
      time,
      rule: alarmRule(model),
      order: unitTimeOrder(truth) ?? undefined,
      reference,
    });
    this.reference = this.budget.sortedTraining;
    // A threshold calibrated out of sample at training is kept until the slider moves.
    if (how === 'trained' && !model.threshold.calibration) this.set(this.contamination);
    else this.apply(model.threshold.contamination, model.threshold.offset, true);
  }

  set(c: 'auto' | number): void {
    this.contamination = c;
    if (!this.budget || !this.host.model || !this.host.scores) return this.host.bus.emit('threshold');
    this.apply(c, this.budget.offsetFor(c));
  }

  private apply(c: 'auto' | number, offset: number, asModel = false): void {
    this.contamination = c;
    // The model's own threshold keeps its calibration; one moved by the slider has none.
    const threshold = asModel ? { ...this.host.model!.threshold, contamination: c, offset } : { contamination: c, offset };
    this.host.model = { ...this.host.model!, threshold };
    this.thresholded = this.budget!.apply(offset);
    this.host.followOffset(offset);
    this.evaluation = this.evaluate();
    this.host.bus.emit('threshold');
    this.host.saveSoon();
  }

  private evaluate(): Evaluation | undefined {
    const { data, model, scores } = this.host;
    const truth = data!.truth;
    if (!truth.columns.some((c) => c.role === 'rul' || c.role === 'label')) return undefined;
    try {
      // False alarms are counted inside the model's own healthy baseline when it has one.
      const recorded = model!.training.baseline;
      const baseline = parseBaseline(recorded.startsWith('first:') ? recorded : 'first:50%');
      if (this.ranking?.scores !== scores) {
        const mask = baselineMask(truth, baseline);
        this.ranking = { scores: scores!, value: rankingMetrics(truth, scores!, { horizon: 30 }, mask), mask };
      }
      const budget = this.budget!;
      if (this.sweep?.budget !== budget) {
        const opts = { horizon: 30, baseline, baselineMask: this.ranking!.mask, alarm: alarmRule(model!) };
        this.sweep = { budget, value: new EvaluationSweep(truth, scores!, budget.groups, budget.levels, opts, this.ranking!.value) };
      }
      return this.sweep.value.at(this.thresholded!.offset);
    } catch {
      return undefined;
    }
  }

  /** The ROC curve of the current scores (threshold-free), when there is ground truth. */
  get rocCurve(): { fpr: Float64Array; tpr: Float64Array } | undefined {
    return this.evaluation && this.ranking?.scores === this.host.scores ? this.ranking!.value : undefined;
  }
}
