// Per-unit stream state with the real Wasm engine: a snapshot taken after a batch and restored
// into a fresh scorer scores on exactly as an uninterrupted scorer does; the unit cap evicts the
// idle-longest unit (which then starts fresh), never splits a batch's state between two units,
// and 8,000 distinct units with a window-1000 model are tracked without an engine abort.
import { describe, expect, test } from 'vitest';
import { getEngine, loadFd001, shippedModel } from './helpers.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { alarmRule } from '../src/model/alarm-rule.js';
import { trainModel } from '../src/model/train.js';
import { LiveScorer, type Alert } from '../src/stream/live-scorer.js';
import { decodeUnits, encodeUnits, type UnitsSnapshot } from '../src/stream/unit-state.js';
import { dataAlertLine, type DataAlert } from '../src/stream/data-watch.js';
import { streamOrder } from '../src/data/order.js';
import type { ModelJson } from '../src/model/types.js';
import type { Dataset } from '../src/data/dataset.js';
import { Metrics } from '../src/connectors/metrics.js';

const engine = await getEngine();
const model = await shippedModel();

/** Rows [from, to) of a dataset as a row-major block of the scorer's inputs, with units and times. */
function rows(ds: Dataset, inputs: string[], from: number, to: number, unitOf?: (row: number) => string) {
  const cols = inputs.map((n) => ds.columns.find((c) => c.name === n)!.values);
  const unit = ds.columns.find((c) => c.name === 'unit_number')!.values;
  const time = ds.columns.find((c) => c.name === 'time_in_cycles')!.values;
  const n = to - from;
  const block = new Float64Array(n * inputs.length);
  const units: (string | number)[] = [];
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    cols.forEach((c, f) => (block[i * inputs.length + f] = c[from + i]));
    units.push(unitOf ? unitOf(from + i) : unit[from + i]);
    times[i] = time[from + i];
  }
  return { block, units, times };
}

function scorerFor(m: ModelJson, maxUnits?: number): { scorer: LiveScorer; loaded: LoadedModel } {
  const loaded = new LoadedModel(engine, m);
  return { scorer: new LiveScorer(loaded, m.threshold.offset, alarmRule(m), maxUnits), loaded };
}

function run(scorer: LiveScorer, b: ReturnType<typeof rows>, partition = '0') {
  const alerts: Alert[] = [];
  return scorer.score(b.block, scorer.inputs.length, b.units, b.times, { firstSeq: 0, arrivedAt: 0, alerts, partition });
}

describe('unit state', () => {
  test('a snapshot restored into a fresh scorer scores on exactly as the uninterrupted scorer', () => {
    const ds = loadFd001('test_FD001.txt');
    const whole = scorerFor(model);
    const resumed = scorerFor(model);
    const inputs = whole.scorer.inputs;
    let restoredAt = -1;
    let compared = 0;
    for (let from = 0; from < ds.rows; from += 700) {
      const b = rows(ds, inputs, from, Math.min(ds.rows, from + 700));
      const expected = run(whole.scorer, b);
      if (from >= 3500) {
        const got = run(resumed.scorer, b);
        expect(Array.from(got.scores)).toEqual(Array.from(expected.scores));
        expect(Array.from(got.alarms)).toEqual(Array.from(expected.alarms));
        compared += b.units.length;
      }
      if (from + 700 === 3500) {
        // Through bytes, as the Blob or IndexedDB copy goes.
        const snap = decodeUnits(encodeUnits(whole.scorer.snapshot('0')));
        expect(snap.units.length).toBeGreaterThan(10);
        expect(resumed.scorer.restore('0', snap)).toBe(true);
        restoredAt = from;
      }
    }
    expect(restoredAt).toBeGreaterThan(0);
    expect(compared).toBe(ds.rows - 3500);
    // The alarms after the restart include raised ones: the k-of-n rings came back too.
    whole.loaded.dispose();
    resumed.loaded.dispose();
  });

  test("the data check rides with the snapshot: alerts in force (a unit's own and the fleet's) are neither raised again nor forgotten", () => {
    const ds = loadFd001('test_FD001.txt');
    const order = streamOrder(ds);
    const unitCol = ds.columns.find((c) => c.name === 'unit_number')!.values;
    const time = ds.columns.find((c) => c.name === 'time_in_cycles')!.values;
    const count = new Map<number, number>();
    unitCol.forEach((u) => count.set(u, (count.get(u) ?? 0) + 1));
    const longest = [...count].sort((a, b) => b[1] - a[1])[0][0];
    const inputs = scorerFor(model).scorer.inputs;
    const cols = inputs.map((n) => ds.columns.find((c) => c.name === n)!.values);
    const p30 = inputs.indexOf('sensor_7');
    const s12 = inputs.indexOf('sensor_12');
    // In stream order: the longest unit's P30 in kPa from its cycle 20 on; every unit's sensor_12 frozen in [4000, 6000).
    const batch = (from: number, to: number) => {
      const block = new Float64Array((to - from) * inputs.length);
      const units: number[] = [];
      for (let i = from; i < to; i++) {
        const r = order[i];
        const at = (i - from) * inputs.length;
        cols.forEach((c, f) => (block[at + f] = c[r]));
        if (unitCol[r] === longest && time[r] >= 20) block[at + p30] = Math.round(block[at + p30] * 689.4757) / 100;
        if (i >= 4000 && i < 6000) block[at + s12] = 521.84;
        units.push(unitCol[r]);
      }
      return { block, units, times: new Float64Array(to - from) };
    };
    const play = (scorer: LiveScorer, from: number) => {
      const edges: string[] = [];
      const flagged: string[] = [];
      for (let at = from; at < ds.rows; at += 700) {
        const b = batch(at, Math.min(ds.rows, at + 700));
        const dataAlerts: DataAlert[] = [];
        const ctx = { firstSeq: at, arrivedAt: 0, alerts: [], partition: '0', dataAlerts };
        const out = scorer.score(b.block, inputs.length, b.units, b.times, ctx);
        edges.push(...dataAlerts.map((a) => `${at}: ${dataAlertLine(a).replace(/, \d+% .*/, '')}`));
        out.quality?.forEach((q, i) => q && flagged.push(`${at + i} ${JSON.stringify(q)}`));
        if (at + 700 === SPLIT) saved = decodeUnits(encodeUnits(scorer.snapshot('0')));
      }
      return { edges, flagged };
    };
    const SPLIT = 5600;
    let saved: UnitsSnapshot | undefined;
    const whole = scorerFor(model);
    const all = play(whole.scorer, 0);
    const before = all.edges.filter((e) => Number(e.split(':')[0]) < SPLIT);
    expect(before).toEqual([
      `${before[0].split(':')[0]}: sensor_7 above the training range on unit ${longest}: raised`,
      expect.stringMatching(/: sensor_12 stuck \(flat longer than in training\): raised$/),
    ]);
    const after = all.edges.slice(2);
    expect(after).toEqual([expect.stringMatching(/: sensor_12 stuck \(flat longer than in training\): cleared$/)]);

    const resumed = scorerFor(model);
    expect(resumed.scorer.restore('0', saved)).toBe(true);
    expect(resumed.scorer.dataAlertsRaised).toEqual([
      { input: 'sensor_12', kind: 'flat' },
      { input: 'sensor_7', kind: 'above', unit: longest },
    ]);
    const rest = play(resumed.scorer, SPLIT);
    expect(rest.edges).toEqual(after);
    expect(rest.flagged).toEqual(all.flagged.filter((f) => Number(f.split(' ')[0]) >= SPLIT));
    expect(rest.flagged.length).toBeGreaterThan(500);

    // Without the saved check state the same restart raises the unit's alert again and forgets the fleet's (it never clears).
    const blank = scorerFor(model);
    expect(blank.scorer.restore('0', { ...saved!, checkBytes: 0, fleet: undefined })).toBe(true);
    expect(play(blank.scorer, SPLIT).edges.map((e) => e.replace(/^\d+: /, ''))).toEqual([
      `sensor_7 above the training range on unit ${longest}: raised`,
    ]);
    for (const s of [whole, resumed, blank]) s.loaded.dispose();
  });

  test('a unit-state record saved before the data check was (ISU1) still restores its units', () => {
    const ds = loadFd001('test_FD001.txt');
    const a = scorerFor(model);
    const b = rows(ds, a.scorer.inputs, 0, 700);
    run(a.scorer, b);
    const snap = a.scorer.snapshot('0');
    const old = encodeUnits({ ...snap, checkBytes: 0, fleet: undefined, units: snap.units.map(({ check: _, ...u }) => u) });
    new DataView(old.buffer).setUint32(0, 0x31555349, true);
    const back = decodeUnits(old);
    expect(back.units.map((u) => u.id)).toEqual(snap.units.map((u) => u.id));
    const fresh = scorerFor(model);
    expect(fresh.scorer.restore('0', back)).toBe(true);
    expect(fresh.scorer.unitCounts.tracked).toBe(snap.units.length);
    a.loaded.dispose();
    fresh.loaded.dispose();
  });

  test("another model's snapshot is refused and the partition's units start fresh", () => {
    const ds = loadFd001('test_FD001.txt');
    const a = scorerFor(model);
    run(a.scorer, rows(ds, a.scorer.inputs, 0, 500));
    const other = scorerFor({ ...model, id: 'another-model' });
    expect(other.scorer.restore('0', a.scorer.snapshot('0'))).toBe(false);
    expect(other.scorer.unitCounts.tracked).toBe(0);
    a.loaded.dispose();
    other.loaded.dispose();
  });

  test('a unit evicted for a newcomer starts fresh, also when the eviction falls inside one batch', () => {
    const ds = loadFd001('test_FD001.txt');
    const { scorer, loaded } = scorerFor(model, 2);
    const inputs = scorer.inputs;
    // Three units' first 10 readings each, then unit A's next reading: A, B, C overflow a cap of 2.
    const at = (u: number) => ds.columns.find((c) => c.name === 'unit_number')!.values.indexOf(u);
    const pick = (u: number, k: number, label: string) => rows(ds, inputs, at(u) + k, at(u) + k + 1, () => label);
    const seq = [
      ...Array.from({ length: 10 }, (_, k) => pick(1, k, 'A')),
      ...Array.from({ length: 10 }, (_, k) => pick(2, k, 'B')),
      ...Array.from({ length: 10 }, (_, k) => pick(3, k, 'C')),
      pick(1, 10, 'A'),
    ];
    const block = new Float64Array(seq.flatMap((r) => Array.from(r.block)));
    const got = scorer.score(
      block,
      inputs.length,
      seq.map((r) => r.units[0]),
      new Float64Array(seq.length),
      {
        firstSeq: 0,
        arrivedAt: 0,
        alerts: [],
      },
    );
    expect(scorer.unitCounts).toEqual({ cap: 2, asked: 2, tracked: 2, evicted: 2 });
    // C's readings score as C alone would; A's returning reading as a unit never seen.
    const fresh = (r: (typeof seq)[number][]) => {
      const f = scorerFor(model);
      const b = new Float64Array(r.flatMap((x) => Array.from(x.block)));
      const out = f.scorer.score(
        b,
        inputs.length,
        r.map((x) => x.units[0]),
        new Float64Array(r.length),
        { firstSeq: 0, arrivedAt: 0, alerts: [] },
      );
      f.loaded.dispose();
      return Array.from(out.scores);
    };
    expect(Array.from(got.scores.subarray(20, 30))).toEqual(fresh(seq.slice(20, 30)));
    expect(got.scores[30]).toBe(fresh([seq[30]])[0]);
    expect(got.scores[30]).not.toBe(fresh(seq.slice(0, 10).concat(seq[30]))[10]); // not A's old state
    loaded.dispose();
  });

  test('8,000 distinct unit ids with a window-1000 model: capped and evicted, never an engine abort', async () => {
    const ds = loadFd001();
    const trained = await trainModel(engine, ds, {
      recipe: { unitBaseline: 20, window: { size: 1000, stats: ['mean'] } },
      params: { trees: 20, seed: 7 },
      createdAt: 'fixed',
    });
    const { scorer, loaded } = scorerFor(trained.model);
    const cap = scorer.unitCounts.cap;
    expect(cap).toBeLessThan(8000); // 14 inputs × 1,007 words: the state budget lowers the default cap
    const inputs = scorer.inputs;
    let finite = 0;
    for (let from = 0; from < 8000; from += 500) {
      const b = rows(ds, inputs, from, from + 500, (row) => `unit-${row}`);
      const { scores } = run(scorer, b);
      for (const s of scores) finite += Number.isFinite(s) ? 1 : 0;
    }
    expect(finite).toBe(8000);
    // The cap in force is below the 10,000 asked for: the window state of more would pass its budget.
    expect(scorer.unitCounts).toEqual({ cap, asked: 10_000, tracked: cap, evicted: 8000 - cap });
    expect(engine.memoryBytes).toBeLessThan(1024 ** 3);
    // What consume reports after each batch: the units tracked and evicted, as Prometheus counts them.
    const metrics = new Metrics();
    metrics.recordUnits(cap, 100);
    metrics.recordUnits(scorer.unitCounts.tracked, scorer.unitCounts.evicted);
    const text = await metrics.render();
    expect(text).toContain(`iot_units_evicted_total ${8000 - cap}`);
    expect(text).toContain(`iot_units_tracked ${cap}`);
    loaded.dispose();
  }, 120_000);
});
