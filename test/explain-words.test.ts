// What the explanation says of a reading far outside the training range, which an Isolation
// Forest scores no higher than the range's edge.
import { expect, test } from 'vitest';
import { farWords } from '../src/app/views/explain-panel.js';

test('a feature far past the training range is named, the farthest first, with how many are', () => {
  const label = (f: string) => f.toUpperCase();
  expect(farWords(['a', 'b', 'c'], [1.2, -5.9, 3], label)).toBeUndefined();
  const words = farWords(['temp', 'flow', 'temp_mean_5'], [56.7, -2, 12.5], label)!;
  expect(words).toMatch(
    /^TEMP is \+56\.7σ from the training readings \(2 features beyond 6σ\), far past anything the forest trained on\. /,
  );
  expect(words).toMatch(/this score understates how unusual the reading is/);
  expect(farWords(['p'], [-8], label)).toMatch(/^P is -8σ from the training readings, far past/);
});
