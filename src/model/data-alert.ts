// What the rolling data check (rolling-check.ts) reports: alert edges, each reading's flags, and
// the fleet window as a checkpoint keeps it.

export type AlertKind = 'missing' | 'below' | 'above' | 'flat' | 'unknown_regime';

/** What a raised alert (or a flagged reading) names: the input, or the settings joined by "," for unknown_regime. */
export interface DataFlag {
  input: string;
  kind: AlertKind;
  /** The unit whose own readings show it; absent for the fleet's alert (the stream layer puts the unit id here). */
  unit?: number | string;
}

export interface DataAlert extends DataFlag {
  /** true when raised, false when cleared. */
  raised: boolean;
  /** The share of the window's readings (the unit's own, for a unit's alert) showing it, when the edge was crossed. */
  share: number;
  /** A unit's alert cleared because the fleet's alert for the same input and kind now covers it. */
  covered?: true;
}

/** The fleet window as a checkpoint keeps it: its flags and alerts, and each reading's unit slot. */
export interface FleetState {
  bits: Uint8Array;
  cover: Uint8Array;
  slots: Int32Array;
  active: Uint8Array;
  next: number;
  filled: number;
}
