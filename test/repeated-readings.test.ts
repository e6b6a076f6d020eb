// At-least-once delivery with the real Wasm engine: a batch a publisher's retry stored twice is
// not scored again (the units' windows would see each reading twice and every later score
// would shift), readings repeated inside one batch are caught too, and a late reading that was
// never scored is still scored, in arrival order.
import { describe, expect, test } from 'vitest';
import { getEngine, loadFd001, shippedModel } from './helpers.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { alarmRule } from '../src/model/alarm-rule.js';
import { LiveScorer } from '../src/stream/live-scorer.js';
import { scoreBatch } from '../src/stream/hub-batch.js';
import { streamKeysFor } from '../src/stream/stream-keys.js';
import { RECENT_TIMES } from '../src/stream/recent-times.js';

const engine = await getEngine();
const model = await shippedModel();
const keys = streamKeysFor(model, {}, true);

/** test_FD001's rows as the JSON bodies a publisher sends, in file order (unit by unit). */
function bodies(): Record<string, number>[] {
  const ds = loadFd001('test_FD001.txt');
  return Array.from({ length: 1200 }, (_, r) => Object.fromEntries(ds.columns.map((c) => [c.name, c.values[r]])));
}

function scorer(): LiveScorer {
  return new LiveScorer(new LoadedModel(engine, model), model.threshold.offset, alarmRule(model));
}

function score(s: LiveScorer, batch: Record<string, number>[]) {
  return scoreBatch(s, batch, keys, { firstSeq: 0, arrivedAt: 0, alerts: [] });
}

describe('readings delivered twice', () => {
  const all = bodies();

  test('a batch stored twice is not scored again, and every later score is the uninterrupted run’s', () => {
    const once = scorer();
    const expected = [score(once, all.slice(0, 400)), score(once, all.slice(400, 800)), score(once, all.slice(800))];
    const twice = scorer();
    const first = score(twice, all.slice(0, 400));
    expect(first.repeated).toBeUndefined();
    // The publisher's retry: the second half of the first batch again, then the rest as usual.
    const again = score(twice, [...all.slice(200, 400), ...all.slice(400, 800)]);
    expect(again.repeated).toBe(200);
    expect(again.bodies).toHaveLength(400);
    expect(Array.from(again.scores)).toEqual(Array.from(expected[1].scores));
    expect(again.index[0]).toBe(200); // documents still point at their own events
    const rest = score(twice, all.slice(800));
    expect(Array.from(rest.scores)).toEqual(Array.from(expected[2].scores));
    expect(Array.from(first.scores)).toEqual(Array.from(expected[0].scores));
  });

  test('a reading repeated within one batch is scored once; a late reading never scored is scored', () => {
    const s = scorer();
    const batch = all.slice(0, 50);
    const got = score(s, [...batch.slice(0, 30), batch[29], batch[10], ...batch.slice(30)]);
    expect(got.repeated).toBe(2);
    expect(got.bodies).toHaveLength(50);
    const ref = score(scorer(), batch);
    expect(Array.from(got.scores)).toEqual(Array.from(ref.scores));
    // Unit 1's cycle 5 held back and sent after cycle 20: late, not a repeat.
    const late = scorer();
    const unit1 = all.filter((b) => b.unit_number === 1).slice(0, 20);
    const out = score(late, [...unit1.filter((b) => b.time_in_cycles !== 5), unit1[4]]);
    expect(out.repeated).toBeUndefined();
    expect(out.bodies).toHaveLength(20);
    expect(Number.isFinite(out.scores[19])).toBe(true);
  });

  test('a unit remembers its last RECENT_TIMES times: older repeats are scored as late readings', () => {
    const s = scorer();
    const long = Array.from({ length: RECENT_TIMES + 10 }, (_, t) => ({ ...all[0], time_in_cycles: t + 1 }));
    score(s, long);
    expect(score(s, long.slice(10)).repeated).toBe(RECENT_TIMES);
    expect(score(s, long.slice(0, 10)).repeated).toBeUndefined();
  });
});
