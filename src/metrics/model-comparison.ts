// Champion against candidate on one dataset: each model at its own published threshold and
// alarm rule (as consume and serve would score with it), the evaluation protocol of the
// page when the data has ground truth, and how often the two agree reading by reading.
import { columnByRole, withWholeSeries, type Dataset } from '../data/dataset.js';
import { parseBaseline } from '../data/baseline.js';
import { alarmTrace } from '../alarms/alarm-trace.js';
import { alarmRule } from '../model/alarm-rule.js';
import type { ModelJson } from '../model/types.js';
import { fingerprintInputs, inputsFingerprint, isTrainingData } from '../model/inputs-fingerprint.js';
import { evaluateScores } from './evaluate.js';

export interface ScoredModel {
  /** Registry version, e.g. "v3". */
  version: string;
  model: ModelJson;
  scores: Float64Array;
  /** 1 where the reading is flagged at the model's own threshold. */
  flags: Uint8Array;
}

export interface ModelFigures {
  version: string;
  modelId: string;
  trainedOn: string;
  /** The data compared on is the model's training data (by content where the model records it): its figures are in-sample. */
  inSample: boolean;
  scored: number;
  /** Shares of scored readings flagged, and with the unit in alarm right after. */
  flagRate: number;
  alarmRate: number;
  /** Alarms raised over the data (k-of-n onsets), and the units that were ever in alarm. */
  alarmsRaised: number;
  unitsAlarmed: number;
  units: number;
  /** Against ground truth (null without it). */
  rocAuc: number | null;
  prAuc: number | null;
  medianLeadTime: number | null;
  p10LeadTime: number | null;
  unitsWarned: number | null;
  falseAlarmsPerUnit: number | null;
}

export interface ModelComparison {
  readings: number;
  /** 'rul' or 'label' when the data carries ground truth; the horizon in cycles for RUL. */
  truth: 'rul' | 'label' | null;
  horizon: number;
  champion: ModelFigures;
  candidate: ModelFigures;
  /** Of readings both scored: the share flagged alike, and the share with the unit's alarm state alike. */
  bothScored: number;
  flagAgreement: number;
  alarmAgreement: number;
}

const HORIZON = 30;

export function compareModels(data: Dataset, champion: ScoredModel, candidate: ScoredModel): ModelComparison {
  const ds = withWholeSeries(data);
  const hasTruth = ds.columns.some((c) => c.role === 'rul' || c.role === 'label');
  const trainedOnThis = (m: ModelJson) => isTrainingData(m, data, (kind) => inputsFingerprint(data, fingerprintInputs(m), kind));
  const a = figuresOf(ds, champion, hasTruth, trainedOnThis(champion.model));
  const b = figuresOf(ds, candidate, hasTruth, trainedOnThis(candidate.model));
  let both = 0;
  let flagsAlike = 0;
  let alarmsAlike = 0;
  for (let i = 0; i < ds.rows; i++) {
    if (Number.isNaN(champion.scores[i]) || Number.isNaN(candidate.scores[i])) continue;
    both++;
    if (champion.flags[i] === candidate.flags[i]) flagsAlike++;
    if (a.state[i] === b.state[i]) alarmsAlike++;
  }
  const truthKind = a.truth;
  return {
    readings: ds.rows,
    truth: truthKind,
    horizon: HORIZON,
    champion: a.figures,
    candidate: b.figures,
    bothScored: both,
    flagAgreement: both ? flagsAlike / both : 0,
    alarmAgreement: both ? alarmsAlike / both : 0,
  };
}

function figuresOf(ds: Dataset, s: ScoredModel, hasTruth: boolean, inSample: boolean) {
  const rule = alarmRule(s.model);
  const { state, raised } = alarmTrace(ds, s.flags, rule, s.scores);
  const unit = columnByRole(ds, 'unit')!.values;
  const all = new Set<number>();
  const alarmed = new Set<number>();
  let scored = 0;
  let flagged = 0;
  let inAlarm = 0;
  let onsets = 0;
  for (let i = 0; i < ds.rows; i++) {
    all.add(unit[i]);
    onsets += raised[i];
    if (state[i]) alarmed.add(unit[i]);
    if (Number.isNaN(s.scores[i])) continue;
    scored++;
    flagged += s.flags[i];
    inAlarm += state[i];
  }
  const figures: ModelFigures = {
    version: s.version,
    modelId: s.model.id,
    trainedOn: s.model.training.source,
    inSample,
    scored,
    flagRate: scored ? flagged / scored : 0,
    alarmRate: scored ? inAlarm / scored : 0,
    alarmsRaised: onsets,
    unitsAlarmed: alarmed.size,
    units: all.size,
    rocAuc: null,
    prAuc: null,
    medianLeadTime: null,
    p10LeadTime: null,
    unitsWarned: null,
    falseAlarmsPerUnit: null,
  };
  let truth: 'rul' | 'label' | null = null;
  if (hasTruth) {
    // The same protocol as the page's evaluation: false alarms inside the model's own healthy baseline when it has one.
    const recorded = s.model.training.baseline;
    const baseline = parseBaseline(recorded.startsWith('first:') ? recorded : 'first:50%');
    const ev = evaluateScores(ds, s.scores, s.flags, { horizon: HORIZON, baseline, alarm: rule });
    truth = ev.truth;
    Object.assign(figures, {
      rocAuc: ev.rocAuc,
      prAuc: ev.prAuc,
      medianLeadTime: ev.units?.medianLeadTime ?? null,
      p10LeadTime: ev.units?.p10LeadTime ?? null,
      unitsWarned: ev.units?.warned ?? null,
      falseAlarmsPerUnit: ev.units?.falseAlarmsPerUnit ?? null,
    });
  }
  return { figures, state, truth };
}
