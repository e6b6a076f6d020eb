// Re-thresholding cached scores as the contamination moves, with no retraining:
// the offset is a percentile of the training rows' scores (sorted once), and the
// result reads as an alarm budget: flagged share, alarms per unit, first alarm.

export interface FleetRow {
  unit: number;
  readings: number;
  alarms: number;
  firstAlarmTime: number | null;
}

export interface Thresholded {
  offset: number;
  flags: Uint8Array;
  flagged: number;
  share: number;
  alarmsPerUnit: number;
  fleet: FleetRow[];
}

export class AlarmBudget {
  readonly sortedTraining: Float64Array;
  private readonly scores: Float64Array;
  private readonly time?: Float64Array;
  private readonly flags: Uint8Array;
  private readonly unitIndex: Int32Array;
  private readonly units: number[];

  constructor(scores: Float64Array, trainingMask: Uint8Array, unit?: Float64Array, time?: Float64Array) {
    this.scores = scores;
    this.time = time;
    this.flags = new Uint8Array(scores.length);
    this.sortedTraining = scores.filter((s, i) => trainingMask[i] && !Number.isNaN(s)).sort();
    // Dense unit indices, so a re-threshold is one pass with array counters.
    const index = new Map<number, number>();
    this.unitIndex = new Int32Array(scores.length).fill(-1);
    if (unit) {
      let lastUnit = NaN;
      let lastK = -1;
      for (let i = 0; i < scores.length; i++) {
        const u = unit[i];
        if (Number.isNaN(u)) continue;
        if (u !== lastUnit) { // a unit's readings come in runs: one lookup per run
          let k = index.get(u);
          if (k === undefined) index.set(u, (k = index.size));
          lastUnit = u;
          lastK = k;
        }
        this.unitIndex[i] = lastK;
      }
    }
    this.units = [...index.keys()];
  }

  /** numpy-linear percentile of the training scores, as scikit-learn's offset_. */
  offsetFor(contamination: 'auto' | number): number {
    if (contamination === 'auto') return -0.5;
    const s = this.sortedTraining;
    if (s.length === 0) return NaN;
    const pos = (s.length - 1) * contamination;
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, s.length - 1);
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
  }

  apply(offset: number): Thresholded {
    const n = this.scores.length;
    const k = this.units.length;
    const readings = new Int32Array(k);
    const alarms = new Int32Array(k);
    const first = new Float64Array(k).fill(NaN);
    let flagged = 0;
    let scored = 0;
    for (let i = 0; i < n; i++) {
      const s = this.scores[i];
      const f = s - offset < 0 ? 1 : 0;
      this.flags[i] = f;
      flagged += f;
      if (!Number.isNaN(s)) scored++;
      const u = this.unitIndex[i];
      if (u < 0) continue;
      readings[u]++;
      if (f) {
        alarms[u]++;
        if (Number.isNaN(first[u])) first[u] = this.time ? this.time[i] : i;
      }
    }
    const fleet = this.units.map((unit, j) => ({
      unit, readings: readings[j], alarms: alarms[j], firstAlarmTime: Number.isNaN(first[j]) ? null : first[j],
    }));
    return { offset, flags: this.flags, flagged, share: scored ? flagged / scored : 0, alarmsPerUnit: k ? flagged / k : 0, fleet };
  }
}
