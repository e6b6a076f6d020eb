// `isoscope score` streams its input and may spread units over threads; its file must be the
// one scoring the whole dataset at once gives (the page's Export scores), byte for byte.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { columnByRole, type Dataset } from '../src/data/dataset.js';
import { ingestFiles } from '../src/data/ingest.js';
import { scoresCsv } from '../src/data/scores-csv.js';
import { alarmTrace } from '../src/alarms/alarm-trace.js';
import { alarmRule } from '../src/model/alarm-rule.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { parseModelText } from '../src/model/validate.js';
import { profileDataset } from '../src/data/profile.js';
import { evaluateScores } from '../src/metrics/evaluate.js';
import { parseBaseline } from '../src/data/baseline.js';
import { cmapssPath, getEngine, lcg } from './helpers.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'isoscope.js');
const dir = mkdtempSync(join(tmpdir(), 'isoscope-stream-'));
const FD001_MODEL = join(import.meta.dirname, '..', 'models', 'fd001-baseline.json');

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { maxBuffer: 256 * 1024 ** 2 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** The scores CSV of the whole dataset scored at once, as the page exports it. */
async function wholeCsv(path: string, modelPath: string): Promise<string> {
  const ds: Dataset = ingestFiles([{ name: path, bytes: readFileSync(path) }], { runToFailure: false });
  const model = parseModelText(readFileSync(modelPath, 'utf8')).model;
  const loaded = new LoadedModel(await getEngine(), model);
  const { scores, flags } = loaded.scoreDataset(ds);
  loaded.dispose();
  const unit = columnByRole(ds, 'unit');
  const alarm = unit ? alarmTrace(ds, flags, alarmRule(model), scores).state : undefined;
  return scoresCsv({ unit, time: columnByRole(ds, 'time'), scores, offset: model.threshold.offset, flags, alarm });
}

async function scoredFile(data: string, model: string, threads: number): Promise<string> {
  const out = join(dir, `s-${threads}-${Math.random().toString(36).slice(2)}.csv`);
  const r = await cli('score', data, '--model', model, '--threads', String(threads), '-o', out);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.code).toBe(0);
  return readFileSync(out, 'utf8');
}

/** Five machines with text ids and timestamps, their readings interleaved, a drift in press-03. */
function plantCsv(rows: number): string {
  const rnd = lcg(11);
  const lines = ['timestamp,machine,temp,pressure,vibration'];
  for (let i = 0; i < rows; i++) {
    const m = i % 5;
    const t = new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 5) * 60_000).toISOString();
    const drift = m === 2 && i > rows * 0.7 ? (i - rows * 0.7) / 200 : 0;
    const missing = i % 997 === 0 ? '' : (1.5 + rnd() * 0.1 + drift).toFixed(4);
    lines.push(`${t},press-0${m + 1},${(60 + rnd() * 2 + drift).toFixed(3)},${missing},${(rnd() * 0.2).toFixed(4)}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('isoscope score streams the file', () => {
  test('test_FD001 with the shipped model: one thread and three give the whole-data file, byte for byte', async () => {
    const data = cmapssPath('test_FD001.txt');
    const expected = await wholeCsv(data, FD001_MODEL);
    expect(expected.split('\n').length).toBe(13096 + 2);
    expect(await scoredFile(data, FD001_MODEL, 1)).toBe(expected);
    expect(await scoredFile(data, FD001_MODEL, 3)).toBe(expected);
  });

  test('a plant CSV (text ids, timestamps, interleaved machines, missing cells) over 2 threads equals the whole-data file', async () => {
    const data = join(dir, 'plant.csv');
    writeFileSync(data, plantCsv(60_000));
    const model = join(dir, 'plant-model.json');
    expect((await cli('train', data, '--trees', '40', '--seed', '5', '-o', model)).code).toBe(0);
    const expected = await wholeCsv(data, model);
    const streamed = await scoredFile(data, model, 2);
    expect(streamed).toBe(expected);
    expect(streamed.split('\n')[0]).toBe('row,machine,timestamp,score,decision,is_anomaly,alarm,anomaly_score');
  });

  test('a file whose unit goes back in time is scored whole when written with -o, and refused on a long stdout', async () => {
    const model = join(dir, 'back-model.json');
    writeFileSync(join(dir, 'back-train.csv'), plantCsv(5_000));
    expect((await cli('train', join(dir, 'back-train.csv'), '--trees', '20', '--seed', '2', '-o', model)).code).toBe(0);
    const backwards = (rows: number) => {
      const lines = plantCsv(rows).trimEnd().split('\n');
      lines.push(lines[1]); // press-01's first reading again, last: its time goes back at the end
      const path = join(dir, `backwards-${rows}.csv`);
      writeFileSync(path, `${lines.join('\n')}\n`);
      return path;
    };
    const small = backwards(20_000);
    expect(await scoredFile(small, model, 2)).toBe(await wholeCsv(small, model));
    // Past the first few MiB, standard output cannot be taken back.
    const piped = await cli('score', backwards(400_000), '--model', model);
    expect(piped.code).toBe(1);
    expect(piped.stderr).toMatch(/data row 400001: unit 1's time goes back .*sort the file by unit and time, or give -o FILE/);
  });

  test('a model column the data lacks is named, and --threads takes only whole numbers', async () => {
    const data = join(dir, 'plant-small.csv');
    writeFileSync(data, plantCsv(500));
    const r = await cli('score', data, '--model', FD001_MODEL);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the data has no columns "sensor_2"/);
    const t = await cli('score', data, '--model', FD001_MODEL, '--threads', '1.5');
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/--threads must be a whole number from 1 to 256, got 1.5/);
  });

  test('profile and evaluate stream too, with the figures of the whole dataset', async () => {
    const data = cmapssPath('test_FD001.txt');
    const rulPath = cmapssPath('RUL_FD001.txt');
    const ds = ingestFiles([
      { name: 'test_FD001.txt', bytes: readFileSync(data) },
      { name: 'RUL_FD001.txt', bytes: readFileSync(rulPath) },
    ]);
    const profiled = JSON.parse((await cli('profile', data, '--rul', rulPath, '--json')).stdout);
    expect(profiled).toEqual(JSON.parse(JSON.stringify({ name: ds.name, format: ds.format, notes: ds.notes, ...profileDataset(ds) })));
    expect(profiled.columns.at(-1).name).toBe('rul');

    const model = parseModelText(readFileSync(FD001_MODEL, 'utf8')).model;
    const loaded = new LoadedModel(await getEngine(), model);
    const { scores, flags } = loaded.scoreDataset(ds);
    loaded.dispose();
    const whole = evaluateScores(ds, scores, flags, {
      horizon: 30,
      baseline: parseBaseline(model.training.baseline),
      alarm: alarmRule(model),
    });
    const evaluated = JSON.parse((await cli('evaluate', data, '--rul', rulPath, '--model', FD001_MODEL, '--json')).stdout);
    expect(evaluated.rocAuc).toBe(whole.rocAuc);
    expect(evaluated.units).toEqual(JSON.parse(JSON.stringify(whole.units)));
    expect(evaluated.f1).toBe(whole.f1);
  });
});
