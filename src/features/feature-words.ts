// Names people read: a column as engineers know it ("phi (sensor 12)" for C-MAPSS data),
// and a derived feature in words ("sensor_12:dev20:mean5" → "phi (sensor 12): deviation
// from the unit's first 20 readings, mean of the last 5"). The feature names come from
// recipe.ts (derivedNames); this reads them back.
import { cmapssSensor, hasCmapssLayout } from '../data/cmapss-sensors.js';

export interface ColumnName {
  /** The short name for tight places: "phi", or the column name itself. */
  short: string;
  /** "phi (sensor 12)", or the column name. */
  label: string;
  /** "ratio of fuel flow to Ps30", when documented. */
  meaning?: string;
  /** Measurement unit, when documented; '' for a ratio. */
  unit?: string;
}

export type Namer = (column: string) => ColumnName;

const plain: Namer = (column) => ({ short: column, label: column });

/** Engineers' names when the data is laid out as C-MAPSS; the column names otherwise, with the units of measure a file gave. */
export function columnNamer(columnNames: readonly string[], measures?: ReadonlyMap<string, string>): Namer {
  if (!hasCmapssLayout(columnNames)) return measures?.size ? (column) => ({ ...plain(column), unit: measures.get(column) }) : plain;
  return (column) => {
    const s = cmapssSensor(column);
    return s ? { short: s.symbol, label: `${s.symbol} (sensor ${s.index})`, meaning: s.meaning, unit: s.unit } : plain(column);
  };
}

// input, then the recipe's suffixes in the order derivedNames writes them.
const DERIVED = /^(.*?)(:regime)?(?::dev(\d+))?(?::(mean|std|slope)(\d+))?$/;
const STAT_WORDS = { mean: 'mean of the last', std: 'standard deviation of the last', slope: 'slope over the last' } as const;

export interface FeatureWords {
  /** The raw column the feature is computed from. */
  input: string;
  /** The input's name ("phi (sensor 12)"). */
  label: string;
  /** What was done to it, in words; '' for a raw column. */
  steps: string;
  /** label and steps together. */
  text: string;
}

/** A feature in words. `inputs` (the model's raw columns) settles names that contain ':' themselves. */
export function describeFeature(feature: string, name: Namer, inputs?: readonly string[]): FeatureWords {
  const known = inputs?.find((i) => feature === i || feature.startsWith(`${i}:`));
  const m = DERIVED.exec(known ? `\u0000${feature.slice(known.length)}` : feature)!;
  const input = known ?? m[1];
  const steps: string[] = [];
  if (m[2]) steps.push('standardised within its operating regime');
  if (m[3]) steps.push(`deviation from the unit's first ${m[3]} readings`);
  if (m[4]) steps.push(`${STAT_WORDS[m[4] as keyof typeof STAT_WORDS]} ${m[5]}`);
  const label = name(input).label;
  const text = steps.length ? `${label}: ${steps.join(', ')}` : label;
  return { input, label, steps: steps.join(', '), text };
}

/** The raw column behind a feature. */
export function inputOf(feature: string, inputs?: readonly string[]): string {
  return describeFeature(feature, plain, inputs).input;
}

/** Why training left inputs out (the CLI and the page say the same). */
export function regimeConstantLine(names: string[]): string {
  const one = names.length === 1;
  return `left out ${names.join(', ')}: in the training rows ${one ? 'it is' : 'they are'} constant within each operating regime, so the forest could not split on ${one ? 'it' : 'them'}`;
}
