// What a calibrated threshold's record means, in the words the CLI and the page both use.
import type { Calibration } from './calibrate.js';

/**
 * Why the contamination did not set the threshold, and (`then`) what another contamination does:
 * at training, a larger one is moved to the same place; on the page's slider, the margin moves with it.
 */
export function raisedWords(
  raised: NonNullable<Calibration['raised']>,
  contamination: 'auto' | number,
  then = 'a larger contamination changes nothing, a smaller one moves it',
): string {
  const q = contamination === 'auto' ? 'the contamination' : `${Number((contamination * 100).toPrecision(2))}%`;
  return (
    `at the ${q} quantile the held-out healthy readings raised ${raised.falseAlarmsPerUnit.toFixed(3)} false alarms per unit, ` +
    `so the threshold was moved past it until they raise at most ${raised.target}: ${then}`
  );
}

/** Training rows the label marks anomalous: said by `train` and the page, since the threshold took them as healthy. */
export function labelledWords(labelled: { column: string; rows: number }, trainingRows: number, how: string): string {
  return `${labelled.rows.toLocaleString('en-US')} of the ${trainingRows.toLocaleString('en-US')} training rows are labelled anomalous (column "${labelled.column}"): the forest and its threshold took them as healthy. ${how}`;
}
