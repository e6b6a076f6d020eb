import { expect, test } from 'vitest';
import { LiveWindow } from '../src/app/live-window.js';

test('the live window keeps each point’s unit: a fleet’s interleaved readings give one unit’s line, across the ring’s wrap', () => {
  const w = new LiveWindow(4);
  const f64 = (...v: number[]) => Float64Array.from(v);
  // Units 1 and 2 arrive interleaved; score_samples −0.5 … −0.8.
  w.push(f64(0, 1, 2), f64(1, 2, 1), f64(-0.5, -0.6, NaN), Uint8Array.of(0, 1, 0));
  w.push(f64(3, 4), f64(2, 1), f64(-0.7, -0.8), Uint8Array.of(0, 0));
  const [x, y, flagged, own] = w.series(2);
  expect(x).toEqual([1, 2, 3, 4]); // the oldest point left the ring
  expect(y).toEqual([0.6, null, 0.7, 0.8]);
  expect(flagged).toEqual([0.6, null, null, null]);
  expect(own).toEqual([0.6, null, 0.7, null]);
  expect(w.series(1)[3]).toEqual([null, null, null, 0.8]); // unit 1's unscored reading is a gap
  expect(w.series()[3]).toEqual([null, null, null, null]);
});
