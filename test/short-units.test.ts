// Units shorter than the own-unit baseline can hardly look unusual: training says how many, and
// when most are, that the unit column may name something finer than a machine.
import { expect, test } from 'vitest';
import { csvDataset } from './helpers.js';
import { shortUnits, shortUnitsWords } from '../src/model/short-units.js';

test('units with fewer readings than the baseline are counted; most of them name the unit column', () => {
  const lines = ['time,machine_id,temp'];
  // Two machines of 40 readings, and 30 batches of 6 under ids of their own.
  for (let i = 0; i < 40; i++) lines.push(`${i},M1,${50 + (i % 5)}`, `${i},M2,${51 + (i % 4)}`);
  for (let b = 0; b < 30; b++) for (let i = 0; i < 6; i++) lines.push(`${100 + i},B${b},${50 + i}`);
  const ds = csvDataset(lines.join('\n'));
  const s = shortUnits(ds, 20)!;
  expect(s).toEqual({ units: 30, of: 32, baseline: 20, column: 'machine_id' });
  expect(shortUnitsWords(s)).toBe(
    "30 of 32 units have fewer readings than the own-unit baseline (20): their readings are compared with the unit's own few first ones, so they can hardly look unusual; if machine_id does not name machines, choose the column that does as the unit column",
  );
  expect(shortUnitsWords({ ...s, units: 3 })).not.toContain('choose');
  expect(shortUnits(ds, 5)).toBeUndefined();
  expect(shortUnits(ds, 0)).toBeUndefined();
});
