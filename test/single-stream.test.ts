// Single-stream data (no unit column) through the real CLI: the whole file is one unit in
// time order, the default recipe applies, --baseline first:N takes the first readings as
// healthy, and evaluate --label-column reports per-reading F1 and the two error rates.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { lcg } from './helpers.js';
import { SINGLE_STREAM_CONTAMINATION, SINGLE_STREAM_QUALITY, singleStreamWindow } from '../src/features/defaults.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'isoscope.js');
const dir = mkdtempSync(join(tmpdir(), 'isoscope-stream-'));

describe('single-stream data', () => {
  test('one machine: default recipe, first readings as baseline, per-reading rates', async () => {
    // 2000 readings of two noisy signals; from reading 1500 both drift upward (labelled 1).
    const next = lcg(9);
    const lines = ['timestamp,temp,vibration,anomaly'];
    for (let i = 0; i < 2000; i++) {
      const drift = i >= 1500 ? (i - 1500) * 0.05 : 0;
      const t = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
      lines.push(`${t},${(70 + next() + drift).toFixed(3)},${(1 + 0.1 * next() + drift / 10).toFixed(4)},${i >= 1500 ? 1 : 0}`);
    }
    const data = join(dir, 'machine.csv');
    writeFileSync(data, lines.join('\n'));
    const model = join(dir, 'm.json');
    const t = await run('node', [BIN, 'train', data, '--exclude', 'anomaly', '--baseline', 'first:800', '-o', model]);
    // The first 19 readings have no full window (std is missing until 20 have arrived): 781 train.
    expect(t.stderr).toMatch(
      /19 baseline row\(s\) left out of training: the first 19 readings wait for the 20-reading window spread to fill, and a reading with an input missing is not scored/,
    );
    expect(t.stderr).toMatch(
      /trained 100 trees on 781 rows \(baseline first:800\) × 6 features \(2 inputs, window \d+ value\/mean\/std\) in \d+ ms;/,
    );
    const m = JSON.parse(readFileSync(model, 'utf8'));
    // The single-stream recipe: no own-unit baseline, value/mean/std over a window of 800 / 40 readings.
    expect(m.recipe).toMatchObject({
      inputs: ['temp', 'vibration'],
      unitBaseline: 0,
      window: { size: singleStreamWindow(800), stats: ['value', 'mean', 'std'] },
    });
    expect(singleStreamWindow(800)).toBe(20);
    expect(m.features).toHaveLength(6);
    expect(m.alarm).toEqual(SINGLE_STREAM_QUALITY.alarm);
    // The threshold: calibrated on the later 30% of the healthy readings (234 of 781), held out in time.
    expect(m.threshold.contamination).toBe(SINGLE_STREAM_CONTAMINATION);
    expect(m.threshold.calibration).toMatchObject({ method: 'time-split', folds: 1, readings: 234, units: 1 });
    expect(t.stderr).toMatch(
      /threshold calibrated out of sample \(the later 30% of the healthy series held out over 234 healthy readings of 1 unit\): \d+ false alarms? raised in that stretch; healthy readings in alarm/,
    );
    expect(t.stderr).not.toMatch(/units with a false alarm/); // a share of one unit says nothing
    // Flags still win over the single-stream defaults.
    const flagged = join(dir, 'f.json');
    await run('node', [
      BIN,
      'train',
      data,
      '--exclude',
      'anomaly',
      '--baseline',
      'first:800',
      '--window',
      '7',
      '--unit-baseline',
      '3',
      '--alarm',
      '3/5',
      '-o',
      flagged,
    ]);
    const f = JSON.parse(readFileSync(flagged, 'utf8'));
    expect(f.recipe).toMatchObject({ unitBaseline: 3, window: { size: 7, stats: ['value', 'mean', 'std'] } });
    expect(f.alarm).toEqual({ k: 3, n: 5, clear: 1 });

    const pct = await run('node', [BIN, 'train', data, '--exclude', 'anomaly', '--baseline', 'first:40%', '-o', join(dir, 'p.json')]);
    expect(pct.stderr).toMatch(/on 781 rows \(baseline first:40%\)/);

    // Out of sample: the readings after the training part, as a file of their own (no state carries over).
    const rest = join(dir, 'rest.csv');
    writeFileSync(rest, [lines[0], ...lines.slice(801)].join('\n'));
    const e = await run('node', [BIN, 'evaluate', rest, '--model', model, '--label-column', 'anomaly', '--json']);
    const ev = JSON.parse(e.stdout);
    expect(ev.truth).toBe('label');
    // The rest starts a fresh window: its first 19 readings are unscored, not false alarms.
    expect(ev.unscored).toBe(19);
    expect(ev.readings).toBe(1181);
    expect(ev.positives).toBe(500);
    expect(ev.rocAuc).toBeGreaterThan(0.9);
    // The 0.95 quantile of held-out healthy scores trades a few false alarms for recall.
    expect(ev.falseAlarmRate).toBeLessThan(0.08);
    expect(ev.missedAlarmRate).toBeCloseTo(1 - ev.recall, 12);
    expect(ev.missedAlarmRate).toBeLessThan(0.1);
    expect(ev.f1).toBeGreaterThan(0.9);
    const table = await run('node', [BIN, 'evaluate', data, '--model', model, '--label-column', 'anomaly']);
    expect(table.stdout).toMatch(
      /false-alarm rate \(healthy readings in alarm\)\s+0\.0\d+|false-alarm rate \(healthy readings in alarm\)\s+0\b/,
    );
    expect(table.stdout).toMatch(/missed-alarm rate \(positive readings not in alarm\)\s+0\.\d+/);
    // A column of sensor values named as the label is refused, not read as "all healthy".
    const wrong = await run('node', [BIN, 'evaluate', data, '--model', model, '--label-column', 'temp']).catch(
      (x: { code: number; stderr: string }) => x,
    );
    expect(wrong).toMatchObject({ code: 1 });
    expect((wrong as { stderr: string }).stderr).toMatch(
      /label column "temp" must hold 0 \(normal\) or 1 \(anomaly\); reading 1 holds 70\.\d+/,
    );
  }, 60_000);

  test('a file with a unit column keeps the fleet defaults and cross-fit threshold', async () => {
    const next = lcg(4);
    const lines = ['unit,cycle,temp,vibration'];
    for (let u = 1; u <= 6; u++)
      for (let c = 1; c <= 120; c++) lines.push(`${u},${c},${(70 + next()).toFixed(3)},${(1 + 0.1 * next()).toFixed(4)}`);
    const data = join(dir, 'fleet.csv');
    writeFileSync(data, lines.join('\n'));
    const model = join(dir, 'fleet.json');
    await run('node', [BIN, 'train', data, '-o', model]);
    const m = JSON.parse(readFileSync(model, 'utf8'));
    expect(m.recipe).toMatchObject({ unitBaseline: 20, window: { size: 5, stats: ['mean'] } });
    expect(m.threshold.contamination).toBe(0.002);
    expect(m.threshold.calibration).toMatchObject({ method: 'cross-fit', folds: 5, units: 6 });
  }, 60_000);
});
