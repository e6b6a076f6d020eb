// The training form's checks, read from plain field values (readTrainForm reads only .value and .checked).
import { expect, test } from 'vitest';
import { readTrainForm, type TrainForm } from '../src/app/views/train-form.js';
import type { TrainSettings } from '../src/app/state.js';

const fields = {
  trees: '100',
  maxSamples: 'auto',
  maxFeatures: '1',
  seed: '42',
  mode: 'first',
  amount: '50',
  unitBase: '20',
  win: '5',
  regimes: 'auto',
  alarmK: '5',
  alarmN: '8',
  splits: 'axis',
  level: '0',
};

function read(changed: Partial<typeof fields>): { error: string | null; s: TrainSettings } {
  const inputs = Object.fromEntries(Object.entries({ ...fields, ...changed }).map(([k, value]) => [k, { value }]));
  const form = { inputs, statBoxes: [{ st: 'mean', box: { checked: true } }] } as unknown as TrainForm;
  const s = { alarm: { k: 5, n: 8, clear: 1 } } as TrainSettings;
  return { error: readTrainForm(form, s), s };
}

test('a refused value names its own field and says what would be taken', () => {
  expect(read({}).error).toBeNull();
  expect(read({}).s).toMatchObject({ trees: 100, baseline: 'first:50', alarm: { k: 5, n: 8, clear: 1 } });
  // k above n is k's fault, not n's.
  expect(read({ alarmK: '9', alarmN: '8' }).error).toBe(
    'Alarm rule k: "9" is not allowed: a whole number from 1 to 8: k of the last n = 8 readings',
  );
  expect(read({ alarmN: '0' }).error).toBe('Alarm rule n: "0" is not allowed: a whole number from 1 to 1,000');
  expect(read({ trees: '0' }).error).toBe('Trees: "0" is not allowed: a whole number from 1 to 10,000');
  expect(read({ mode: 'first%', amount: '150' }).error).toBe('Training rows: "150" is not allowed: a percentage above 0 and at most 100');
  expect(read({ maxSamples: '1.5' }).error).toMatch(/^Max samples: "1\.5" is not allowed: auto, a whole number/);
});
