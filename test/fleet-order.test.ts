// The fleet board's order kept across slider frames equals sorting every frame with the
// board's comparator (most urgent first), and a frame whose states did not change reuses it.
import { describe, expect, test } from 'vitest';
import { lcg } from './helpers.js';
import { FleetOrder, silentBeforeHealthy } from '../src/app/fleet-order.js';
import { RowPassBudget } from '../src/alarms/row-pass-budget.js';
import { STATES, type FleetRow, type FleetStates } from '../src/alarms/budget-types.js';

const RANK = { alarm: 0, watch: 1, healthy: 2 } as const;
/** The board's comparator before the order was kept: sorted in full on every frame. */
const urgentFirst = (a: FleetRow, b: FleetRow) =>
  RANK[a.state] - RANK[b.state] ||
  (b.since === null ? 0 : (b.lastTime ?? 0) - b.since) - (a.since === null ? 0 : (a.lastTime ?? 0) - a.since) ||
  b.latestScore - a.latestScore ||
  a.unit - b.unit;
const units = (rows: FleetRow[]) => rows.map((r) => r.unit);
/** The units of an order of positions. */
const unitsOf = (order: Int32Array, s: FleetStates) => Array.from(order, (g) => s.units[g]);

describe('fleet order across slider frames', () => {
  test('equals a full sort on every frame of random fleets (ties in score and duration); unchanged frames reuse it', () => {
    const r = lcg(5);
    const order = new FleetOrder();
    let reusedExpected = 0;
    const states = new Set<string>();
    for (let round = 0; round < 30; round++) {
      // one set of scores: units, times and readings fixed; the threshold moves
      const n = 1 + Math.floor(r() * 400);
      const unitCount = Math.ceil(n / (2 + Math.floor(r() * 30)));
      const unit = Float64Array.from({ length: n }, () => 1 + Math.floor(r() * unitCount));
      unit.sort();
      // whole times over a short range (counted), whole times in milliseconds (exact keys), fractional ones (comparator)
      const step = [1, 86_400_000, 0.37][round % 3];
      const time = Float64Array.from({ length: n }, (_, i) => i * step);
      const scores = Float64Array.from({ length: n }, () => -0.3 - Math.floor(r() * 8) / 20);
      const rule = { k: 1 + Math.floor(r() * 3), n: 3 + Math.floor(r() * 3), clear: 0 };
      const budget = new RowPassBudget(scores, new Uint8Array(n).fill(1), { unit, time, rule });
      let previous: number[] | undefined;
      for (let f = 0; f < 8; f++) {
        const offset = -0.3 - Math.floor(r() * 8) / 20 + (f % 3 ? 0.01 : 0); // some offsets on a score
        const frame = budget.apply(offset);
        const fleet = frame.fleet;
        for (const u of fleet) states.add(`${u.state}${u.since}`);
        const want = units([...fleet].sort(urgentFirst));
        const before = order.reused;
        const got = unitsOf(order.urgent(frame.units), frame.units);
        expect(got, `round ${round} frame ${f}`).toEqual(want);
        if (order.reused > before) {
          reusedExpected++;
          expect(got).toEqual(previous);
        }
        // the same frame again: nothing changed, so the order is reused
        const again = budget.apply(offset).units;
        expect(unitsOf(order.urgent(again), again)).toEqual(want);
        previous = want;
      }
    }
    expect(order.reused).toBeGreaterThanOrEqual(30 * 8);
    expect(reusedExpected).toBeGreaterThan(0);
    // alarm and watch units with many different durations were ordered
    expect([...states].filter((s) => s.startsWith('alarm')).length).toBeGreaterThan(20);
    expect([...states].filter((s) => s.startsWith('watch')).length).toBeGreaterThan(20);
  });

  test('other scores with the same units are sorted anew; by unit follows the words given and is kept while they stay', () => {
    const row = (unit: number, latestScore: number, state: FleetRow['state'] = 'healthy', since: number | null = null): FleetRow => ({
      unit,
      readings: 1,
      flagged: 0,
      alarms: 0,
      firstAlarmTime: null,
      state,
      since,
      lastTime: 10,
      latestScore,
    });
    const statesOf = (rows: FleetRow[]): FleetStates => ({
      units: rows.map((r) => r.unit),
      state: Uint8Array.from(rows, (r) => STATES.indexOf(r.state)),
      since: Float64Array.from(rows, (r) => r.since ?? NaN),
      lastTime: Float64Array.from(rows, (r) => r.lastTime ?? NaN),
      latestScore: Float64Array.from(rows, (r) => r.latestScore),
      counts: [0, 0, 0],
      row: (g) => rows[g],
      indexOf: (u) => rows.findIndex((r) => r.unit === u),
    });
    const order = new FleetOrder();
    const urgent = (rows: FleetRow[]) => unitsOf(order.urgent(statesOf(rows)), statesOf(rows));
    expect(urgent([row(1, 0.5), row(2, 0.6), row(3, 0.4, 'watch', 8)])).toEqual([3, 2, 1]);
    expect(urgent([row(1, 0.7), row(2, 0.6), row(3, 0.4, 'watch', 8)])).toEqual([3, 1, 2]);
    expect(urgent([row(1, 0.7), row(2, 0.6, 'alarm', 9), row(3, 0.4, 'alarm', 2)])).toEqual([3, 2, 1]);
    const backwards = { compare: (a: number, b: number) => b - a };
    const fleet = statesOf([row(1, 0.7), row(2, 0.6), row(3, 0.4)]);
    expect(unitsOf(order.unitOrder(fleet, backwards), fleet)).toEqual([3, 2, 1]);
    expect(unitsOf(order.unitOrder(fleet, { compare: (a, b) => a - b }), fleet)).toEqual([1, 2, 3]);
  });

  test('units gone silent move ahead of the healthy ones, in their order; alarm and watch keep their places', () => {
    // units 1..6: 1 alarm, 2 watch, 3..6 healthy; 4 and 6 silent (6 in alarm would stay with the alarms)
    const unit = Float64Array.from([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
    const time = Float64Array.from(unit, (_, i) => i);
    const scores = Float64Array.from([-0.9, -0.9, -0.4, -0.9, -0.4, -0.4, -0.4, -0.45, -0.4, -0.41, -0.4, -0.42]);
    const budget = new RowPassBudget(scores, new Uint8Array(12).fill(1), { unit, time, rule: { k: 2, n: 2, clear: 0 } });
    const frame = budget.apply(-0.5);
    const order = new FleetOrder().urgent(frame.units);
    expect(unitsOf(order, frame.units).slice(0, 2)).toEqual([1, 2]);
    const healthy = unitsOf(order, frame.units).slice(2);
    const moved = unitsOf(
      silentBeforeHealthy(
        order,
        frame.units,
        new Map([
          [4, 0],
          [6, 0],
          [1, 0],
        ]),
      ),
      frame.units,
    );
    expect(moved).toEqual([1, 2, ...healthy.filter((u) => u === 4 || u === 6), ...healthy.filter((u) => u !== 4 && u !== 6)]);
    expect(moved.slice(2, 4).sort()).toEqual([4, 6]);
    expect(silentBeforeHealthy(order, frame.units, new Map())).toEqual(order);
  });
});
