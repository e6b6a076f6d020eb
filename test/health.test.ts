// /healthz's judgement (Health) on a clock of its own: a consumer started from the first event
// counts everything on its partitions as waiting (it said "backlog 0" while a whole partition
// waited, because the tail at claim time was taken as handled); a checkpoint says where a
// partition resumes; a receiver that keeps failing (a consumer group that does not exist) is
// not cleared by the probe's management calls succeeding.
import { describe, expect, test } from 'vitest';
import { Health } from '../src/connectors/health.js';

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (s: number) => (t += s * 1000) };
}

describe('consumer health', () => {
  test('started from the first event, a partition whose events are never delivered is a stall, with its backlog', () => {
    const c = clock();
    const lines: string[] = [];
    const h = new Health({ maxSilenceS: 5 }, (l) => lines.push(l), c.now);
    h.startAt = 'earliest';
    h.claim('0');
    h.claim('1');
    h.tail('0', 3999, 1000); // 3,000 events from 1000 to 3999, none delivered yet
    h.tail('1', -1, 0); // empty
    h.hubOk();
    expect(h.backlog()).toBe(3000);
    expect(h.verdict().ok).toBe(true);
    c.advance(6);
    expect(h.verdict()).toEqual({ ok: false, reason: 'partition 0 stalled: 3000 event(s) waiting, none received for 6 s' });
    h.received('0', 3999);
    h.written('0', 3999, c.now());
    expect(h.verdict()).toMatchObject({ ok: true });
    expect(h.backlog()).toBe(0);
  });

  test('a checkpoint says where a partition resumes; started at the tail, what was there is not waiting', () => {
    const c = clock();
    const h = new Health({}, () => undefined, c.now);
    h.startAt = 'earliest';
    h.claim('0', 2499);
    h.tail('0', 3999, 0);
    expect(h.backlog()).toBe(1500);
    const latest = new Health({}, () => undefined, c.now);
    latest.claim('0');
    latest.tail('0', 3999, 0);
    expect(latest.backlog()).toBe(0);
  });

  test('a receiver that keeps failing stays unhealthy while the probe answers; a batch, or quiet for the stall limit, clears it', () => {
    const c = clock();
    const lines: string[] = [];
    const h = new Health({ maxSilenceS: 10 }, (l) => lines.push(l), c.now);
    h.claim('0');
    h.hubOk();
    const why = "The messaging entity 'sb://x/readings/ConsumerGroups/nogroup' could not be found.";
    for (let i = 0; i < 5; i++) {
      h.receiverFailed(why);
      h.hubOk(); // the probe's management read succeeds every time
      c.advance(3);
      expect(h.verdict()).toEqual({ ok: false, reason: `event hub receivers failing for ${3 * (i + 1)} s: ${why}` });
    }
    // Said once, and never "answers again" while the receivers fail.
    expect(lines).toEqual([`the event hub's receivers fail: ${why}`]);
    c.advance(11);
    expect(h.verdict().ok).toBe(true);
    h.receiverFailed('link detached');
    expect(h.verdict().ok).toBe(false);
    h.received('0');
    expect(h.verdict().ok).toBe(true);
    expect(lines.at(-1)).toMatch(/^the event hub delivers again/);
    // On an idle hub the receiver's quiet wait (no events) says it is attached again.
    h.receiverFailed('link detached');
    expect(h.verdict().ok).toBe(false);
    h.receiverAlive();
    expect(h.verdict().ok).toBe(true);
  });
});
