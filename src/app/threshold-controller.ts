// The threshold on the page: the contamination slider re-thresholds cached scores, and the
// evaluation follows. From the moment scores arrive a frame is a pass over the rows
// (RowPassBudget, evaluateScores); after the scores are drawn, a worker indexes them once
// (metrics/slider-index.ts) and from then on a frame costs binary searches per unit
// (AlarmBudget, EvaluationSweep), with the same figures. Threshold-free metrics and the
// baseline mask are computed once per model and kept here.
import { baselineMask, parseBaseline } from '../data/baseline.js';
import { unitTimeOrder } from '../data/order.js';
import { AlarmBudget } from '../alarms/alarm-budget.js';
import type { Budget, Thresholded } from '../alarms/budget-types.js';
import { RowPassBudget } from '../alarms/row-pass-budget.js';
import { alarmRule } from '../model/alarm-rule.js';
import type { ModelJson } from '../model/types.js';
import { evaluateScores, rankingMetrics, type EvaluateOptions, type Evaluation, type Ranking } from '../metrics/evaluate.js';
import { EvaluationSweep } from '../metrics/evaluation-sweep.js';
import type { SliderIndex } from '../metrics/slider-index.js';
import type { IndexRequest } from '../services/slider-index-service.js';
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
  /** Builds the slider's index of the scores shown (of `rows` readings) off the main thread (absent: frames stay row passes). */
  indexScores?(request: IndexRequest, rows: number): Promise<SliderIndex>;
  /** Resolves once the current state has been painted and the engine's work after new scores is done. */
  afterPaint?(): Promise<void>;
  /** Resolves once the next frame has been painted. */
  painted?(): Promise<void>;
  /** What the page is busy with ('' or absent: nothing). */
  readonly busy?: string;
}

/** Scores of this many readings or more are ranked against the ground truth after they are painted, not before. */
export const RANK_AFTER_PAINT_ROWS = 1_000_000;

export class ThresholdController {
  contamination: 'auto' | number = DEFAULT_CONTAMINATION;
  budget?: Budget;
  thresholded?: Thresholded;
  evaluation?: Evaluation;
  /** Sorted scores of the model's training rows on the data it was trained on (kept while the model stays). */
  reference?: Float64Array;
  /** The model's own threshold, calibrated out of sample at training: the slider returns to it at its contamination. */
  calibrated?: ModelJson['threshold'];
  private ranking?: { scores: Float64Array; value: Ranking; mask: Uint8Array; opts: EvaluateOptions };
  /** The last baseline's rows of the data shown (maskOf): the budget's and the evaluation's are the same one most often. */
  private lastMask?: { truth: DataMeta['truth']; baseline: string; mask: Uint8Array };
  private sweep?: { budget: Budget; value: EvaluationSweep };
  /** The ranking of big scores, computed after they are painted (absent: none pending). */
  private rankingDue?: { scores: Float64Array; done: Promise<void> };
  private readonly host: ThresholdHost;

  constructor(host: ThresholdHost) {
    this.host = host;
  }

  /** True once slider frames search the index instead of passing over the rows. */
  get indexed(): boolean {
    return this.budget instanceof AlarmBudget;
  }

  reset(): void {
    this.lastMask = undefined;
    this.budget = undefined;
    this.sweep = undefined;
    this.thresholded = undefined;
    this.evaluation = undefined;
    this.rankingDue = undefined;
  }

  /** True while the evaluation of big scores waits for them to be painted first. */
  get evaluating(): boolean {
    return this.rankingDue !== undefined;
  }

  /**
   * A model's scores of the loaded data. 'trained': the slider's contamination sets the
   * offset from these scores' baseline rows. 'imported': the model's own offset stays until
   * the slider moves. 'rescored' (new data, same model): percentiles still come from the
   * data it was trained on, so a contamination means the same threshold on any data.
   */
  adopt(model: ModelJson, scores: Float64Array, how: 'trained' | 'imported' | 'rescored'): void {
    const truth = this.host.data!.truth;
    const reference = how === 'rescored' ? this.reference : undefined;
    // Nothing of the earlier scores' index (hundreds of MB at 6M readings) stays reachable while this
    // budget is built: not the budget, the sweep, nor the frame figures whose closures hold them.
    this.reset();
    let mask: Uint8Array;
    try {
      mask = this.maskOf(model.training.baseline);
    } catch {
      mask = new Uint8Array(scores.length).fill(1); // imported models may not record a baseline
    }
    const budget = new RowPassBudget(scores, mask, {
      unit: truth.columns.find((c) => c.role === 'unit')?.values,
      time: truth.columns.find((c) => c.role === 'time')?.values,
      rule: alarmRule(model),
      order: unitTimeOrder(truth) ?? undefined,
      reference,
    });
    this.budget = budget;
    this.reference = budget.sortedTraining;
    if (how !== 'rescored') this.calibrated = model.threshold.calibration ? model.threshold : model.threshold.calibratedAt;
    // A threshold calibrated out of sample at training is kept until the slider moves.
    if (how === 'trained' && !model.threshold.calibration) this.set(this.contamination);
    else this.apply(model.threshold.contamination, model.threshold.offset, model.threshold);
    void this.indexLater(budget, model, scores);
  }

  set(c: 'auto' | number): void {
    this.contamination = c;
    if (!this.budget || !this.host.model || !this.host.scores) return this.host.bus.emit('threshold');
    // Back at the calibrated contamination, the held-out threshold returns, not this data's in-sample quantile.
    // The slider moves in 0.1% steps: a model trained at 1.25% returns where the slider shows 1.3%.
    const cal = this.calibrated?.contamination;
    const own =
      cal !== undefined && (cal === c || (cal !== 'auto' && c !== 'auto' && Math.round(cal * 1000) === Math.round(c * 1000)))
        ? this.calibrated
        : undefined;
    if (own) return this.apply(own.contamination, own.offset, own);
    this.apply(c, this.budget.offsetFor(c) + this.calibrationGap(c));
  }

  /**
   * What out-of-sample calibration added to the in-sample quantile at the model's contamination.
   * The slider's other positions keep it, so the threshold moves smoothly through the calibrated
   * one: at 4.9% the bare in-sample quantile fell below the calibrated 5% threshold and flagged more.
   */
  calibrationGap(c: 'auto' | number): number {
    const cal = this.calibrated;
    if (!cal || !this.budget || c === 'auto' || cal.contamination === 'auto') return 0;
    return cal.offset - this.budget.offsetFor(cal.contamination);
  }

  private apply(c: 'auto' | number, offset: number, own?: ModelJson['threshold']): void {
    this.contamination = c;
    // The model's own threshold keeps its calibration; one moved by the slider has none, but keeps
    // the calibrated one beside it, so an export or a reload moves on from it as this page does.
    const cal = this.calibrated;
    const calibratedAt = cal?.calibration && { contamination: cal.contamination, offset: cal.offset, calibration: cal.calibration };
    const threshold = own ? { ...own, contamination: c, offset } : { contamination: c, offset, ...(calibratedAt ? { calibratedAt } : {}) };
    this.host.model = { ...this.host.model!, threshold };
    this.thresholded = this.budget!.apply(offset);
    this.host.followOffset(offset);
    this.evaluation = this.evaluate();
    this.host.bus.emit('threshold');
    this.host.saveSoon();
  }

  /**
   * After the scores are drawn and the page is idle, the worker indexes them; the index replaces the row pass
   * unless other scores or another model came meanwhile. Its figures are the row pass's, so
   * nothing is redrawn. A failure keeps the row pass (slower frames, same figures).
   */
  private async indexLater(budget: RowPassBudget, model: ModelJson, scores: Float64Array): Promise<void> {
    const host = this.host;
    if (!host.indexScores || !host.afterPaint) return;
    const truth = host.data!.truth;
    try {
      // Not while the page trains, imports or scores: that needs every core, and usually replaces these scores.
      do {
        await host.afterPaint();
        if (this.budget !== budget) return;
      } while (host.busy);
      if (this.rankingDue?.scores === scores) await this.rankingDue.done;
      if (this.budget !== budget) return;
      const r = this.ranking?.scores === scores ? this.ranking : undefined;
      const evaluation = r && { ...r.opts, baselineMask: r.mask };
      const index = await host.indexScores({ rule: alarmRule(model), evaluation }, scores.length);
      if (this.budget !== budget) return;
      const time = truth.columns.find((c) => c.role === 'time')?.values;
      const indexed = new AlarmBudget(scores, index.budget, budget.sortedTraining, time);
      this.budget = indexed;
      if (index.sweep && r)
        this.sweep = {
          budget: indexed,
          value: new EvaluationSweep(index.sweep, truth, index.budget.groups, index.budget.levels, r.mask, r.value),
        };
      this.host.bus.emit('slider-index');
    } catch {
      // The row pass stays: the same figures, a slower frame.
    }
  }

  /**
   * A baseline's rows of the data shown, built once for the budget, the evaluation and step 3's
   * training rows when they name it (a pass over millions of rows). Throws when it cannot be read.
   */
  maskOf(baseline: string): Uint8Array {
    const truth = this.host.data!.truth;
    const last = this.lastMask;
    if (last?.truth === truth && last.baseline === baseline) return last.mask;
    const mask = baselineMask(truth, parseBaseline(baseline));
    this.lastMask = { truth, baseline, mask };
    return mask;
  }

  private evaluate(): Evaluation | undefined {
    const { data, scores } = this.host;
    const truth = data!.truth;
    if (!truth.columns.some((c) => c.role === 'rul' || c.role === 'label')) return undefined;
    try {
      if (this.ranking?.scores !== scores) {
        // Millions of readings: the ranking (a sort of every score, a second or more) waits until the scores are on the page.
        if (scores!.length >= RANK_AFTER_PAINT_ROWS && this.host.painted) return this.rankAfterPaint(scores!);
        this.rank(scores!);
      }
      const offset = this.thresholded!.offset;
      if (this.sweep && this.sweep.budget === this.budget) return this.sweep.value.at(offset);
      const { opts, value } = this.ranking!;
      return evaluateScores(truth, scores!, this.thresholded!.flags, opts, value);
    } catch {
      return undefined;
    }
  }

  /** The threshold-free figures of these scores against the ground truth, kept while the scores stay. */
  private rank(scores: Float64Array): void {
    // False alarms are counted inside the model's own healthy baseline when it has one.
    const recorded = this.host.model!.training.baseline;
    const named = recorded.startsWith('first:') ? recorded : 'first:50%';
    const mask = this.maskOf(named);
    const opts = { horizon: 30, baseline: parseBaseline(named), baselineMask: mask, alarm: alarmRule(this.host.model!) };
    this.ranking = { scores, value: rankingMetrics(this.host.data!.truth, scores, { horizon: 30 }, mask), mask, opts };
  }

  /** Ranks big scores once they are painted, then evaluates and tells the views: the same figures, a frame later. */
  private rankAfterPaint(scores: Float64Array): undefined {
    if (this.rankingDue?.scores === scores) return undefined;
    const due = {
      scores,
      done: this.host.painted!().then(() => {
        if (this.rankingDue !== due) return;
        this.rankingDue = undefined;
        if (this.host.scores !== scores || !this.thresholded) return;
        try {
          this.rank(scores);
        } catch {
          return; // as evaluate(): no figures for a baseline that cannot be read
        }
        this.evaluation = this.evaluate();
        this.host.bus.emit('threshold');
      }),
    };
    this.rankingDue = due;
    return undefined;
  }

  /** The ROC curve of the current scores (threshold-free), when there is ground truth. */
  get rocCurve(): { fpr: Float64Array; tpr: Float64Array } | undefined {
    return this.evaluation && this.ranking?.scores === this.host.scores ? this.ranking!.value : undefined;
  }
}
