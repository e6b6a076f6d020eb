import { describe, expect, test } from 'vitest';
import { LiveBuffer, POINTS_PER_UPDATE } from '../src/stream/live-buffer.js';

describe('live chart points', () => {
  test('thinning keeps every spike and alarm: a kept point is the most anomalous of the readings it stands for', () => {
    const n = 10_007;
    const scores = new Float64Array(n).fill(-0.4);
    const flags = new Uint8Array(n);
    const units = new Float64Array(n).map((_, i) => i % 7);
    scores[4321] = -0.75; // a spike between the points a stride would keep
    flags[4321] = 1;
    scores[9000] = NaN; // unscored readings never win a run over scored ones
    const buffer = new LiveBuffer();
    buffer.add(100, units, scores, flags, n);
    buffer.add(100 + n, units, scores, flags, n);
    const points = buffer.take();
    expect(points.seq.length).toBeLessThanOrEqual(POINTS_PER_UPDATE);
    const spikes = [...points.seq.keys()].filter((k) => points.flag[k]);
    expect(spikes.map((k) => [points.seq[k], points.unit[k], points.score[k]])).toEqual([
      [100 + 4321, 4321 % 7, -0.75],
      [100 + n + 4321, 4321 % 7, -0.75],
    ]);
    expect(points.score.every((s) => !Number.isNaN(s))).toBe(true);
    // Points stay in reading order.
    expect(points.seq.every((s, k) => k === 0 || s > points.seq[k - 1])).toBe(true);
    expect(buffer.take().seq.length).toBe(0);
  });
});
