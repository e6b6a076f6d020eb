// Gaps in a time axis, within each unit: a logger down for hours shows as one step far longer than the usual one.
import { expect, test } from 'vitest';
import { gapBreaks, timeGaps, withTimeGaps } from '../src/data/time-gaps.js';
import { profileDataset } from '../src/data/profile.js';
import { csvDataset, loadFd001 } from './helpers.js';

const MIN = 60_000;

test('a stretch without readings is found in its unit, the longest named with when it began', () => {
  // Two machines, one reading a minute each; machine 2 stops for 6 h after its 30th reading, then 2 min once.
  const time: number[] = [];
  const unit: number[] = [];
  for (const u of [1, 2])
    for (let i = 0, t = 0; i < 100; i++, t += MIN) {
      if (u === 2 && i === 30) t += 6 * 60 * MIN;
      if (u === 2 && i === 60) t += 20 * MIN;
      time.push(t);
      unit.push(u);
    }
  const g = timeGaps(Float64Array.from(time), Float64Array.from(unit))!;
  expect(g).toEqual({ usualStep: MIN, count: 2, longest: { step: 361 * MIN, after: 29 * MIN, unit: 2 } });
  // The same readings in time order, machines interleaved: each keeps its own last time.
  const order = time.map((_, i) => i).sort((a, b) => time[a] - time[b] || unit[a] - unit[b]);
  const interleaved = timeGaps(
    Float64Array.from(order, (i) => time[i]),
    Float64Array.from(order, (i) => unit[i]),
  );
  expect(interleaved).toEqual(g);
  // A missing time is skipped, not a gap; steps from one unit to the next are no steps.
  const t = Float64Array.from([0, MIN, NaN, 2 * MIN, 3 * MIN, 0, MIN]);
  expect(timeGaps(t, Float64Array.from([1, 1, 1, 1, 1, 2, 2]))).toBeUndefined();
});

test('C-MAPSS cycles have no gaps; a CSV logger that stopped has one, on its time column in the profile', () => {
  const fd = loadFd001();
  expect(withTimeGaps(profileDataset(fd), fd).columns.some((c) => c.gaps)).toBe(false);
  const rows = ['time,temp'];
  for (let i = 0; i < 50; i++) rows.push(`${new Date(Date.UTC(2024, 2, 1) + (i < 25 ? i : i + 360) * MIN).toISOString()},${20 + (i % 3)}`);
  const ds = csvDataset(rows.join('\n'));
  const time = withTimeGaps(profileDataset(ds), ds).columns.find((c) => c.name === 'time')!;
  expect(time.gaps).toEqual({ usualStep: MIN, count: 1, longest: { step: 361 * MIN, after: Date.UTC(2024, 2, 1, 0, 24), unit: NaN } });
});

test('a jittery logger: its usual step is the median of its first 256 steps, whatever the first one was', () => {
  // Unit 1 starts with a long first step, then jitters around 1 s; unit 2 is steady at 2 s; unit 3 has one reading.
  const time: number[] = [];
  const unit: number[] = [];
  const steps1 = [5000, ...Array.from({ length: 300 }, (_, i) => 900 + ((i * 37) % 201))];
  let t = 0;
  for (const d of steps1) {
    time.push(t);
    unit.push(1);
    t += d;
  }
  for (let i = 0; i < 40; i++) {
    time.push(i === 39 ? 39 * 2000 + 60_000 : i * 2000);
    unit.push(2);
  }
  time.push(0);
  unit.push(3);
  const first256 = steps1.slice(0, 256).sort((a, b) => a - b);
  const median = first256[128];
  expect(median).not.toBe(steps1[0]);
  const g = timeGaps(Float64Array.from(time), Float64Array.from(unit))!;
  // Unit 2's last step (62 s) is its one gap; unit 1's first step is under ten times its median.
  expect(g).toEqual({ usualStep: 2000, count: 1, longest: { step: 62_000, after: 38 * 2000, unit: 2 } });
  // A step of ten medians in unit 1 is a gap measured against that median; one a little shorter is not.
  const last1 = time[steps1.length - 1];
  const withStep = (d: number) => timeGaps(Float64Array.from([...time, last1 + d]), Float64Array.from([...unit, 1]))!.count;
  expect(withStep(10 * median)).toBe(2);
  expect(withStep(10 * median - 1)).toBe(1);
});

test('units logging at different rates are each measured against their own step', () => {
  // Unit 1 every second, unit 2 every minute, interleaved in time order: no gaps; then unit 2 stops for 20 min.
  const time: number[] = [];
  const unit: number[] = [];
  for (let s = 0; s < 3600; s++) {
    time.push(s * 1000);
    unit.push(1);
    if (s % 60 === 0 && (s < 1200 || s >= 2400)) {
      time.push(s * 1000);
      unit.push(2);
    }
  }
  const g = timeGaps(Float64Array.from(time), Float64Array.from(unit))!;
  expect(g).toEqual({ usualStep: MIN, count: 1, longest: { step: 21 * MIN, after: 19 * MIN, unit: 2 } });
});

test('a chart breaks its line only between drawn points with a gap between them, thinned or not', () => {
  // 10,000 readings a minute apart, one 5 h stop after the 6,000th; drawn every 97th reading.
  const time = Float64Array.from({ length: 10_000 }, (_, i) => (i < 6000 ? i : i + 300) * MIN);
  const shown = Int32Array.from({ length: Math.ceil(10_000 / 97) }, (_, k) => k * 97);
  const breaks = gapBreaks(time, shown)!;
  const at = [...breaks.keys()].filter((k) => breaks[k]);
  expect(at).toEqual([Math.ceil(6000 / 97)]);
  expect(
    gapBreaks(
      Float64Array.from({ length: 500 }, (_, i) => i),
      shown.slice(0, 5),
    ),
  ).toBeUndefined();
});
