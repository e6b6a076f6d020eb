// The replay's last word counts the readings it could not score, as the score step does.
import { expect, test } from 'vitest';
import { finishedWords } from '../src/app/replay-controller.js';

test('a replay with unscored readings says how many were scored, not that all were', () => {
  expect(finishedWords(30_000, 15_953, 12)).toBe(
    'Replay finished: 30,000 readings replayed, 14,047 scored (15,953 not: an input missing, or the feature window still filling), 12 alarm changes.',
  );
  expect(finishedWords(20_631, 0, 1)).toBe('Replay finished: 20,631 readings scored, 1 alarm change.');
});
