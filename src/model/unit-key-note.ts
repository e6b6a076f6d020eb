// A model tells units apart by the column it was trained with (keys.unit). Data read otherwise,
// by another column, or as one series (it lacks that column, or the user said so), is scored
// with windows and alarm rules running across machines: that is said, never left silent.
import type { ModelJson } from './types.js';

/** Why the data's units are not the model's, or undefined when they are (or the model records none). */
export function unitKeyNote(model: ModelJson, read: string | null, has: (name: string) => boolean): string | undefined {
  const recorded = model.keys?.unit;
  if (recorded === null && read !== null)
    return `model ${model.id} was trained on one series, but this data's units are read from ${read}: each unit is scored as a series of its own, against one machine's normal`;
  if (!recorded || recorded === read) return undefined;
  const by = `model ${model.id} tells machines apart by ${recorded}`;
  if (read !== null) return `${by}, but this data's units are read from ${read}`;
  return has(recorded)
    ? `${by}, but this data is read as one series, so all its machines' readings are scored as one machine's`
    : `${by}, but this data has no column ${recorded}, so all its readings are scored as one machine's`;
}
