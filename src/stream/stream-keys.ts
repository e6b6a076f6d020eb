// Which fields key a streamed reading: the flags if given, else the unit and time columns the
// model was trained on. A model from before isoscope recorded them falls back to the C-MAPSS
// names only where the caller allows it (serve, the library); consume refuses instead.
import type { ModelJson } from '../model/types.js';
import type { StreamKeys } from './reading-codec.js';

/** The C-MAPSS key fields, for models that do not name theirs. */
export const CMAPSS_KEYS: StreamKeys = { unitField: 'unit_number', timeField: 'time_in_cycles' };
/** `--unit-field none`: the stream has no unit field and is one unit. */
export const NO_UNIT = 'none';

export interface KeyFlags {
  unit?: string;
  time?: string;
}

/** The stream's keys; throws a one-line error when they cannot be found and `fallback` is not allowed. */
export function streamKeysFor(model: ModelJson, flags: KeyFlags, fallback: boolean): StreamKeys {
  const unit = flags.unit !== undefined ? (flags.unit === NO_UNIT ? null : flags.unit) : model.keys ? model.keys.unit : undefined;
  const time = flags.time ?? model.keys?.time ?? undefined;
  if (unit !== undefined && time) return { unitField: unit, timeField: time };
  if (fallback && !model.keys)
    return { unitField: unit === undefined ? CMAPSS_KEYS.unitField : unit, timeField: time ?? CMAPSS_KEYS.timeField };
  const missing = [unit === undefined ? '--unit-field' : '', time ? '' : '--time-field'].filter(Boolean).join(' and ');
  const why = model.keys
    ? `model ${model.id} was trained on data without a time column`
    : `model ${model.id} does not name the unit and time columns it was trained on (it predates isoscope recording them)`;
  throw new Error(
    `${why}: pass ${missing} to say which fields key a reading${unit === undefined ? ` (--unit-field ${NO_UNIT} for one unit)` : ''}`,
  );
}
