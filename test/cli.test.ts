import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { cmapssPath } from './helpers.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'isoscope.js');
const dir = mkdtempSync(join(tmpdir(), 'isoscope-cli-'));
const train = cmapssPath('train_FD001.txt');

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('isoscope CLI', () => {
  test('profile --json gives the profile with reasons', async () => {
    const { code, stdout } = await cli('profile', train, '--json');
    expect(code).toBe(0);
    const p = JSON.parse(stdout);
    expect(p.rows).toBe(20631);
    expect(p.columns.find((c: { name: string }) => c.name === 'sensor_1').reason).toMatch(/constant/);
  });

  test('profile names a gap in the time axis and a stuck sensor with its unit, as the page does', async () => {
    const rows = ['machine,time,temp,flow'];
    for (const m of ['A', 'B'])
      for (let i = 0; i < 100; i++) {
        const t = Date.UTC(2024, 2, 1) + (m === 'B' && i >= 50 ? i + 180 : i) * 60_000; // B stops for 3 h
        rows.push(`${m},${new Date(t).toISOString()},${m === 'A' ? 7 : 20 + (i % 4)},${i % 5}`); // A's temp stuck
      }
    writeFileSync(join(dir, 'gap.csv'), rows.join('\n'));
    const { code, stdout } = await cli('profile', join(dir, 'gap.csv'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/1 gap\(s\) of 10x the usual step \(1 min\); longest 3\.0 h in unit B after 2024-03-01 00:49/);
    expect(stdout).toMatch(/flat 100 in unit A/);
    // Text ids are coded 1, 2 inside: their min, max, mean and std are no figures of the ids.
    const machine = stdout.split('\n').find((l) => l.startsWith('machine '))!;
    expect(machine.split(/\s+/).slice(0, 8)).toEqual(['machine', 'unit', '200', '0', '-', '-', '-', '-']);
  });

  test('a fleet of 4 is cross-fitted one unit a fold; a unit too short to train a fold on leaves the threshold in sample, and train says why', async () => {
    const fleet = (lengths: number[]) => {
      const rows = ['machine,t,a,b'];
      lengths.forEach((n, m) => {
        for (let i = 0; i < n; i++) rows.push(`M${m},${i},${(((i * 37 + m * 11) % 101) / 101).toFixed(4)},${((i * 53) % 97) / 97}`);
      });
      return rows.join('\n');
    };
    writeFileSync(join(dir, 'four.csv'), fleet([200, 200, 200, 200]));
    const four = await cli('train', join(dir, 'four.csv'), '-o', join(dir, 'four.json'));
    expect(four.code).toBe(0);
    expect(four.stderr).toMatch(/threshold calibrated out of sample \(4-fold cross-fit over 400 healthy readings of 4 units\)/);
    // M1's baseline is 20 readings: the forest that judges M0 would grow on them alone.
    writeFileSync(join(dir, 'pair.csv'), fleet([200, 40]));
    const pair = await cli('train', join(dir, 'pair.csv'), '-o', join(dir, 'pair.json'));
    expect(pair.code).toBe(0);
    expect(pair.stderr).toMatch(
      /^isoscope: threshold in sample, the quantile of the training readings' own scores: holding out a unit leaves 20 healthy readings to grow a forest on \(60 are needed\)\./m,
    );
    expect(JSON.parse(readFileSync(join(dir, 'pair.json'), 'utf8')).threshold.calibration).toBeUndefined();
  });

  test('train, score and evaluate on FD001', async () => {
    const model = join(dir, 'm.json');
    const t = await cli('train', train, '--baseline', 'first:50%', '--trees', '50', '--seed', '3', '--exclude', 'sensor_21', '-o', model);
    expect(t.code).toBe(0);
    const m = JSON.parse(readFileSync(model, 'utf8'));
    expect(m.features).not.toContain('sensor_21');
    expect(m.training.baseline).toBe('first:50%');
    expect(m.forest.trees).toHaveLength(50);

    const scores = join(dir, 's.csv');
    const s = await cli('score', cmapssPath('test_FD001.txt'), '--model', model, '-o', scores, '--timings');
    expect(s.code).toBe(0);
    const timing = JSON.parse(s.stderr.trim().split('\n').pop()!);
    expect(timing.rows).toBe(13096);
    expect(timing.parse_ms).toBeGreaterThan(0);
    expect(timing.score_ms).toBeGreaterThan(0);
    const lines = readFileSync(scores, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('row,unit_number,time_in_cycles,score,decision,is_anomaly,alarm,anomaly_score');
    expect(lines).toHaveLength(13097);
    const [row, unit, time, score, decision, flag, , anomaly] = lines[1].split(',').map(Number);
    expect([row, unit, time]).toEqual([0, 1, 1]);
    // The page's, serve's and the documents' number, last: the columns before it keep their places.
    expect(anomaly).toBe(-score);
    expect(decision).toBeCloseTo(score - m.threshold.offset, 12);
    expect(flag).toBe(decision < 0 ? 1 : 0);

    const e = await cli('evaluate', cmapssPath('test_FD001.txt'), '--rul', cmapssPath('RUL_FD001.txt'), '--model', model, '--json');
    expect(e.code).toBe(0);
    const ev = JSON.parse(e.stdout);
    expect(ev.rocAuc).toBeGreaterThan(0.9);
    expect(ev.units.count).toBe(100);
    // Test units are cut off before failure: those whose data ends before RUL <= 30 are not misses.
    const cutOff = ev.units.perUnit.filter((o: { cutOff: boolean }) => o.cutOff).length;
    expect(cutOff).toBeGreaterThan(0);
    expect(ev.units.cutOff).toBe(cutOff);
    expect(ev.units.missed).toBeLessThanOrEqual(ev.units.neverWarned);
    expect(ev.baseline).toBe('first:50%');
  });

  test('defaults: healthy-half baseline, own-unit recipe, 0.002 contamination, 5-of-8 alarms; the alarm column follows the rule', async () => {
    const model = join(dir, 'default.json');
    const t = await cli('train', train, '-o', model);
    expect(t.code).toBe(0);
    expect(t.stderr).toMatch(/baseline first:50%.*own-unit baseline 20, window 5 mean.*contamination 0.002.*alarm 5 of 8/);
    const m = JSON.parse(readFileSync(model, 'utf8'));
    expect(m.features[0]).toBe('sensor_2:dev20:mean5');
    expect(m.alarm).toEqual({ k: 5, n: 8, clear: 1 });
    const out = join(dir, 'alarms.csv');
    expect((await cli('score', train, '--model', model, '-o', out)).code).toBe(0);
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    // Unit 1: its alarm rises only after 5 of its last 8 readings were anomalous.
    const unit1 = rows.filter((r) => r[1] === '1');
    const firstAlarm = unit1.findIndex((r) => r[6] === '1');
    expect(firstAlarm).toBeGreaterThan(100);
    expect(unit1.slice(Math.max(0, firstAlarm - 7), firstAlarm + 1).filter((r) => r[5] === '1').length).toBeGreaterThanOrEqual(5);
    const ev = JSON.parse((await cli('evaluate', train, '--model', model, '--json')).stdout);
    expect(ev.units.medianLeadTime).toBeGreaterThanOrEqual(40);
    expect(ev.units.neverWarned).toBe(0);
    expect(ev.units.falseAlarmsPerUnit).toBeLessThanOrEqual(0.05);
  });

  test('bad detection flags are refused with the rule', async () => {
    expect((await cli('train', train, '--alarm', '9/8', '-o', join(dir, 'x.json'))).stderr).toMatch(
      /--alarm needs 1 <= K <= N <= 1000, got 9\/8/,
    );
    expect((await cli('train', train, '--stats', 'mean,median', '-o', join(dir, 'x.json'))).stderr).toMatch(
      /--stats takes some of value,mean,std,slope/,
    );
    expect(
      (await cli('train', train, '--contamination', '0.01', '--threshold-quantile', '0.99', '-o', join(dir, 'x.json'))).stderr,
    ).toMatch(/not both/);
  });

  test('evaluate from a label column', async () => {
    const rows = ['t,x,y,anomaly'];
    for (let i = 0; i < 300; i++) rows.push(`${i},${Math.sin(i)},${Math.cos(i)},0`);
    for (let i = 0; i < 10; i++) rows.push(`${300 + i},${5 + i},${-5},1`);
    const data = join(dir, 'labelled.csv');
    writeFileSync(data, rows.join('\n'));
    const model = join(dir, 'lm.json');
    expect((await cli('train', data, '-o', model)).code).toBe(0);
    const ev = JSON.parse((await cli('evaluate', data, '--model', model, '--label-column', 'anomaly', '--json')).stdout);
    expect(ev.truth).toBe('label');
    expect(ev.positives).toBe(10);
    expect(ev.rocAuc).toBeGreaterThan(0.99);
  });

  test.each([
    ['a missing file', ['profile', '/no/such/file.csv'], /isoscope: cannot read data file \/no\/such\/file.csv: no such file/],
    ['an empty file', ['profile', 'EMPTY'], /isoscope: .*empty\.csv: the data file is empty/],
    ['a mistyped flag', ['score', train, '--modle', 'm.json'], /^isoscope: unknown flag --modle; did you mean --model\?$/m],
    ['ragged rows', ['profile', 'RAGGED'], /isoscope: ragged\.csv, record 2: expected 2 fields like the header, found 3/],
    [
      'unknown feature names',
      ['train', train, '--features', 'sensor_2,warp_core', '-o', '/tmp/x.json'],
      /isoscope: unknown feature name "warp_core"/,
    ],
    ['a bad flag value', ['train', train, '--trees', 'many', '-o', '/tmp/x.json'], /isoscope: --trees expects a number, got "many"/],
    ['an unknown command', ['frobnicate'], /isoscope: unknown command "frobnicate"/],
  ])('%s prints one clear line and exits non-zero', async (_n, args, message) => {
    writeFileSync(join(dir, 'empty.csv'), '');
    writeFileSync(join(dir, 'ragged.csv'), 'a,b\n1,2\n1,2,3\n4,5\n');
    const real = args.map((a) => (a === 'EMPTY' ? join(dir, 'empty.csv') : a === 'RAGGED' ? join(dir, 'ragged.csv') : a));
    const { code, stderr } = await cli(...real);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')[0]).toMatch(/^isoscope: /);
  });

  test('a model whose features the data lacks is refused by name', async () => {
    const csv = join(dir, 'other.csv');
    writeFileSync(csv, 'temp,vib\n1,2\n3,4\n');
    const { code, stderr } = await cli('score', csv, '--model', join(import.meta.dirname, '..', 'models', 'fd001-baseline.json'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/isoscope: the data has no columns "sensor_2", "sensor_3"/);
  });

  test('a corrupt model file is refused with the field', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'isoscope-model', version: 1 }));
    const { code, stderr } = await cli('score', train, '--model', bad);
    expect(code).toBe(1);
    expect(stderr).toMatch(/must have required property/);
  });
});
