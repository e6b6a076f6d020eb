// The answers serve keeps for retries: bounded by count, bytes and age, oldest dropped first,
// and a body told apart from another only by what it holds, not how it is spaced.
import { describe, expect, test } from 'vitest';
import { fingerprint as f, keyProblem, ReplayStore } from '../src/server/replays.js';

describe('ReplayStore', () => {
  test('the same body gets the kept answer; another body is told apart; a new key is unknown', () => {
    const store = new ReplayStore();
    store.keep('k', f([{ a: 1, b: 2 }]), '[1]');
    expect(store.find('k', f(JSON.parse('[ {"a": 1, "b": 2} ]')))).toEqual({ kind: 'answer', answer: '[1]' });
    expect(store.find('k', f([{ a: 1, b: 3 }]))).toEqual({ kind: 'other-body' });
    expect(store.find('other', f([{ a: 1, b: 2 }]))).toBeUndefined();
  });

  test('past its count or bytes the oldest answers go first', () => {
    const byCount = new ReplayStore({ entries: 2, bytes: 1 << 20, ttlMs: 1e9 });
    for (const k of ['a', 'b', 'c']) byCount.keep(k, f(k), k);
    expect([byCount.find('a', f('a')), byCount.size]).toEqual([undefined, 2]);
    expect(byCount.find('c', f('c'))).toEqual({ kind: 'answer', answer: 'c' });
    const bySize = new ReplayStore({ entries: 100, bytes: 3000, ttlMs: 1e9 });
    for (const k of ['a', 'b', 'c']) bySize.keep(k, f(k), 'x'.repeat(600));
    expect([bySize.find('a', f('a')), bySize.find('b', f('b'))?.kind, bySize.find('c', f('c'))?.kind]).toEqual([
      undefined,
      'answer',
      'answer',
    ]);
    // An answer larger than the whole budget is not kept, and drops nothing.
    bySize.keep('huge', f('huge'), 'x'.repeat(5000));
    expect([bySize.find('huge', f('huge')), bySize.size]).toEqual([undefined, 2]);
  });

  test('answers older than the time kept are forgotten', () => {
    let now = 0;
    const store = new ReplayStore({ entries: 100, bytes: 1 << 20, ttlMs: 1000 }, () => now);
    store.keep('old', f(1), '1');
    now = 600;
    store.keep('new', f(2), '2');
    now = 1100;
    expect([store.find('old', f(1)), store.find('new', f(2))]).toEqual([undefined, { kind: 'answer', answer: '2' }]);
  });

  test('a key is 1 to 255 printable ASCII characters, spaces only inside', () => {
    for (const ok of ['a', '550e8400-e29b-41d4-a716-446655440000', 'batch 7 of 9', 'x'.repeat(255)]) expect(keyProblem(ok)).toBeUndefined();
    for (const bad of ['', ' a', 'a ', 'x'.repeat(256), 'caf\u00e9', 'a\tb']) expect(keyProblem(bad)).toMatch(/printable ASCII/);
  });
});
