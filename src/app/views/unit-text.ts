// What the unit view says in words: which sensors it plots and why, the unit's state
// line, and the text alternatives of its charts (a screen reader's view of each chart).
import { fmt, plural } from '../dom.js';
import type { Workbench } from '../workbench.js';
import { topInputs } from '../../model/unit-drivers.js';
import type { UnitTrace } from '../unit-trace.js';

/** The selected unit's name ("12", "pump-A"), '' with none. */
export const unitName = (wb: Workbench): string => (wb.selectedUnit === undefined ? '' : wb.units.name(wb.selectedUnit));

/** The model's raw inputs (or, before a model, the chosen feature columns). */
export const modelInputs = (wb: Workbench): string[] => wb.model?.recipe?.inputs ?? wb.model?.features ?? [...wb.features];

/**
 * Sensors to plot: the user's pick, else the explained reading's drivers, else the unit's
 * latest reading's, else the first inputs; `why` says which, for the caption.
 * selectedTime: the time of the explained reading when it belongs to this unit.
 */
export function sensorsToPlot(wb: Workbench, picked: string[], selectedTime: number | undefined): { names: string[]; why: string } {
  if (picked.length) return { names: picked, why: 'Chosen sensors' };
  const ex = wb.explanation;
  if (ex && selectedTime !== undefined) {
    const top = topInputs(ex.features, ex.attribution, wb.model?.recipe?.inputs, 3).map((d) => d.input);
    if (top.length) return { names: top, why: `Top drivers of the selected reading (${wb.time.at(selectedTime)})` };
  }
  const d = wb.selectedUnit !== undefined ? wb.models.drivers?.get(wb.selectedUnit) : undefined;
  if (d?.length) return { names: d.map((x) => x.input), why: 'Top drivers of the latest reading' };
  const why = !wb.model
    ? 'First feature columns'
    : d
      ? 'No sensor pushed the latest reading towards anomalous; the model’s first sensors'
      : 'The model’s first sensors (drivers still being computed)';
  return { names: modelInputs(wb).slice(0, 3), why };
}

/**
 * "In alarm since cycle 123 (69 cycles) · 1 alarm raised in all", or '' before a threshold.
 * `latest`: the time of the unit's latest reading, scored or not. Readings after the latest
 * scored one (an input stopped reporting) are said: the state is as of the last scored reading.
 */
export function unitStateLine(wb: Workbench, latest?: number): { state: string; text: string } {
  const units = wb.threshold.thresholded?.units;
  const g = units && wb.selectedUnit !== undefined ? units.indexOf(wb.selectedUnit) : -1;
  const row = g < 0 ? undefined : units!.row(g);
  if (!row) return { state: '', text: '' };
  const alarms = `${plural(row.alarms, 'alarm')} raised in all`;
  const scored = row.lastTime;
  if (scored === null) return { state: row.state, text: `No reading scored: each lacks an input the model needs · ${alarms}` };
  const stale =
    latest !== undefined && latest > scored
      ? ` · not scored since ${wb.time.at(scored)}: its readings after it lack an input the model needs`
      : '';
  // A unit gone silent: every state below is as of its last reading, days before the fleet's latest.
  const quiet = wb.silence;
  const lastHeard = quiet?.silent.get(wb.selectedUnit!);
  const silent =
    lastHeard === undefined
      ? ''
      : `Silent: no reading since ${wb.time.at(lastHeard)}, ${wb.time.span(quiet!.latest - lastHeard)} before the fleet’s latest · `;
  const out = wb.models.outside?.get(wb.selectedUnit!) ?? [];
  const outside = out.length
    ? ` · ${out
        .slice(0, 3)
        .map((o) => `${wb.names(o.input).short} ${o.side === 'above' ? '+' : '−'}${o.sigma.toFixed(0)}σ`)
        .join(
          ', ',
        )}${out.length > 3 ? ` and ${out.length - 3} more` : ''} from the training readings: check ${out.length > 1 ? 'them' : 'it'}, as a forest scores a reading no higher the farther out it is until it lies far past the trained range`
    : '';
  if (row.state === 'healthy')
    return { state: row.state, text: `${silent}Healthy at its latest ${stale ? 'scored ' : ''}reading${stale}${outside} · ${alarms}` };
  const since = row.since!;
  const what = row.state === 'alarm' ? 'In alarm' : 'On watch';
  // Raised at the latest reading: "(0 s)" read like nothing had happened.
  const lasting = scored > since ? wb.time.span(scored - since) : 'from its latest reading';
  return { state: row.state, text: `${silent}${what} since ${wb.time.at(since)} (${lasting})${stale}${outside} · ${alarms}` };
}

/** The score chart's text alternative: the span of readings, the threshold, how many are over it and when the unit was in alarm. */
export function scoreWords(
  wb: Workbench,
  trace: UnitTrace,
  threshold: string,
  over: number,
  periods: [number, number][],
  labelled: [number, number][] = [],
): string {
  const t = trace.series.time;
  const spans = (p: [number, number][]) => p.map(([a, b]) => `${wb.time.at(a)} to ${wb.time.at(b)}`).join('; ');
  const when = spans(periods);
  const truth = labelled.length ? ` Labelled anomalous ${spans(labelled)}.` : '';
  return `Anomaly score of unit ${unitName(wb)}, ${plural(t.length, 'reading')} from ${wb.time.at(t[0])} to ${wb.time.at(t[t.length - 1])}. ${threshold}; ${plural(over, 'drawn reading')} over it. ${when ? `In alarm ${when}.` : 'Never in alarm.'}${truth}`;
}

/** A sensor chart's text alternative: first and last value, and the range, in the sensor's unit. */
export function sensorWords(wb: Workbench, trace: UnitTrace, name: string): string {
  const v = trace.series.columns[name];
  const n = wb.names(name);
  const u = n.unit ? ` ${n.unit}` : '';
  let lo = Infinity;
  let hi = -Infinity;
  v.forEach((a) => a === a && ((lo = Math.min(lo, a)), (hi = Math.max(hi, a))));
  const t = trace.series.time;
  return `${n.label} of unit ${unitName(wb)}: ${fmt(v[0])}${u} at ${wb.time.at(t[0])}, ${fmt(v[v.length - 1])}${u} at ${wb.time.at(t[t.length - 1])}; between ${fmt(lo)} and ${fmt(hi)}${u}`;
}
