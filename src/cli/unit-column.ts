// --unit-column: the column that names each reading's machine, when its header is not one
// isoscope reads as the unit (roles.ts), or `none` for one series. A model records the unit
// column it was trained with (keys.unit); score and evaluate read a file by it unless told.
import type { UnitColumnChoice } from '../data/roles.js';
import type { ModelJson } from '../model/types.js';
import { UsageError } from './errors.js';

export const UNIT_COLUMN_OPTION = { 'unit-column': { type: 'string' } } as const;
export const UNIT_COLUMN_USAGE = '[--unit-column NAME|none]';

/** The flag's choice, else the model's recorded unit column, used when the file has one of that name. */
export function unitColumnChoice(flag: string | undefined, model?: ModelJson): UnitColumnChoice | undefined {
  if (flag !== undefined) {
    if (flag.trim() === '') throw new UsageError('--unit-column takes a column name, or none for one series');
    return { name: flag === 'none' ? null : flag, required: true };
  }
  const recorded = model?.keys?.unit;
  return recorded ? { name: recorded, required: false } : undefined;
}
