import { SINGLE_READING, type DebounceSettings } from '../alarms/k-of-n.js';
import type { ModelJson } from './types.js';

/** The k-of-n rule every consumer of a model applies; a model without one (e.g. converted from scikit-learn) alarms per reading. */
export function alarmRule(model: Pick<ModelJson, 'alarm'>): Required<DebounceSettings> {
  const a = model.alarm;
  return a ? { k: a.k, n: a.n, clear: a.clear ?? 0 } : SINGLE_READING;
}
