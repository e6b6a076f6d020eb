// Everything a slider frame searches, built in one call from the scores and the page's
// truth columns: the alarm budget's index and, with ground truth, the evaluation's. The
// page runs this in a worker (services/slider-index-service.ts) after the scores are drawn,
// so indexing never delays the first paint nor freezes the page; both indexes are plain
// typed arrays and move back by transfer.
import { columnByRole, type Dataset } from '../data/dataset.js';
import { unitTimeOrder } from '../data/order.js';
import type { DebounceSettings } from '../alarms/k-of-n.js';
import { indexBudget, type BudgetIndex } from '../alarms/alarm-budget.js';
import { indexSweep, type SweepIndex } from './evaluation-sweep.js';
import type { EvaluateOptions } from './evaluate.js';

export interface SliderIndexInput {
  scores: Float64Array;
  /** Unit, time and ground-truth columns (the page's DataMeta.truth). */
  truth: Dataset;
  rule: Required<DebounceSettings>;
  /** The evaluation's options, its baseline mask included; absent: no evaluation (no ground truth). */
  evaluation?: EvaluateOptions & { baselineMask: Uint8Array };
}

export interface SliderIndex {
  budget: BudgetIndex;
  /** Absent when the data has no ground truth the evaluation can use. */
  sweep?: SweepIndex;
}

export function buildSliderIndex({ scores, truth, rule, evaluation }: SliderIndexInput): SliderIndex {
  const budget = indexBudget(scores, {
    unit: columnByRole(truth, 'unit')?.values,
    time: columnByRole(truth, 'time')?.values,
    rule,
    order: unitTimeOrder(truth) ?? undefined,
  });
  if (!evaluation) return { budget };
  try {
    return { budget, sweep: indexSweep(truth, scores, budget.groups, budget.levels, evaluation) };
  } catch {
    return { budget }; // no usable ground truth: the page shows no evaluation, as the row pass would
  }
}
