// The model-data check through the real CLI: a model records its training envelope and
// `score` says when scored data does not fit it (issue 11's floors), plus the rolling
// variant a stream uses.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import { cmapssPath, loadFd001 } from './helpers.js';
import { parseModelText, validateModel } from '../src/model/validate.js';
import { RollingDataCheck } from '../src/model/rolling-check.js';
import { measureRatio } from '../src/model/data-check.js';
import type { ModelJson } from '../src/model/types.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'isoscope.js');
const dir = mkdtempSync(join(tmpdir(), 'isoscope-check-'));
const model = join(dir, 'fd001.json');

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { maxBuffer: 64 * 2 ** 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** test_FD001 with one column (0-based index in the row) rewritten. */
function variant(name: string, index: number, rewrite: (v: number) => string): string {
  const text = readFileSync(cmapssPath('test_FD001.txt'), 'utf8');
  const out = text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const cells = l.trim().split(/\s+/);
      cells[index] = rewrite(Number(cells[index]));
      return cells.join(' ');
    });
  const path = join(dir, name);
  writeFileSync(path, out.join('\n') + '\n');
  return path;
}

async function check(file: string, m = model) {
  const report = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
  const r = await cli('score', file, '--model', m, '-o', join(dir, 'scores.csv'), '--report', report);
  expect(r.code, r.stderr).toBe(0);
  return { stderr: r.stderr, report: JSON.parse(readFileSync(report, 'utf8')) };
}

beforeAll(async () => {
  const t = await cli('train', cmapssPath('train_FD001.txt'), '--seed', '42', '--trees', '50', '-o', model);
  expect(t.code, t.stderr).toBe(0);
}, 60_000);

describe('the model-data check (isoscope score --report)', () => {
  test('FD001 model on test_FD001: ok, and nothing on stderr', async () => {
    const { stderr, report } = await check(cmapssPath('test_FD001.txt'));
    expect(report).toMatchObject({ rows: 13096, scored: 13096, verdict: 'ok', reasons: [], unknown_regime: null });
    expect(report.inputs).toHaveLength(14);
    expect(Object.keys(report.inputs[0]).sort()).toEqual(['above', 'below', 'flat', 'missing', 'name']);
    expect(stderr).not.toMatch(/data check/);
  });

  test('FD001 model on FD002 (six flight conditions): mismatch, one line on stderr', async () => {
    const { stderr, report } = await check(cmapssPath('test_FD002.txt'));
    expect(report.verdict).toBe('mismatch');
    expect(report.reasons[0]).toMatch(/inputs start outside the training range \(T24 \(sensor 2\)/);
    const lines = stderr.split('\n').filter((l) => l.includes('data check'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^isoscope: data check: mismatch: /);
  });

  test('one pressure sensor converted from psi to kPa: mismatch naming it alone', async () => {
    // Row layout: unit, cycle, 3 settings, sensor_1..21: sensor_11 (Ps30) is index 15.
    const { report } = await check(variant('kpa.txt', 15, (v) => (v * 6.894757).toFixed(2)));
    expect(report.verdict).toBe('mismatch');
    expect(report.reasons).toHaveLength(1);
    expect(report.reasons[0]).toMatch(/^Ps30 \(sensor 11\): 100% of the units' first readings .*×6\.89: another unit of measure/);
    expect(report.inputs.find((i: { name: string }) => i.name === 'sensor_11').above).toBe(1);
  });

  test('a change of unit is suggested only where a quotient of medians can be one', () => {
    // Training readings 46.8–48.3 (psi): ×6.89 is kPa.
    expect(measureRatio(327.5, [46.8, 47.0, 47.5, 48.1, 48.3])).toBeCloseTo(6.895, 3);
    // Readings around zero (a vibration offset, -0.5–0.5): the median leaving is no unit of measure, nor is a sign change.
    expect(measureRatio(-11.4, [-0.5, -0.4, 0.1, 0.4, 0.5])).toBeNaN();
    expect(measureRatio(3, [-0.5, -0.4, 0.1, 0.4, 0.5])).toBeNaN();
    expect(measureRatio(-47.5, [46.8, 47.0, 47.5, 48.1, 48.3])).toBeNaN();
    // Within 20%: no quotient worth naming.
    expect(measureRatio(55, [46.8, 47.0, 47.5, 48.1, 48.3])).toBeNaN();
  });

  test('one sensor stuck at a plausible value: named as stuck', async () => {
    const { report } = await check(variant('stuck.txt', 11, () => '554.00'));
    expect(report.verdict).toBe('mismatch');
    expect(report.reasons).toEqual([expect.stringMatching(/^P30 \(sensor 7\) is stuck: /)]);
    expect(report.inputs.find((i: { name: string }) => i.name === 'sensor_7').flat).toBeGreaterThan(0.9);
    expect(report.inputs.find((i: { name: string }) => i.name === 'sensor_7').above + report.inputs[3].below).toBe(0);
  });

  test('evaluate prints the same verdict', async () => {
    const kpa = variant('kpa-eval.txt', 15, (v) => (v * 6.894757).toFixed(2));
    const e = await cli('evaluate', kpa, '--rul', cmapssPath('RUL_FD001.txt'), '--model', model);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout.trim().split('\n').pop()).toMatch(/^data check: mismatch: Ps30 \(sensor 11\)/);
    const j = await cli('evaluate', cmapssPath('test_FD001.txt'), '--rul', cmapssPath('RUL_FD001.txt'), '--model', model, '--json');
    expect(JSON.parse(j.stdout).dataCheck).toEqual({ verdict: 'ok', reasons: [] });
  });

  test('run-to-failure data: wear is not a mismatch', async () => {
    const { report } = await check(cmapssPath('train_FD001.txt'));
    expect(report.verdict).not.toBe('mismatch');
  });

  test('a model saved before envelopes scores as before and reports the check as skipped', async () => {
    const m = JSON.parse(readFileSync(model, 'utf8')) as ModelJson;
    delete m.envelope;
    const old = join(dir, 'old.json');
    writeFileSync(old, JSON.stringify(m));
    const { stderr, report } = await check(cmapssPath('test_FD002.txt'), old);
    expect(report).toMatchObject({ rows: expect.any(Number), verdict: null, inputs: [], unknown_regime: null });
    expect(stderr).not.toMatch(/data check/);
  });

  test('a model whose envelope does not match its inputs is refused with the field named', () => {
    const m = JSON.parse(readFileSync(model, 'utf8')) as ModelJson;
    m.envelope!.inputs[2].name = 'sensor_99';
    expect(() => validateModel(m)).toThrow(/model field \/envelope\/inputs: must name the model inputs in order \[envelope\]/);
    m.envelope!.inputs[2].name = 'sensor_4';
    m.envelope!.inputs[0].q = [5, 4, 3, 2, 1];
    expect(() => validateModel(m)).toThrow(/\/envelope\/inputs\/0\/q: quantiles must not decrease/);
  });
});

describe('the rolling data check', () => {
  test('stays quiet on healthy readings and raises, then clears, a stuck sensor', () => {
    const m = parseModelText(readFileSync(model, 'utf8')).model;
    const env = m.envelope!;
    const ds = loadFd001('test_FD001.txt');
    const cols = env.inputs.map((i) => ds.columns.find((c) => c.name === i.name)!.values);
    const unit = ds.columns.find((c) => c.role === 'unit')!.values;
    const time = ds.columns.find((c) => c.role === 'time')!.values;
    const check = new RollingDataCheck(env, undefined, 100);
    const row = new Float64Array(cols.length);
    const alerts: Array<{ input: string; kind: string; unit?: number | string; raised: boolean; at: number }> = [];
    let healthy = 0;
    let firstStuck = -1;
    for (let i = 0; i < ds.rows; i++) {
      if (time[i] > 30) continue; // each unit's first readings: healthy
      cols.forEach((c, f) => (row[f] = c[i]));
      const stuck = healthy >= 1000 && healthy < 1500;
      if (stuck) row[3] = 554; // sensor_7
      if (stuck && firstStuck < 0) firstStuck = unit[i];
      for (const a of check.push(row, unit[i])) alerts.push({ ...a, at: healthy });
      healthy++;
    }
    expect(healthy).toBeGreaterThan(2000);
    // Units one after another: the first stuck unit's own alert, then the fleet's once the next
    // unit shows it too; the fleet's takes over (the unit's clears) and clears when it ends.
    expect(alerts.map(({ input, kind, unit, raised }) => ({ input, kind, unit, raised }))).toEqual([
      { input: 'sensor_7', kind: 'flat', unit: firstStuck, raised: true },
      { input: 'sensor_7', kind: 'flat', unit: undefined, raised: true },
      { input: 'sensor_7', kind: 'flat', unit: firstStuck, raised: false },
      { input: 'sensor_7', kind: 'flat', unit: undefined, raised: false },
    ]);
    expect(alerts[0].at).toBeGreaterThan(1000);
    expect(alerts[1].at).toBeLessThan(1100);
    expect(alerts[3].at).toBeGreaterThan(1500);
    expect(check.raised).toEqual([]);
  });
  test('wear is not a data-quality alert: run-to-failure units leave the range gradually and raise nothing', () => {
    const m = parseModelText(readFileSync(model, 'utf8')).model;
    const env = m.envelope!;
    const ds = loadFd001('train_FD001.txt');
    const cols = env.inputs.map((i) => ds.columns.find((c) => c.name === i.name)!.values);
    const unit = ds.columns.find((c) => c.role === 'unit')!.values;
    const row = new Float64Array(cols.length);
    const raised: string[] = [];
    let check = new RollingDataCheck(env, undefined, 100);
    // One unit at a time: each window holds only that unit's readings, wear near failure included.
    for (let i = 0; i < ds.rows; i++) {
      if (i > 0 && unit[i] !== unit[i - 1]) check = new RollingDataCheck(env, undefined, 100);
      cols.forEach((c, f) => (row[f] = c[i]));
      for (const a of check.push(row, unit[i])) if (a.raised) raised.push(`${a.input} ${a.kind}`);
    }
    expect(raised).toEqual([]);
  });

  test('a sensor switched to kPa mid-stream raises "above" once, flags its readings, and clears when it is switched back', () => {
    const m = parseModelText(readFileSync(model, 'utf8')).model;
    const env = m.envelope!;
    const ds = loadFd001('test_FD001.txt');
    const cols = env.inputs.map((i) => ds.columns.find((c) => c.name === i.name)!.values);
    const unit = ds.columns.find((c) => c.role === 'unit')!.values;
    const p30 = env.inputs.findIndex((i) => i.name === 'sensor_7');
    const check = new RollingDataCheck(env, undefined, 100);
    const row = new Float64Array(cols.length);
    const edges: string[] = [];
    let flagged = 0;
    let flaggedHealthy = 0;
    for (let i = 0; i < 3000; i++) {
      cols.forEach((c, f) => (row[f] = c[i]));
      const kpa = i >= 1000 && i < 1500;
      if (kpa) row[p30] *= 6.894757;
      for (const a of check.push(row, unit[i]))
        edges.push(`${a.input} ${a.kind}${a.unit === undefined ? '' : ` unit ${a.unit}`} ${a.raised ? 'raised' : 'cleared'}`);
      const flags = check.flags();
      if (flags) {
        expect(flags.map(({ input, kind }) => ({ input, kind }))).toEqual([{ input: 'sensor_7', kind: 'above' }]);
        if (kpa) flagged++;
        else flaggedHealthy++;
      }
    }
    // The file's order is unit by unit: the first converted unit's own alert comes first, then the fleet's takes over.
    const first = unit[1000];
    expect(edges).toEqual([
      `sensor_7 above unit ${first} raised`,
      'sensor_7 above raised',
      `sensor_7 above unit ${first} cleared`,
      'sensor_7 above cleared',
    ]);
    expect(flagged).toBeGreaterThan(450); // every converted reading once the alert is up (it takes 10 of the 100)
    expect(flaggedHealthy).toBe(0);
  });
});
