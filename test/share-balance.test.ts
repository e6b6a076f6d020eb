// The main thread's share of `score --threads`: it must shrink as the main thread's own work
// (parsing, writing) grows, and new units must go to the threads in proportion to the shares.
import { describe, expect, test } from 'vitest';
import { ShareBalance } from '../src/cli/share-balance.js';

describe('ShareBalance', () => {
  test('solves p + f·s = (1 − f)·w / W from the measured times', () => {
    const b = new ShareBalance(1);
    b.noteMain(2_000, 1_000); // s = 2 ms per row
    b.noteWorker(2_000, 1_000); // w = 2
    b.noteOverhead(1_000, 1_000); // p = 1
    expect(b.mainShare()).toBeCloseTo(0.25, 12); // 1 + 0.25·2 = 0.75·2
    b.noteOverhead(3_000, 0); // p = 4: more than a worker's whole row, so the main thread scores next to nothing
    expect(b.mainShare()).toBe(0.02);
    const three = new ShareBalance(3);
    three.noteMain(1_000, 1_000);
    three.noteWorker(3_000, 1_000); // w / W = 1
    three.noteOverhead(500, 1_000);
    expect(three.mainShare()).toBeCloseTo(0.25, 12); // 0.5 + 0.25 = 0.75 · 1
  });

  test('new units go to the threads in proportion to their shares', () => {
    const b = new ShareBalance(2);
    b.noteMain(1_000, 1_000);
    b.noteWorker(2_000, 1_000);
    b.noteOverhead(0.0001, 1_000); // f = (1 − 0) / (1 + 1) = 0.5, each worker 0.25
    const given = [0, 0, 0];
    for (let u = 0; u < 4_000; u++) {
      const k = b.nextOwner();
      given[k]++;
      b.noteRows(Int32Array.from([0, 1, 2], (j) => (j === k ? 200 : 0))); // each unit 200 rows
    }
    expect(given[0] / 4_000).toBeCloseTo(0.5, 2);
    expect(given[1] / 4_000).toBeCloseTo(0.25, 2);
    expect(given[2] / 4_000).toBeCloseTo(0.25, 2);
  });

  test('before anything is measured the main thread takes a quarter, split over the workers', () => {
    expect(new ShareBalance(1).mainShare()).toBe(0.25);
    expect(new ShareBalance(3).mainShare()).toBeCloseTo(0.25 / 3, 12);
    expect(new ShareBalance(0).mainShare()).toBe(1);
  });
});
