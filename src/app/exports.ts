// What the page downloads: the model JSON and the scores CSV, the latter written by the
// same function as `isoscope score` and named after the data, the model and the threshold.
import { columnByRole } from '../data/dataset.js';
import { scoresCsv } from '../data/scores-csv.js';
import { alarmTrace } from '../alarms/alarm-trace.js';
import { flagAnomalies } from '../alarms/threshold.js';
import { alarmRule } from '../model/alarm-rule.js';
import type { Workbench } from './workbench.js';

export function scoresExport(wb: Pick<Workbench, 'data' | 'scores' | 'model'>): { name: string; text: string } {
  if (!wb.data || !wb.scores || !wb.model) throw new Error('no scores to export');
  const truth = wb.data.truth;
  // Without a unit column in the file the CSV has none either, as `isoscope score` writes it.
  const unit = wb.data.wholeSeries ? undefined : columnByRole(truth, 'unit');
  const time = columnByRole(truth, 'time');
  const offset = wb.model.threshold.offset;
  const flags = flagAnomalies(wb.scores, offset);
  const alarm = alarmTrace(truth, flags, alarmRule(wb.model), wb.scores).state;
  const text = scoresCsv({ unit, time, scores: wb.scores, offset, flags, alarm });
  // Exports at two slider positions are two files: the name carries the threshold (anomaly score) they were flagged at.
  return { name: `${baseName(wb.data.name)}-${wb.model.id}-threshold-${(-offset).toFixed(4)}-scores.csv`, text };
}

function baseName(name: string): string {
  return name.replace(/\.(txt|csv|tsv|gz|zip)$/gi, '').replace(/[^\w.-]+/g, '_');
}
