// Alarm state per reading: the model's k-of-n rule applied to each unit's readings in
// time order, exactly as replay, live scoring and the stream consumer apply it.
import { columnByRole, type Dataset } from '../data/dataset.js';
import { unitTimeOrder } from '../data/order.js';
import { KofN, type DebounceSettings } from './k-of-n.js';

export interface AlarmTrace {
  /** 1 while the reading's unit is in alarm (after this reading). */
  state: Uint8Array;
  /** 1 where the unit's alarm was raised at this reading. */
  raised: Uint8Array;
}

export function alarmTrace(ds: Dataset, flags: Uint8Array, rule: Required<DebounceSettings>, scores?: Float64Array): AlarmTrace {
  const unit = columnByRole(ds, 'unit')?.values;
  const d = new KofN(rule);
  const state = new Uint8Array(ds.rows);
  const raised = new Uint8Array(ds.rows);
  const order = unitTimeOrder(ds); // k-of-n state is per unit: only each unit's own time order matters
  for (let j = 0; j < ds.rows; j++) {
    const i = order ? order[j] : j;
    const u = unit ? unit[i] : 0;
    if (scores && Number.isNaN(scores[i])) {
      state[i] = d.inAlarm(u) ? 1 : 0; // an unscored reading neither raises nor clears
      continue;
    }
    if (d.push(u, flags[i]) === 1) raised[i] = 1;
    state[i] = d.inAlarm(u) ? 1 : 0;
  }
  return { state, raised };
}
