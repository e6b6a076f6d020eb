// The C-MAPSS sensors as engineers know them: symbol, meaning and unit of sensors 1–21,
// from the dataset's documentation (Saxena et al., "Damage Propagation Modeling for
// Aircraft Engine Run-to-Failure Simulation", PHM08, table 2). The files themselves only
// number the columns, so the names apply only to data laid out as C-MAPSS.
import { CMAPSS_COLUMNS } from './cmapss.js';

export interface SensorInfo {
  symbol: string;
  meaning: string;
  /** Measurement unit; '' for a ratio. */
  unit: string;
}

export const CMAPSS_SENSORS: readonly SensorInfo[] = [
  { symbol: 'T2', meaning: 'total temperature at fan inlet', unit: '°R' },
  { symbol: 'T24', meaning: 'total temperature at LPC outlet', unit: '°R' },
  { symbol: 'T30', meaning: 'total temperature at HPC outlet', unit: '°R' },
  { symbol: 'T50', meaning: 'total temperature at LPT outlet', unit: '°R' },
  { symbol: 'P2', meaning: 'pressure at fan inlet', unit: 'psia' },
  { symbol: 'P15', meaning: 'total pressure in bypass duct', unit: 'psia' },
  { symbol: 'P30', meaning: 'total pressure at HPC outlet', unit: 'psia' },
  { symbol: 'Nf', meaning: 'physical fan speed', unit: 'rpm' },
  { symbol: 'Nc', meaning: 'physical core speed', unit: 'rpm' },
  { symbol: 'epr', meaning: 'engine pressure ratio (P50/P2)', unit: '' },
  { symbol: 'Ps30', meaning: 'static pressure at HPC outlet', unit: 'psia' },
  { symbol: 'phi', meaning: 'ratio of fuel flow to Ps30', unit: 'pps/psi' },
  { symbol: 'NRf', meaning: 'corrected fan speed', unit: 'rpm' },
  { symbol: 'NRc', meaning: 'corrected core speed', unit: 'rpm' },
  { symbol: 'BPR', meaning: 'bypass ratio', unit: '' },
  { symbol: 'farB', meaning: 'burner fuel-air ratio', unit: '' },
  { symbol: 'htBleed', meaning: 'bleed enthalpy', unit: '' },
  { symbol: 'Nf_dmd', meaning: 'demanded fan speed', unit: 'rpm' },
  { symbol: 'PCNfR_dmd', meaning: 'demanded corrected fan speed', unit: 'rpm' },
  { symbol: 'W31', meaning: 'HPT coolant bleed', unit: 'lbm/s' },
  { symbol: 'W32', meaning: 'LPT coolant bleed', unit: 'lbm/s' },
];

/** True when every C-MAPSS column is there by name (the C-MAPSS reader, or a CSV export of it). */
export function hasCmapssLayout(columnNames: readonly string[]): boolean {
  const have = new Set(columnNames);
  return CMAPSS_COLUMNS.every((c) => have.has(c));
}

/** The documented sensor behind a C-MAPSS column name ("sensor_12" → phi), if any. */
export function cmapssSensor(column: string): (SensorInfo & { index: number }) | undefined {
  const m = /^sensor_(\d+)$/.exec(column);
  const index = m ? Number(m[1]) : 0;
  const info = CMAPSS_SENSORS[index - 1];
  return info && { ...info, index };
}
