// A single machine's healthy baseline that covers less than a day of a recording that runs
// for days: a plant with a daily cycle (load, ambient temperature, shifts) then meets hours of
// the day its model never saw, which look anomalous or, scaled against a narrow range, hide a
// fault. Measured in a walk: a pump trained on its first 16.7 h never alarmed on its fault.
import { baselineMask, type Baseline } from './baseline.js';
import { columnByRole, type Dataset } from './dataset.js';
import { dateSpan } from './time-text.js';

const DAY = 86_400_000;

/** The warning for a series whose baseline spans under a day of a file spanning a day or more; undefined otherwise. */
export function shortBaselineWords(ds: Dataset, baseline: Baseline): string | undefined {
  const time = columnByRole(ds, 'time');
  if (columnByRole(ds, 'unit') || !time?.timestamp) return undefined;
  const mask = baselineMask(ds, baseline);
  let lo = Infinity;
  let hi = -Infinity;
  let first = Infinity;
  let last = -Infinity;
  time.values.forEach((t, r) => {
    if (!Number.isFinite(t)) return;
    first = Math.min(first, t);
    last = Math.max(last, t);
    if (!mask[r]) return;
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  });
  const healthy = hi - lo;
  const whole = last - first;
  if (!(healthy >= 0 && healthy < DAY && whole >= DAY)) return undefined;
  return (
    `the healthy readings span ${dateSpan(healthy)} of the recording's ${dateSpan(whole)}: if the machine follows a daily cycle ` +
    `(load, shifts, ambient temperature), hours of the day they do not cover will look anomalous or hide a fault; ` +
    `give a baseline that covers at least one whole day (--baseline first:N)`
  );
}
