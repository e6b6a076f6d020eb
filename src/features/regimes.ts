// Operating-regime normalisation: when the operating-setting columns fall into a few
// clusters (C-MAPSS FD002/FD004 fly six conditions), each sensor is standardised within
// its regime. Regimes come from k-means on the settings, k chosen by silhouette.

export interface RegimeModel {
  settings: string[];
  /** k × settings centres (in standardised setting units). */
  centers: number[][];
  settingMean: number[];
  settingScale: number[];
  /** Per regime, per input: mean and scale of the input within the regime. */
  mean: number[][];
  scale: number[][];
}

/** Index of the nearest centre for one row of raw settings. */
export function regimeOf(m: RegimeModel, settings: ArrayLike<number>): number {
  let best = 0;
  let bestD = Infinity;
  for (let c = 0; c < m.centers.length; c++) {
    let d = 0;
    for (let j = 0; j < m.settings.length; j++) {
      const z = (settings[j] - m.settingMean[j]) / m.settingScale[j] - m.centers[c][j];
      d += z * z;
    }
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/** A regime as engineers know it: its centre in the settings' own units ("setting_1 35, setting_2 0.84"). */
export function regimeLabel(m: RegimeModel, r: number): string {
  return m.settings.map((s, j) => `${s} ${Number((m.centers[r][j] * m.settingScale[j] + m.settingMean[j]).toPrecision(3))}`).join(', ');
}
