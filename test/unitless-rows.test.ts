// Rows with an empty unit id are one more series that no board row shows: the data's notes say so.
import { expect, test } from 'vitest';
import { csvDataset } from './helpers.js';
import { unitlessRowsNote } from '../src/data/unitless-rows.js';

test('rows without a unit id are counted and the first named; a file whose every row has an id, or one without a unit column, gets no note', () => {
  const lines = ['time,machine_id,temp'];
  for (let i = 0; i < 60; i++) lines.push(`${i},${i % 10 === 7 ? '' : `M${i % 3}`},${50 + (i % 5)}`);
  expect(unitlessRowsNote(csvDataset(lines.join('\n')))).toBe(
    'machine_id is empty in 6 row(s) (first at data row 8): their readings are scored as one more series of their own, counted in the calibration and the evaluation but on no board row; give them an id, or leave them out of the file',
  );
  expect(unitlessRowsNote(csvDataset(lines.filter((_, i) => i === 0 || (i - 1) % 10 !== 7).join('\n')))).toBeUndefined();
  expect(unitlessRowsNote(csvDataset(lines.join('\n').replace('machine_id', 'note')))).toBeUndefined();
});
