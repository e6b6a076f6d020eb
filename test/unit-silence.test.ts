import { describe, expect, it } from 'vitest';
import { SilenceTracker, silentUnits, silentUnitsNote } from '../src/data/unit-silence.js';
import type { Dataset } from '../src/data/dataset.js';

const HOUR = 3_600_000;

/** Readings of each unit every `step` from t0, `n` of them, interleaved in time order as a logger writes them. */
function fleet(units: { id: number; n: number; step: number; t0?: number }[]): { time: Float64Array; unit: Float64Array } {
  const rows = units.flatMap((u) => Array.from({ length: u.n }, (_, k) => [(u.t0 ?? 0) + k * u.step, u.id]));
  rows.sort((a, b) => a[0] - b[0]);
  return { time: Float64Array.from(rows, (r) => r[0]), unit: Float64Array.from(rows, (r) => r[1]) };
}

describe('silentUnits', () => {
  it('names a unit whose readings stopped ten intervals or more before the fleet’s latest, with its last reading', () => {
    const { time, unit } = fleet([
      { id: 1, n: 100, step: HOUR },
      { id: 2, n: 100, step: HOUR },
      { id: 3, n: 60, step: HOUR },
    ]);
    const s = silentUnits(time, unit)!;
    expect(s.latest).toBe(99 * HOUR);
    expect([...s.silent]).toEqual([[3, 59 * HOUR]]);
  });

  it('judges each unit by its own interval: a daily unit a few hours behind is not silent', () => {
    const { time, unit } = fleet([
      { id: 1, n: 240, step: HOUR },
      { id: 2, n: 240, step: HOUR },
      { id: 7, n: 10, step: 24 * HOUR },
    ]);
    expect(silentUnits(time, unit)).toBeUndefined();
  });

  it('a unit nine intervals behind is current', () => {
    const { time, unit } = fleet([
      { id: 1, n: 100, step: HOUR },
      { id: 2, n: 91, step: HOUR },
      { id: 3, n: 100, step: HOUR },
    ]);
    expect(silentUnits(time, unit)).toBeUndefined();
    const ten = fleet([
      { id: 1, n: 100, step: HOUR },
      { id: 2, n: 90, step: HOUR },
      { id: 3, n: 100, step: HOUR },
    ]);
    expect([...silentUnits(ten.time, ten.unit)!.silent.keys()]).toEqual([2]);
  });

  it('recordings made one after another (most units ended before the last began) are not a silent fleet', () => {
    const { time, unit } = fleet([
      { id: 1, n: 100, step: 1000, t0: 0 },
      { id: 2, n: 100, step: 1000, t0: 200 * 1000 },
      { id: 3, n: 100, step: 1000, t0: 400 * 1000 },
    ]);
    expect(silentUnits(time, unit)).toBeUndefined();
    // Two recorded, then two more: half the fleet ended before the other half began.
    const batches = fleet([
      { id: 1, n: 100, step: 1000, t0: 0 },
      { id: 2, n: 100, step: 1000, t0: 0 },
      { id: 3, n: 100, step: 1000, t0: 200 * 1000 },
      { id: 4, n: 100, step: 1000, t0: 200 * 1000 },
    ]);
    expect(silentUnits(batches.time, batches.unit)).toBeUndefined();
    // Three current, one recorded before them: not silenced either; one that stopped while they ran is.
    const before = fleet([
      { id: 1, n: 100, step: 1000, t0: 0 },
      { id: 2, n: 100, step: 1000, t0: 200 * 1000 },
      { id: 3, n: 100, step: 1000, t0: 200 * 1000 },
      { id: 4, n: 100, step: 1000, t0: 200 * 1000 },
      { id: 5, n: 50, step: 1000, t0: 200 * 1000 },
    ]);
    expect([...silentUnits(before.time, before.unit)!.silent.keys()]).toEqual([5]);
  });

  it('ids that are no small whole numbers (equipment numbers, negatives, fractions) are told apart as well', () => {
    const { time, unit } = fleet([
      { id: 1e9, n: 100, step: HOUR },
      { id: -3, n: 100, step: HOUR },
      { id: 2.5, n: 100, step: HOUR },
      { id: 42, n: 100, step: HOUR },
      { id: 7, n: 60, step: HOUR },
      { id: 1e9 + 1, n: 60, step: HOUR },
    ]);
    expect([...silentUnits(time, unit)!.silent.keys()].sort((a, b) => a - b)).toEqual([7, 1e9 + 1]);
  });

  it('one unit logging throughout two batches does not make the first batch silent; earlier bench runs do not hide a silent unit', () => {
    const batches = fleet([
      ...Array.from({ length: 4 }, (_, k) => ({ id: 1 + k, n: 500, step: 60_000 })),
      ...Array.from({ length: 6 }, (_, k) => ({ id: 11 + k, n: 500, step: 60_000, t0: 600 * 60_000 })),
      { id: 200, n: 1100, step: 60_000 },
    ]);
    expect(silentUnits(batches.time, batches.unit)).toBeUndefined();
    const benchThenFleet = fleet([
      ...Array.from({ length: 30 }, (_, k) => ({ id: 100 + k, n: 20, step: 60_000, t0: k * 20 * 60_000 })),
      ...Array.from({ length: 20 }, (_, k) => ({ id: 1 + k, n: k === 4 ? 300 : 500, step: 60_000, t0: 600 * 60_000 })),
    ]);
    expect([...silentUnits(benchThenFleet.time, benchThenFleet.unit)!.silent.keys()]).toEqual([5]);
  });

  it('one logger with a clock far ahead (a reading dated 2099) does not silence the rest, nor hide a silent unit', () => {
    const { time, unit } = fleet([
      { id: 1, n: 100, step: HOUR },
      { id: 2, n: 100, step: HOUR },
      { id: 3, n: 100, step: HOUR },
      { id: 4, n: 60, step: HOUR },
    ]);
    const year2099 = Date.UTC(2099, 0, 1);
    const s = silentUnits(Float64Array.from([...time, year2099]), Float64Array.from([...unit, 1]))!;
    expect(s.latest).toBe(99 * HOUR);
    expect([...s.silent]).toEqual([[4, 59 * HOUR]]);
  });

  it('a correct clock alone at the top is the fleet’s latest: two units behind it are no fleet reporting together', () => {
    const { time, unit } = fleet([
      { id: 1, n: 100, step: HOUR },
      { id: 2, n: 80, step: HOUR },
      { id: 3, n: 60, step: HOUR },
    ]);
    expect(silentUnits(time, unit)).toBeUndefined();
  });

  it('two units logging throughout do not make an earlier batch silent', () => {
    const batches = fleet([
      ...Array.from({ length: 4 }, (_, k) => ({ id: 1 + k, n: 500, step: 60_000 })),
      ...Array.from({ length: 6 }, (_, k) => ({ id: 11 + k, n: 500, step: 60_000, t0: 600 * 60_000 })),
      { id: 200, n: 1100, step: 60_000 },
      { id: 201, n: 1100, step: 60_000 },
    ]);
    expect(silentUnits(batches.time, batches.unit)).toBeUndefined();
  });

  it('a third or more of the fleet silent is no fleet reporting together', () => {
    const { time, unit } = fleet([
      { id: 1, n: 100, step: HOUR },
      { id: 2, n: 100, step: HOUR },
      { id: 3, n: 100, step: HOUR },
      { id: 4, n: 50, step: HOUR },
      { id: 5, n: 50, step: HOUR },
    ]);
    expect(silentUnits(time, unit)).toBeUndefined();
  });

  it('half the fleet silent is no fleet reporting together', () => {
    const { time, unit } = fleet([
      { id: 1, n: 100, step: HOUR },
      { id: 2, n: 50, step: HOUR },
    ]);
    expect(silentUnits(time, unit)).toBeUndefined();
  });

  it('a unit of one reading is judged by the fleet’s usual interval; missing times and units are skipped', () => {
    const { time, unit } = fleet([
      { id: 1, n: 50, step: HOUR },
      { id: 2, n: 50, step: HOUR },
      { id: 4, n: 50, step: HOUR },
      { id: 3, n: 1, step: HOUR },
    ]);
    const t = Float64Array.from([...time, NaN, 1e15]);
    const u = Float64Array.from([...unit, 1, NaN]);
    expect([...silentUnits(t, u)!.silent]).toEqual([[3, 0]]);
  });
});

describe('SilenceTracker', () => {
  it('gathers a streamed file piece by piece to what one pass finds, whatever the pieces (unit codes past a small piece too)', () => {
    const { time, unit } = fleet([
      { id: 1, n: 100, step: HOUR },
      { id: 300, n: 100, step: HOUR },
      { id: 3, n: 100, step: HOUR },
      { id: 2_000_000, n: 100, step: HOUR },
      { id: 70, n: 40, step: HOUR },
    ]);
    const whole = silentUnits(time, unit)!;
    expect([...whole.silent]).toEqual([[70, 39 * HOUR]]);
    for (const size of [1, 7, 64, 333]) {
      const tracker = new SilenceTracker();
      for (let at = 0; at < time.length; at += size) tracker.add(time.subarray(at, at + size), unit.subarray(at, at + size));
      expect(tracker.result()).toEqual(whole);
    }
    // Small pieces first (unit 300 kept by a map), then one that widens the typed array past it: still one slot.
    const tracker = new SilenceTracker();
    for (let at = 0; at < 20; at += 5) tracker.add(time.subarray(at, at + 5), unit.subarray(at, at + 5));
    tracker.add(time.subarray(20), unit.subarray(20));
    expect(tracker.result()).toEqual(whole);
  });
});

describe('silentUnitsNote', () => {
  it('names the silent units of a timestamped fleet by their ids, with their last readings; cycles get none', () => {
    const { time, unit } = fleet([
      { id: 1, n: 100, step: HOUR },
      { id: 2, n: 100, step: HOUR },
      { id: 3, n: 100, step: HOUR },
      { id: 4, n: 52, step: HOUR },
    ]);
    const ds = (timestamp: boolean): Dataset => ({
      name: 'pumps.csv',
      format: 'csv',
      rows: time.length,
      notes: [],
      columns: [
        { name: 'pump', role: 'unit', values: unit, missing: 0, nonNumeric: 0, labels: ['P-1', 'P-2', 'P-3', 'P-4'] },
        { name: 'time', role: 'time', values: time.map((t) => t + Date.UTC(2024, 2, 1)), missing: 0, nonNumeric: 0, timestamp },
      ],
    });
    expect(silentUnitsNote(ds(true))).toBe(
      '1 unit stopped reporting long before the rest (10 or more of its usual intervals before the latest reading, 2024-03-05 03:00 UTC): P-4 (last reading 2024-03-03 03:00, 2.0 days before). Its scores and alarms are as of its last reading.',
    );
    expect(silentUnitsNote(ds(false))).toBeUndefined();
  });
});
