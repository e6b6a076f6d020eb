// Each unit's first warning after the baseline, answered for the whole fleet at once. A unit's
// warning records (the new minima of its alarm level, in time order: Records 'first below')
// have values falling strictly, so at offset x the unit's warning is the record r with
// value[r] < x <= the value of its previous record (+Infinity for the first). The records
// active at x are then those entered (value < x) minus those left (previous value < x), and
// the second set is inside the first: counts are two binary searches, and lead-time
// quantiles are the k-th smallest of a difference of two prefixes (wavelet matrices over
// the leads' ranks). A frame costs O(log) instead of a search per unit.
import { lowerBound } from '../alarms/alarm-levels.js';
import { sortDoubles, sortOrder } from '../alarms/radix-sort.js';
import type { RecordsData } from '../alarms/level-index.js';
import { buildWavelet, kthOfDifference, type WaveletData } from './wavelet-matrix.js';

export interface LeadIndexData {
  /** Values of the records, sorted ascending; and the previous record's value where there is one. */
  enter: Float64Array;
  leave: Float64Array;
  /** The records' lead ranks in the order of `enter` and of `leave`. */
  enterLeads: WaveletData;
  leaveLeads: WaveletData;
  /** Distinct lead times ascending, a rank's value; NaN last if any lead is NaN. */
  leads: Float64Array;
  /** `enter` and `leave` of the units cut off before the horizon only. */
  cutEnter: Float64Array;
  cutLeave: Float64Array;
}

/**
 * The index of `warning` (records over units 0..k-1, each with its time) with each unit's
 * failure time; `cutOff[g]` marks the units whose data ends before the horizon.
 */
export function indexLeads(warning: RecordsData, failureTime: Float64Array, cutOff: Uint8Array): LeadIndexData {
  const { values, times } = warning;
  // Records with a NaN value are never the answer, and a later record's previous is the last number before it.
  // Two passes (count, then fill): typed arrays of the exact size, as there are millions of records at 6M readings.
  let entering = 0;
  let leaving = 0;
  forEachRecord(warning, (_, prev) => {
    entering++;
    if (prev < Infinity) leaving++;
  });
  const enterRec = new Int32Array(entering);
  const leaveRec = new Int32Array(leaving);
  const leaveValue = new Float64Array(leaving);
  const lead = new Float64Array(values.length);
  const cut = new Uint8Array(values.length);
  let e = 0;
  let l = 0;
  forEachRecord(warning, (r, prev, g) => {
    lead[r] = failureTime[g] - times[r];
    cut[r] = cutOff[g];
    enterRec[e++] = r;
    // A previous value of +Infinity is never below an offset: that record never leaves.
    if (prev < Infinity) {
      leaveRec[l] = r;
      leaveValue[l++] = prev;
    }
  });
  const enterOrder = sortOrder(Float64Array.from(enterRec, (r) => values[r]));
  const leaveOrder = sortOrder(leaveValue);
  const { leads, rankOf } = rankLeads(Float64Array.from(enterRec, (r) => lead[r]));
  const rankByRecord = new Int32Array(values.length);
  for (let i = 0; i < entering; i++) rankByRecord[enterRec[i]] = rankOf[i];
  const levels = Math.max(1, Math.ceil(Math.log2(Math.max(2, leads.length))));
  const enter = Float64Array.from(enterOrder, (i) => values[enterRec[i]]);
  const leave = Float64Array.from(leaveOrder, (i) => leaveValue[i]);
  return {
    enter,
    leave,
    enterLeads: buildWavelet(
      Int32Array.from(enterOrder, (i) => rankByRecord[enterRec[i]]),
      levels,
    ),
    leaveLeads: buildWavelet(
      Int32Array.from(leaveOrder, (i) => rankByRecord[leaveRec[i]]),
      levels,
    ),
    leads,
    cutEnter: enter.filter((_, j) => cut[enterRec[enterOrder[j]]] === 1),
    cutLeave: leave.filter((_, j) => cut[leaveRec[leaveOrder[j]]] === 1),
  };
}

/** Each record with a number for a value, with the value of the record before it in its group (+Infinity: none). */
function forEachRecord(warning: RecordsData, visit: (r: number, prev: number, g: number) => void): void {
  const { values, start } = warning;
  for (let g = 0; g + 1 < start.length; g++) {
    let prev = Infinity;
    for (let r = start[g]; r < start[g + 1]; r++) {
      const v = values[r];
      if (v !== v) continue;
      visit(r, prev, g);
      prev = v;
    }
  }
}

/** Distinct leads ascending (NaN last) and each lead's rank among them. */
function rankLeads(lead: Float64Array): { leads: Float64Array; rankOf: Int32Array } {
  let nan = 0;
  for (let i = 0; i < lead.length; i++) if (lead[i] !== lead[i]) nan++;
  const numbers = new Float64Array(lead.length - nan);
  for (let i = 0, w = 0; i < lead.length; i++) if (lead[i] === lead[i]) numbers[w++] = lead[i];
  sortDoubles(numbers);
  let distinct = 0;
  for (let i = 0; i < numbers.length; i++) if (i === 0 || numbers[i] !== numbers[i - 1]) numbers[distinct++] = numbers[i];
  const leads = new Float64Array(distinct + (nan ? 1 : 0));
  leads.set(numbers.subarray(0, distinct));
  if (nan) leads[distinct] = NaN;
  const rankOf = Int32Array.from(lead, (v) => (v !== v ? distinct : lowerBound(leads, 0, distinct, v)));
  return { leads, rankOf };
}

/** Queries of a LeadIndexData at an offset. */
export class LeadIndex {
  private readonly d: LeadIndexData;

  constructor(d: LeadIndexData) {
    this.d = d;
  }

  /**
   * At offset x: the units warned, the cut-off ones among them, and numpy's linear quantiles
   * `qs` of the warned units' lead times (null when none is warned).
   */
  at(x: number, qs: readonly number[]): { warned: number; cutOffWarned: number; quantiles: (number | null)[] } {
    const { enter, leave, cutEnter, cutLeave, enterLeads, leaveLeads, leads } = this.d;
    const a = lowerBound(enter, 0, enter.length, x);
    const b = lowerBound(leave, 0, leave.length, x);
    const warned = a - b;
    const kth = (k: number) => leads[kthOfDifference(enterLeads, a, leaveLeads, b, k)];
    const quantiles = qs.map((q) => {
      if (!warned) return null;
      const pos = (warned - 1) * q;
      const lo = Math.floor(pos);
      const low = kth(lo);
      const high = lo + 1 < warned ? kth(lo + 1) : low;
      return low + (high - low) * (pos - lo);
    });
    const cutOffWarned = lowerBound(cutEnter, 0, cutEnter.length, x) - lowerBound(cutLeave, 0, cutLeave.length, x);
    return { warned, cutOffWarned, quantiles };
  }
}
