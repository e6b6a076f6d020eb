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
    expect(t.stderr).toMatch(/trained 100 trees on 800 rows \(baseline first:800\)/);
    const m = JSON.parse(readFileSync(model, 'utf8'));
    expect(m.recipe).toMatchObject({ inputs: ['temp', 'vibration'], unitBaseline: 20, window: { size: 5, stats: ['mean'] } });
    // One series has no units to hold out: the threshold stays the quantile of its baseline's scores.
    expect(m.threshold.calibration).toBeUndefined();

    const pct = await run('node', [BIN, 'train', data, '--exclude', 'anomaly', '--baseline', 'first:40%', '-o', join(dir, 'p.json')]);
    expect(pct.stderr).toMatch(/on 800 rows \(baseline first:40%\)/);

    const e = await run('node', [
      BIN,
      'evaluate',
      data,
      '--model',
      model,
      '--label-column',
      'anomaly',
      '--baseline',
      'first:800',
      '--json',
    ]);
    const ev = JSON.parse(e.stdout);
    expect(ev.truth).toBe('label');
    expect(ev.positives).toBe(500);
    expect(ev.rocAuc).toBeGreaterThan(0.9);
    expect(ev.falseAlarmRate).toBeLessThan(0.02);
    expect(ev.missedAlarmRate).toBeCloseTo(1 - ev.recall, 12);
    expect(ev.missedAlarmRate).toBeLessThan(0.5);
    expect(ev.f1).toBeGreaterThan(0.6);
    const table = await run('node', [BIN, 'evaluate', data, '--model', model, '--label-column', 'anomaly']);
    expect(table.stdout).toMatch(
      /false-alarm rate \(healthy readings in alarm\)\s+0\.0\d+|false-alarm rate \(healthy readings in alarm\)\s+0\b/,
    );
    expect(table.stdout).toMatch(/missed-alarm rate \(positive readings not in alarm\)\s+0\.\d+/);
  }, 60_000);
});
