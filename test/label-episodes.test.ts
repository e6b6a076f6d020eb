import { describe, expect, test } from 'vitest';
import type { Dataset } from '../src/data/dataset.js';
import { labelEpisodes } from '../src/metrics/label-episodes.js';

const col = (name: string, role: 'unit' | 'time' | 'label', values: number[]) => ({
  name,
  role,
  values: Float64Array.from(values),
  missing: 0,
  nonNumeric: 0,
});

describe('labelled anomalies counted as events', () => {
  // Two units of 8 readings each, 10 s apart; unit 1 has two labelled stretches, unit 2 one.
  const label = [0, 1, 1, 0, 0, 1, 1, 0, /* unit 2 */ 0, 0, 0, 1, 1, 1, 1, 0];
  const ds: Dataset = {
    name: 'two.csv',
    format: 'csv',
    rows: 16,
    columns: [
      col('unit', 'unit', [...Array(8).fill(1), ...Array(8).fill(2)]),
      col('time', 'time', [...Array.from({ length: 8 }, (_, i) => i * 10), ...Array.from({ length: 8 }, (_, i) => i * 10)]),
      col('anomaly', 'label', label),
    ],
    notes: [],
  };
  const truth = Uint8Array.from(label);
  // Unit 1: the first stretch caught at its 2nd reading (its alarm holds one reading past it: no false alarm), the second missed.
  // Unit 2: caught at its 3rd reading (20 s late); its alarm, raised inside, holds past the end of the stretch: no false alarm.
  const state = Uint8Array.from([0, 0, 1, 1, 0, 0, 0, 0, /* unit 2 */ 0, 0, 0, 0, 0, 1, 1, 1]);
  const raised = Uint8Array.from([0, 0, 1, 0, 0, 0, 0, 0, /* unit 2 */ 0, 0, 0, 0, 0, 1, 0, 0]);

  test('stretches, the ones caught, their delays in the time column, and false alarms per unit', () => {
    expect(labelEpisodes(ds, truth, state, raised)).toEqual({
      anomalies: 3,
      detected: 2,
      medianDelay: 15,
      worstDelay: 20,
      delayIn: 'time',
      falseAlarms: 0,
      falseAlarmsPerUnit: 0,
      units: 2,
    });
    const early = Uint8Array.from(raised);
    early[0] = 1; // an alarm raised before the first stretch is a false one
    const withEarly = Uint8Array.from(state);
    withEarly[0] = 1;
    expect(labelEpisodes(ds, truth, withEarly, early)).toMatchObject({ falseAlarms: 1, falseAlarmsPerUnit: 0.5, detected: 2 });
  });

  test('an alarm raised before a stretch and held into it is an early catch (delay 0), not a false alarm', () => {
    // Unit 1's second stretch (rows 5-6, 50-60 s): an alarm raised at row 4 and held through row 6.
    const state = Uint8Array.from([0, 0, 1, 1, 1, 1, 1, 0, /* unit 2 */ 0, 0, 0, 0, 0, 1, 1, 1]);
    const raised = Uint8Array.from([0, 0, 1, 0, 1, 0, 0, 0, /* unit 2 */ 0, 0, 0, 0, 0, 1, 0, 0]);
    state[3] = 0; // the first alarm clears after row 2, so the one at row 4 is raised anew
    expect(labelEpisodes(ds, truth, state, raised)).toMatchObject({
      anomalies: 3,
      detected: 3,
      falseAlarms: 0,
      medianDelay: 10,
      worstDelay: 20,
    });
    // The same alarm cleared one reading before the stretch: false, and the stretch is missed.
    const cleared = Uint8Array.from(state);
    cleared[5] = cleared[6] = 0;
    expect(labelEpisodes(ds, truth, cleared, raised)).toMatchObject({ detected: 2, falseAlarms: 1 });
    // Raised at the file's last reading and never cleared: false.
    const last = Uint8Array.from(state);
    const lastRaised = Uint8Array.from(raised);
    last[7] = lastRaised[7] = 1;
    last[6] = 0;
    expect(labelEpisodes(ds, truth, last, lastRaised)).toMatchObject({ falseAlarms: 1 });
    // Cleared at a reading not compared (255) and raised again before or at the stretch: the first alarm was false.
    const first5: Dataset = { ...ds, rows: 5, columns: ds.columns.map((c) => ({ ...c, values: c.values.slice(0, 5) })) };
    const at = (t: number[], st: number[], r: number[]) =>
      labelEpisodes(first5, Uint8Array.from(t), Uint8Array.from(st), Uint8Array.from(r));
    expect(at([0, 255, 1, 1, 1], [1, 0, 1, 1, 1], [1, 0, 1, 0, 0])).toMatchObject({ anomalies: 1, detected: 1, falseAlarms: 1 });
    expect(at([0, 255, 255, 1, 1], [1, 0, 1, 1, 1], [1, 0, 1, 0, 0])).toMatchObject({ anomalies: 1, detected: 1, falseAlarms: 1 });
  });

  test('interleaved rows give the same events; without a time column delays are in readings', () => {
    const order = Array.from({ length: 16 }, (_, k) => (k % 2 ? 8 + (k >> 1) : k >> 1));
    const pick = (a: ArrayLike<number>) => order.map((i) => a[i]);
    const mixed: Dataset = { ...ds, columns: ds.columns.map((c) => ({ ...c, values: Float64Array.from(pick(c.values)) })) };
    const e = labelEpisodes(mixed, Uint8Array.from(pick(truth)), Uint8Array.from(pick(state)), Uint8Array.from(pick(raised)));
    expect(e).toMatchObject({ anomalies: 3, detected: 2, medianDelay: 15, worstDelay: 20 });
    const untimed: Dataset = { ...ds, columns: ds.columns.filter((c) => c.role !== 'time') };
    expect(labelEpisodes(untimed, truth, state, raised)).toMatchObject({ delayIn: 'readings', medianDelay: 1.5, worstDelay: 2 });
  });

  test('a reading without a time neither starts the clock nor stops it; the next with a time does', () => {
    const gaps: Dataset = {
      ...ds,
      columns: ds.columns.map((c) =>
        c.role === 'time' ? { ...c, values: Float64Array.from(c.values, (v, i) => (i === 1 || i === 13 ? NaN : v)) } : c,
      ),
    };
    // Unit 1's stretch now starts its clock at row 2 (20 s), where it is caught: 0; unit 2's catch at row 13 has no time, row 14 (60 s) gives 30.
    expect(labelEpisodes(gaps, truth, state, raised)).toMatchObject({ anomalies: 3, detected: 2, medianDelay: 15, worstDelay: 30 });
  });

  test('a reading not compared (255) neither ends a stretch nor starts one', () => {
    const gap = Uint8Array.from(truth);
    gap[2] = 255;
    expect(labelEpisodes(ds, gap, state, raised).anomalies).toBe(3);
  });
});
