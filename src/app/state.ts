// Shapes of the page's state shared by the controllers, the views and the session store.
import type { UnitColumnChoice } from '../data/roles.js';
import type { Dataset, ColumnRole } from '../data/dataset.js';
import type { ModelJson } from '../model/types.js';
import { unitKeyNote } from '../model/unit-key-note.js';
import type { WindowStat } from '../features/recipe.js';

export interface TrainSettings {
  trees: number;
  maxSamples: 'auto' | number;
  maxFeatures: number;
  seed: number;
  baseline: string;
  /** Feature recipe: own-unit baseline readings (0 = off), window length and statistics, regimes. */
  unitBaseline: number;
  windowSize: number;
  stats: WindowStat[];
  regimes: 'auto' | 'off';
  alarm: { k: number; n: number; clear: number };
  /** Absent: axis-parallel splits; else an Extended Isolation Forest at this level. */
  extensionLevel?: number | 'full';
  /** The window the single-stream defaults last set (so untouched single-stream settings are known as such, also after a reload). */
  presetWindow?: number;
}

export interface DataMeta {
  name: string;
  format: 'cmapss' | 'csv';
  rows: number;
  columns: { name: string; role: ColumnRole; measure?: string }[];
  notes: string[];
  /** A dataset holding only unit, time and ground-truth columns, for evaluation on the page. */
  truth: Dataset;
  /** The unit column the file was read by, when not the one found by its name: the user's pick (required) or a model's (not). */
  unitColumn?: UnitColumnChoice;
  /** The file has no unit column: truth holds one made up (every row in unit WHOLE_SERIES), which exports leave out. */
  wholeSeries?: boolean;
}

/** A model's unit key against the data loaded, as a sentence to add ('' when they agree). */
export function unitKeyWords(model: ModelJson | undefined, data: DataMeta | undefined): string {
  if (!model || !data) return '';
  const read = data.columns.find((c) => c.role === 'unit')?.name ?? null;
  const note = unitKeyNote(model, read, (n) => data.columns.some((c) => c.name === n));
  return note ? ` ${note[0].toUpperCase()}${note.slice(1)}.` : '';
}
