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
import { walkRecords } from '../alarms/level-index.js';
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
 * The index of the units' warning records, found here without materialising them: the
 * positions of group g are start[g]..start[g+1] in time order, `keep` marks those after the
 * baseline, `timeAt` gives a position's time, `failureTime[g]` the unit's failure time, and
 * `cutOff[g]` marks the units whose data ends before the horizon.
 */
export function indexLeads(
  start: Int32Array,
  level: Float64Array,
  keep: Uint8Array | undefined,
  timeAt: (p: number) => number,
  failureTime: Float64Array,
  cutOff: Uint8Array,
): LeadIndexData {
  // Two walks (count, then fill): typed arrays of the exact size, as there are millions of records at 6M readings.
  let entering = 0;
  let leaving = 0;
  eachWarning(start, level, keep, (_v, prev) => {
    entering++;
    if (prev < Infinity) leaving++;
  });
  const enterValue = new Float64Array(entering);
  const enterLead = new Float64Array(entering);
  const enterCut = new Uint8Array(entering);
  const leaveValue = new Float64Array(leaving);
  const leaveLead = new Float64Array(leaving);
  const leaveCut = new Uint8Array(leaving);
  let e = 0;
  let l = 0;
  eachWarning(start, level, keep, (v, prev, p, g) => {
    const lead = failureTime[g] - timeAt(p);
    enterValue[e] = v;
    enterLead[e] = lead;
    enterCut[e++] = cutOff[g];
    // A previous value of +Infinity is never below an offset: that record never leaves.
    if (prev < Infinity) {
      leaveValue[l] = prev;
      leaveLead[l] = lead;
      leaveCut[l++] = cutOff[g];
    }
  });
  const { leads, rankOf } = rankLeads(enterLead);
  const nan = leads.length && leads[leads.length - 1] !== leads[leads.length - 1] ? leads.length - 1 : leads.length;
  const levels = Math.max(1, Math.ceil(Math.log2(Math.max(2, leads.length))));
  const side = (value: Float64Array, rank: (i: number) => number, cut: Uint8Array) => {
    const order = sortOrder(value);
    const sorted = Float64Array.from(order, (i) => value[i]);
    return {
      sorted,
      leads: buildWavelet(
        Int32Array.from(order, (i) => rank(i)),
        levels,
      ),
      cut: sorted.filter((_, j) => cut[order[j]] === 1),
    };
  };
  const enter = side(enterValue, (i) => rankOf[i], enterCut);
  const leave = side(leaveValue, (i) => (leaveLead[i] !== leaveLead[i] ? nan : lowerBound(leads, 0, nan, leaveLead[i])), leaveCut);
  return {
    enter: enter.sorted,
    leave: leave.sorted,
    enterLeads: enter.leads,
    leaveLeads: leave.leads,
    leads,
    cutEnter: enter.cut,
    cutLeave: leave.cut,
  };
}

/**
 * The warning records ('first below' after the baseline) with a number for a value: a NaN
 * record is never the answer, and a record's previous is the last number before it in its
 * unit (+Infinity: none).
 */
function eachWarning(
  start: Int32Array,
  level: Float64Array,
  keep: Uint8Array | undefined,
  visit: (v: number, prev: number, p: number, g: number) => void,
): void {
  let unit = -1;
  let prev = Infinity;
  walkRecords(start, level, 'first below', keep, (p, v, g) => {
    if (g !== unit) {
      unit = g;
      prev = Infinity;
    }
    if (v !== v) return;
    visit(v, prev, p, g);
    prev = v;
  });
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
