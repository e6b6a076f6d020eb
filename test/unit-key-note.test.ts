// A model's unit key against the data's: said when they differ, silent when they agree or the model records none.
import { expect, test } from 'vitest';
import { unitKeyNote } from '../src/model/unit-key-note.js';
import type { ModelJson } from '../src/model/types.js';

const model = (unit: string | null | undefined) =>
  ({ id: 'iso-1', keys: unit === undefined ? undefined : { unit, time: 'Zeit' } }) as ModelJson;

test('the unit column a model records, against the one the data was read by', () => {
  const has = (n: string) => ['Zeit', 'Anlage', 'WEA'].includes(n);
  expect(unitKeyNote(model('Anlage'), 'Anlage', has)).toBeUndefined();
  expect(unitKeyNote(model(undefined), null, has)).toBeUndefined();
  expect(unitKeyNote(model(null), null, has)).toBeUndefined();
  expect(unitKeyNote(model(null), 'WEA', has)).toBe(
    "model iso-1 was trained on one series, but this data's units are read from WEA: each unit is scored as a series of its own, against one machine's normal",
  );
  expect(unitKeyNote(model('Anlage'), 'WEA', has)).toBe(
    "model iso-1 tells machines apart by Anlage, but this data's units are read from WEA",
  );
  expect(unitKeyNote(model('Anlage'), null, has)).toBe(
    "model iso-1 tells machines apart by Anlage, but this data is read as one series, so all its machines' readings are scored as one machine's",
  );
  expect(unitKeyNote(model('Turbine'), null, has)).toBe(
    "model iso-1 tells machines apart by Turbine, but this data has no column Turbine, so all its readings are scored as one machine's",
  );
});
