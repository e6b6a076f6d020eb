// Replay as the page drives it: Restart starts the counts over, so "Processed" never
// passes the total however often it is pressed.
import { expect, test } from 'vitest';
import { getEngine, loadFd001, shippedModel, until } from './helpers.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { alarmRule } from '../src/model/alarm-rule.js';
import { LiveScorer } from '../src/stream/live-scorer.js';
import { Replay, type LiveUpdate } from '../src/stream/replay.js';

test('Restart zeroes processed, alerts and rate; a second full run counts the same as the first', async () => {
  const ds = loadFd001('test_FD001.txt');
  const model = await shippedModel();
  const loaded = new LoadedModel(await getEngine(), model);
  const scorer = new LiveScorer(loaded, model.threshold.offset, alarmRule(model));
  const updates: LiveUpdate[] = [];
  const replay = new Replay(ds, loaded.streamInputs, scorer, Infinity, (u) => updates.push(u));
  replay.play();
  await until(() => replay.state === 'finished', 30_000, 'the first run');
  const first = updates.at(-1)!;
  const raised = updates.flatMap((u) => u.alerts).filter((a) => a.kind === 'raised').length;
  expect(first.stats.processed).toBe(ds.rows);

  updates.length = 0;
  replay.restart();
  await until(() => replay.state === 'finished', 30_000, 'the second run');
  expect(Math.max(...updates.map((u) => u.stats.processed))).toBe(ds.rows);
  expect(updates.flatMap((u) => u.alerts).filter((a) => a.kind === 'raised').length).toBe(raised);
  expect(updates[0].seq[0]).toBe(0);
  loaded.dispose();
});
