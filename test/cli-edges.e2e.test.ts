// The CLI at its edges: a hub that drops under `replay`, a file passed as --rul that is
// not a RUL file, and negative numbers given as flag values. Each ends in one line and an
// exit status other than 70 (internal error).
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createServer, type Socket } from 'node:net';
import { afterAll, expect, test } from 'vitest';
import { EventHubServer, HubStore } from './servers/event-hub-server.js';
import { cmapssPath, until } from './helpers.js';
import { MAX_FEATURES } from '../src/model/train.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'isoscope.js');
const MODEL = join(import.meta.dirname, '..', 'models', 'fd001-baseline.json');
const dir = mkdtempSync(join(tmpdir(), 'isoscope-edges-'));
let hub: EventHubServer | undefined;

afterAll(async () => {
  await hub?.stop();
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

test('evaluate refuses a training file given as --rul instead of scoring the training file', async () => {
  const whole = await cli('evaluate', cmapssPath('test_FD001.txt'), '--rul', cmapssPath('train_FD001.txt'), '--model', MODEL);
  expect(whole.code).toBe(1);
  expect(whole.stdout).toBe('');
  expect(whole.stderr.trim().split('\n')).toHaveLength(1);
  expect(whole.stderr).toMatch(/train_FD001\.txt: .*RUL file/);
  // A small file of the wrong kind: the line that gives it away.
  const head = join(dir, 'not-rul.txt');
  writeFileSync(head, readFileSync(cmapssPath('train_FD001.txt'), 'utf8').split('\n').slice(0, 100).join('\n'));
  const small = await cli('evaluate', cmapssPath('test_FD001.txt'), '--rul', head, '--model', MODEL);
  expect(small.code).toBe(1);
  expect(small.stderr).toMatch(/not-rul\.txt, line 1: a RUL file holds one non-negative number per line/);
  // The real RUL file still pairs, under any name.
  const renamed = join(dir, 'ground-truth.txt');
  writeFileSync(renamed, readFileSync(cmapssPath('RUL_FD001.txt')));
  const good = await cli('evaluate', cmapssPath('test_FD001.txt'), '--rul', renamed, '--model', MODEL, '--json');
  expect(good.code).toBe(0);
  expect(JSON.parse(good.stdout)).toMatchObject({ truth: 'rul', readings: 6857 });
});

test('evaluate warns when --horizon leaves no healthy reading (every reading degraded), not at one that leaves some', async () => {
  const all = await cli('evaluate', cmapssPath('train_FD001.txt'), '--model', MODEL, '--horizon', '1e9');
  expect(all.code).toBe(0);
  expect(all.stderr).toBe(
    'isoscope: warning: --horizon 1000000000 counts every scored reading as degraded (RUL <= 1000000000): no healthy reading is left, so ROC AUC, precision and the false-alarm rate say nothing; C-MAPSS work uses 30\n',
  );
  // The longest unit (362 cycles) keeps one healthy reading at 360.
  expect((await cli('evaluate', cmapssPath('train_FD001.txt'), '--model', MODEL, '--horizon', '360')).stderr).toBe('');
});

test('evaluate says when its figures are in sample, and when a renamed file is taken as run to failure', async () => {
  const own = await cli('evaluate', cmapssPath('train_FD001.txt'), '--model', MODEL);
  expect(own.stdout.split('\n')[0]).toMatch(/; in sample: the model was trained on a file of this name$/);
  expect(own.stderr).toBe('');
  const renamed = join(dir, 'mydata.txt');
  writeFileSync(renamed, readFileSync(cmapssPath('test_FD001.txt')));
  const r = await cli('evaluate', renamed, '--model', MODEL, '--json');
  expect(r.stderr.trim()).toBe(
    'isoscope: ground truth assumes each unit of mydata.txt runs to failure at its last reading; if the units are cut off before failure (a test file), give its RUL file with --rul',
  );
  expect(JSON.parse(r.stdout).inSample).toBe(false);
  const paired = await cli('evaluate', renamed, '--model', MODEL, '--rul', cmapssPath('RUL_FD001.txt'));
  expect(paired.stderr).toBe('');
  expect(paired.stdout.split('\n')[0]).toMatch(/; the model was trained on train_FD001\.txt$/);
});

test('in sample is told by the readings, not the file name or their order: a copy under another name or sorted another way is, another file of the same name is not', async () => {
  const { data, model } = await trainedSeries('recording');
  const inSample = async (file: string) => {
    const r = await cli('evaluate', file, '--model', model, '--label-column', 'anomaly', '--json');
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { inSample: boolean }).inSample;
  };
  expect(await inSample(data)).toBe(true);
  const copy = join(dir, 'copy-of-recording.csv');
  writeFileSync(copy, readFileSync(data));
  expect(await inSample(copy)).toBe(true);
  // The same readings sorted the other way (newest first, as some exports write them) are the same readings.
  const [header, ...lines] = readFileSync(data, 'utf8').trim().split('\n');
  const newestFirst = join(dir, 'recording-newest-first.csv');
  writeFileSync(newestFirst, [header, ...lines.reverse()].join('\n'));
  expect(await inSample(newestFirst)).toBe(true);
  // Another bench run saved under the same name elsewhere (as recorders number their files).
  mkdirSync(join(dir, 'run2'), { recursive: true });
  const other = join(dir, 'run2', 'recording.csv');
  writeFileSync(other, labelledSeries((l) => String(l)).replace(/,50\.(\d)/g, ',51.$1'));
  expect(await inSample(other)).toBe(false);
  const said = await cli('evaluate', other, '--model', model, '--label-column', 'anomaly');
  expect(said.stdout.split('\n')[0]).toMatch(/; the model was trained on recording\.csv, another file of this name$/);
  const own = await cli('evaluate', copy, '--model', model, '--label-column', 'anomaly');
  expect(own.stdout.split('\n')[0]).toMatch(/; in sample: the model was trained on these readings \(recording\.csv\)$/);
}, 60_000);

test('a negative number after a flag is its value: the range check answers, not "ambiguous"', async () => {
  const r = await cli('train', cmapssPath('train_FD001.txt'), '--contamination', '-1', '-o', join(dir, 'm.json'));
  expect(r.code).toBe(2);
  expect(r.stderr).not.toMatch(/ambiguous/);
  expect(r.stderr).toMatch(/--contamination: contamination must be 'auto' or a number in \(0, 0\.5\], got -1/);
  const h = await cli('evaluate', cmapssPath('test_FD001.txt'), '--model', MODEL, '--horizon', '-3');
  expect(h.stderr).toMatch(/--horizon must be >= 0, got -3/);
  // A flag whose value is left out, at the end or before another flag: said so, not in Node's words.
  for (const [args, said] of [
    [['--features'], '--features needs a value'],
    [['--features', '--exclude', 'x'], '--features needs a value, and the next word is a flag'],
    [['-o'], '-o needs a value'],
  ] as const) {
    const r = await cli('train', cmapssPath('train_FD001.txt'), ...args);
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, `isoscope: ${said}`]);
  }
});

test('a flag value out of range exits 2 naming the flag, before the data file is read', async () => {
  // The file does not exist: a value checked only after reading would fail on the file instead.
  const absent = join(dir, 'absent.csv');
  for (const [flag, value, words] of [
    ['--trees', '0', /trees must be an integer from 1 to 10000, got 0/],
    ['--seed', '-1', /seed must be an integer/],
    ['--window', '0', /window size must be a whole number from 1 to 1000/],
    ['--unit-baseline', '1.5', /unit baseline must be a whole number/],
    ['--max-samples', '0', /max samples must be 'auto'/],
    ['--max-features', '2.5', /max features must be an integer >= 1/],
    ['--extension-level', '-2', /extension level must be a whole number >= 0/],
    ['--baseline', 'first:200%', /baseline percent must be in \(0, 100\]/],
  ] as const) {
    const r = await cli('train', absent, flag, value, '-o', join(dir, 'never.json'));
    expect(r.code, flag).toBe(2);
    expect(r.stderr.trim(), flag).toMatch(new RegExp(`^isoscope: ${flag}: ${words.source}`));
  }
  const ev = await cli('evaluate', absent, '--model', MODEL, '--baseline', 'half');
  expect(ev.code).toBe(2);
  expect(ev.stderr).toMatch(/^isoscope: --baseline: baseline "half" is not understood/);
  // The data itself failing is exit 1.
  expect((await cli('profile', absent)).code).toBe(1);
  const version = await cli('--version');
  expect(version.code).toBe(0);
  expect(version.stdout.trim()).toBe(
    `isoscope ${(JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }).version}`,
  );
});

test('replay says in one line that the hub dropped, and exits with a status other than 70', async () => {
  hub = new EventHubServer({ hub: 'readings', store: new HubStore(2) });
  await hub.start();
  const child = spawn('node', [BIN, 'replay', cmapssPath('test_FD001.txt'), '--to', 'eventhub', '--rate', '400'], {
    env: { PATH: process.env.PATH, EVENTHUB_CONNECTION_STRING: hub.connectionString() },
    cwd: dir,
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((ok) => child.on('close', ok));
  await until(() => /readings sent/.test(stderr), 30_000, 'replay to send');
  await hub.stop();
  hub = undefined;
  const code = await exited;
  expect(code).not.toBe(70);
  expect(code).not.toBe(0);
  const last = stderr.trim().split('\n').pop()!;
  expect(last).toMatch(/^isoscope: cannot reach event hub readings after sending \d+ of 13096 readings: \S/);
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
}, 120_000);

test('a Cosmos DB endpoint that accepts and never answers ends the command in 15 s with one line', async () => {
  const held: Socket[] = [];
  const silent = createServer((socket) => held.push(socket.on('data', () => undefined)));
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  const { port } = silent.address() as { port: number };
  const key = Buffer.from('a key that must not be printed').toString('base64');
  try {
    const r = await run('node', [BIN, 'models'], {
      cwd: dir,
      env: { ...process.env, COSMOS_ENDPOINT: `http://127.0.0.1:${port}/`, COSMOS_KEY: key },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'isoscope: cannot reach Cosmos DB models container iot-sensor-db/models: Timeout Error! Request took more than 15000 ms',
    );
  } finally {
    held.forEach((s) => s.destroy());
    silent.close();
  }
}, 60_000);

/** One sensor in time order, labelled: 300 healthy readings, then 60 with a step labelled 1, then 40 healthy. */
function labelledSeries(label: (l: 0 | 1, i: number) => string): string {
  const lines = ['timestamp,value,anomaly'];
  for (let i = 0; i < 400; i++) {
    const l = i >= 300 && i < 360 ? 1 : 0;
    const v = 50 + 5 * Math.sin(i / 7) + ((i * 7919) % 13) / 13 + (l ? 12 : 0);
    lines.push(`${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()},${v.toFixed(3)},${label(l, i)}`);
  }
  return lines.join('\n') + '\n';
}

/** The labelled series written as NAME.csv and a model trained on its first 250 readings as NAME.json. */
async function trainedSeries(name: string): Promise<{ data: string; model: string }> {
  const data = join(dir, `${name}.csv`);
  writeFileSync(
    data,
    labelledSeries((l) => String(l)),
  );
  const model = join(dir, `${name}.json`);
  expect((await cli('train', data, '--baseline', 'first:250', '-o', model)).code).toBe(0);
  return { data, model };
}

test('evaluate --label-column: text labels without a healthy word are refused, unlabelled readings are counted, RUL flags and a repeated flag are refused', async () => {
  const { data, model } = await trainedSeries('series');
  // no/yes in a label column is ground truth ("no" is the healthy word): the figures of 0/1.
  const words = join(dir, 'series-yes-no.csv');
  writeFileSync(
    words,
    labelledSeries((l) => (l ? 'yes' : 'no')),
  );
  const fromWords = await cli('evaluate', words, '--model', model, '--label-column', 'anomaly', '--json');
  const fromNumbers = await cli('evaluate', data, '--model', model, '--label-column', 'anomaly', '--json');
  expect(fromWords.code).toBe(0);
  expect(JSON.parse(fromWords.stdout).readings).toBe(JSON.parse(fromNumbers.stdout).readings);
  expect(JSON.parse(fromWords.stdout).positives).toBe(60);
  expect(JSON.parse(fromWords.stdout).rocAuc).toBe(JSON.parse(fromNumbers.stdout).rocAuc);
  // Words that never say healthy cannot be told apart: refused.
  const vague = join(dir, 'series-fine-bad.csv');
  writeFileSync(
    vague,
    labelledSeries((l) => (l ? 'bad' : 'fine')),
  );
  const refused = await cli('evaluate', vague, '--model', model, '--label-column', 'anomaly');
  expect(refused.code).toBe(1);
  expect(refused.stdout).toBe('');
  expect(refused.stderr.trim()).toMatch(
    /^isoscope: label column "anomaly" must hold 0 \(normal\) or 1 \(anomaly\); 400 of its cells hold text/,
  );
  // Empty cells among the labels: those readings are left out, and the output says how many.
  const gaps = join(dir, 'series-gaps.csv');
  writeFileSync(
    gaps,
    labelledSeries((l, i) => (i % 4 === 0 ? '' : String(l))),
  );
  const partial = await cli('evaluate', gaps, '--model', model, '--label-column', 'anomaly', '--json');
  expect(partial.code).toBe(0);
  const ev = JSON.parse(partial.stdout) as { readings: number; unlabelled: number; unscored: number };
  expect(ev.unlabelled).toBe(100);
  const table = await cli('evaluate', gaps, '--model', model, '--label-column', 'anomaly');
  expect(table.stdout).toMatch(/, 100 without a label \(not compared\)/);
  // No label at all: nothing to compare, refused; no positive reading: recall and the missed-alarm rate have no value, not 0.
  const blank = join(dir, 'series-blank.csv');
  writeFileSync(
    blank,
    labelledSeries(() => ''),
  );
  const none = await cli('evaluate', blank, '--model', model, '--label-column', 'anomaly');
  expect(none.code).toBe(1);
  expect(none.stderr.trim()).toBe(
    'isoscope: series-blank.csv: no reading has a label in column "anomaly" (400 blank): nothing to evaluate',
  );
  // Labels, but too few readings to fill the model's window: not "no label", but why none is scored.
  const brief = join(dir, 'series-brief.csv');
  writeFileSync(
    brief,
    labelledSeries((l) => String(l))
      .split('\n')
      .slice(0, 5)
      .join('\n'),
  );
  const unscored = await cli('evaluate', brief, '--model', model, '--label-column', 'anomaly');
  expect(unscored.code).toBe(1);
  expect(unscored.stderr.trim()).toMatch(
    /^isoscope: series-brief\.csv: none of the 4 readings with ground truth is scored \(.*window.*\): nothing to evaluate$/,
  );
  const healthy = join(dir, 'series-healthy.csv');
  writeFileSync(
    healthy,
    labelledSeries(() => '0'),
  );
  const noPositive = await cli('evaluate', healthy, '--model', model, '--label-column', 'anomaly');
  expect(noPositive.stdout).toMatch(/alarm recall +n\/a \(no positive reading\)/);
  expect(noPositive.stdout).toMatch(/missed-alarm rate \(positive readings not in alarm\) +n\/a \(no positive reading\)/);
  const noPositiveJson = JSON.parse((await cli('evaluate', healthy, '--model', model, '--label-column', 'anomaly', '--json')).stdout);
  expect(noPositiveJson.recall).toBeNull();
  expect(noPositiveJson.missedAlarmRate).toBeNull();
  const all = JSON.parse((await cli('evaluate', data, '--model', model, '--label-column', 'anomaly', '--json')).stdout) as typeof ev;
  expect(all.unlabelled).toBe(0);
  expect(ev.readings).toBeLessThan(all.readings);
  for (const flag of [
    ['--horizon', '5'],
    ['--baseline', 'first:10%'],
  ]) {
    const r = await cli('evaluate', data, '--model', model, '--label-column', 'anomaly', ...flag);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${flag[0]} applies to RUL ground truth`);
  }
  // The label column found by its name: the RUL flags are said to be unused, not dropped without a word.
  const found = await cli('evaluate', data, '--model', model, '--horizon', '5', '--baseline', 'first:10%');
  expect(found.code).toBe(0);
  expect(found.stderr).toContain(
    "isoscope: warning: --horizon and --baseline apply to RUL ground truth, and were not used: series.csv's label column says which readings are anomalous",
  );
  // A name given twice in a list flag: refused naming the flag, not a model field error after training.
  for (const [flag, value] of [
    ['--features', 'temp,temp'],
    ['--stats', 'mean,std,mean'],
  ]) {
    const r = await cli('train', data, flag, value, '-o', join(dir, 'twice.json'));
    expect([r.code, r.stderr.trim()]).toEqual([2, `isoscope: ${flag} names "${value.split(',')[0] === 'temp' ? 'temp' : 'mean'}" twice`]);
  }
  const twice = await cli('score', data, '--model', model, '--model', MODEL, '-o', join(dir, 'twice.csv'));
  expect(twice.code).toBe(2);
  expect(twice.stderr).toMatch(/^isoscope: --model is given more than once; give it once/);
  // A baseline shorter than the window: every input is there, the window statistics are not yet; said so.
  const short = await cli('train', data, '--baseline', 'first:3', '-o', join(dir, 'short.json'));
  expect(short.code).toBe(1);
  expect(short.stderr.trim()).toMatch(
    /^isoscope: no training rows: .*: every input is present on 3 of its 3 rows, but a derived feature .* has no value until a unit has given enough readings, and the baseline ends before that; take a longer baseline, or a shorter window$/,
  );
  // Text row ids (r0, r1, …) are coded 1, 2, … in order: a streamed profile shows no min, max or mean of the codes.
  const rowIds = join(dir, 'row-ids.csv');
  writeFileSync(rowIds, ['id,temp', ...Array.from({ length: 30 }, (_, i) => `r${i},${20 + (i % 4)}`)].join('\n'));
  const idLine = (await cli('profile', rowIds)).stdout.split('\n').find((l) => l.startsWith('id '))!;
  expect(idLine.split(/\s+/).slice(0, 8)).toEqual(['id', 'feature', '30', '0', '-', '-', '-', '-']);
  const idJson = JSON.parse((await cli('profile', rowIds, '--json')).stdout).columns[0];
  expect(idJson).toMatchObject({ name: 'id', min: null, max: null, mean: null, std: null, textIds: true });
  // More features than a model holds (the schema's limit): refused before training, naming the way out.
  const schema = JSON.parse(readFileSync('models/isoscope-model.schema.json', 'utf8'));
  expect(schema.properties.features.maxItems).toBe(MAX_FEATURES);
  const wide = join(dir, 'wide.csv');
  const width = Math.ceil(MAX_FEATURES / 3) + 1;
  writeFileSync(
    wide,
    [
      Array.from({ length: width }, (_, j) => `s${j}`).join(','),
      ...Array.from({ length: 40 }, (_, i) => Array.from({ length: width }, (_, j) => ((i * 7 + j) % 13) + 0.5).join(',')),
    ].join('\n'),
  );
  const tooWide = await cli('train', wide, '-o', join(dir, 'wide.json'));
  expect(tooWide.code).toBe(1);
  expect(tooWide.stderr.trim()).toBe(
    `isoscope: ${width} inputs make ${3 * width} features (3 each), more than the ${MAX_FEATURES} a model holds: choose fewer inputs (--features, or step 2 on the page), or fewer statistics per input (--recipe raw takes the readings alone)`,
  );
  // A column chosen whose values overflow float64 sums: refused by name, not as a model field that is not finite.
  const huge = join(dir, 'huge.csv');
  writeFileSync(
    huge,
    ['big,flow', ...Array.from({ length: 60 }, (_, i) => `${i % 2 ? '1e308' : '-1.5e308'},${10 + (i % 7) / 10}`)].join('\n'),
  );
  const overflow = await cli('train', huge, '--features', 'big,flow', '--recipe', 'raw', '-o', join(dir, 'huge.json'));
  expect(overflow.code).toBe(1);
  expect(overflow.stderr.trim().split('\n').at(-1)).toBe(
    "isoscope: big: the training rows' values overflow float64 sums (values near ±1e308), so it has no mean or spread to scale by: leave it out (--exclude, or untick it in step 2) or rescale it",
  );
  // An empty path (an unset shell variable) is refused before any work, not after it or dropped.
  for (const flag of [['-o', ''], ['--report=']]) {
    const empty = await cli('score', data, '--model', model, ...flag);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(new RegExp(`^isoscope: ${flag[0].replace('=', '')} needs a value, got an empty one`));
  }
  // The label as an input: the figures are the label's, and evaluate says so.
  const leaky = join(dir, 'leaky.json');
  expect((await cli('train', data, '--features', 'value,anomaly', '-o', leaky)).code).toBe(0);
  const leak = await cli('evaluate', data, '--model', leaky, '--label-column', 'anomaly');
  expect(leak.stderr).toMatch(/warning: the label column "anomaly" is one of the model's inputs/);
  expect((await cli('evaluate', data, '--model', model, '--label-column', 'anomaly')).stderr).not.toMatch(/model's inputs/);
});

test("the data check calls a series that starts a fifth of the training span outside it a mismatch, not the same machine's later readings", async () => {
  const { data, model } = await trainedSeries('level');
  // Another machine: a steady 41-42 against a training range of about 45-56, inside the wide margin wear is allowed.
  const other = [
    'timestamp,value',
    ...Array.from(
      { length: 200 },
      (_, i) => `2024-02-01T00:${String(i % 60).padStart(2, '0')}:00Z,${(41 + ((i * 37) % 10) / 10).toFixed(2)}`,
    ),
  ];
  writeFileSync(join(dir, 'other.csv'), other.join('\n') + '\n');
  const scored = await cli('score', 'other.csv', '--model', model, '-o', 'other-scores.csv');
  expect(scored.stderr).toMatch(/data check: mismatch: value: 100% of the units' first readings are outside the training range/);
  const same = await cli('score', data, '--model', model, '-o', 'same-scores.csv');
  expect(same.stderr).not.toMatch(/mismatch/);
});

test('score says rows went unscored because the window fills, and when none was scored at all', async () => {
  const { data, model } = await trainedSeries('short');
  const size = (JSON.parse(readFileSync(model, 'utf8')) as { recipe: { window: { size: number } } }).recipe.window.size;
  writeFileSync(join(dir, 'four.csv'), readFileSync(data, 'utf8').split('\n').slice(0, 5).join('\n') + '\n');
  const few = await cli('score', 'four.csv', '--model', model, '-o', 'four-scores.csv');
  expect(few.stderr.trim()).toBe(
    `isoscope: none of the 4 row(s) was scored: the model's window spread needs ${size} readings of the series, so the series' first ${size - 1} are not scored, nor is a reading with a missing or non-numeric input`,
  );
  const whole = await cli('score', data, '--model', model, '-o', 'whole-scores.csv');
  expect(whole.stderr).toContain(
    `isoscope: ${size - 1} row(s) were not scored (empty score): the model's window spread needs ${size} readings`,
  );
  // One series has its alarm column, as a fleet's units do: raised in the labelled stretch (rows 300–359).
  const rows = readFileSync(join(dir, 'whole-scores.csv'), 'utf8').trim().split('\n');
  expect(rows[0]).toBe('row,timestamp,score,decision,is_anomaly,alarm,anomaly_score');
  expect(rows.slice(301, 361).some((r) => r.endsWith(',1'))).toBe(true);
});

test('times the reader cannot read are named once by train, score and evaluate: the readings keep file order', async () => {
  const iso = labelledSeries((l) => String(l)).split('\n');
  // 2024-01-01T00:05:00.000Z → 2024.01.01 00:05: year first with dots is a format the reader does not take.
  const us = iso.map((line, i) =>
    i === 0 || !line ? line : line.replace(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}):\d{2}\.\d{3}Z/, '$1.$2.$3 $4'),
  );
  writeFileSync(join(dir, 'us-dates.csv'), us.join('\n'));
  const model = join(dir, 'us-dates.json');
  const warning =
    /^isoscope: warning: time column "timestamp": 400 of 400 values are not times isoscope reads .*; those readings are taken in file order$/m;
  const trained = await cli('train', 'us-dates.csv', '--baseline', 'first:250', '-o', model);
  expect(trained.stderr).toMatch(warning);
  expect((await cli('score', 'us-dates.csv', '--model', model, '-o', 'us-scores.csv')).stderr).toMatch(warning);
  expect((await cli('evaluate', 'us-dates.csv', '--model', model, '--label-column', 'anomaly')).stderr).toMatch(warning);
  const clean = join(dir, 'iso-dates.csv');
  writeFileSync(clean, iso.join('\n'));
  expect((await cli('score', clean, '--model', model, '-o', 'iso-scores.csv')).stderr).not.toMatch(/time column/);
});

test('train warns when its training rows hold readings the label column marks anomalous', async () => {
  const data = join(dir, 'labelled.csv');
  writeFileSync(
    data,
    labelledSeries((l) => String(l)),
  );
  const over = await cli('train', data, '--baseline', 'first:350', '-o', join(dir, 'over.json'));
  expect(over.code).toBe(0);
  expect(over.stderr).toMatch(
    /^isoscope: warning: 50 of the \d+ training rows are labelled anomalous \(column "anomaly"\): the forest and its threshold took them as healthy\. Give --baseline first:300 to end them before the first labelled anomaly\.$/m,
  );
  const before = await cli('train', data, '--baseline', 'first:300', '-o', join(dir, 'before.json'));
  expect(before.stderr).not.toMatch(/labelled anomalous/);
  // Labelled from the fifth reading: no first:N is offered that cannot train.
  const early = join(dir, 'early.csv');
  writeFileSync(
    early,
    ['time,x,anomaly', ...Array.from({ length: 300 }, (_, i) => `${i},${Math.sin(i / 3).toFixed(3)},${i >= 4 ? 1 : 0}`)].join('\n'),
  );
  expect((await cli('train', early, '--baseline', 'first:50%', '-o', join(dir, 'early.json'))).stderr).toMatch(
    /took them as healthy\. The first labelled anomaly is reading 5: too early for a healthy stretch before it\.$/m,
  );
  // Labelled 1 throughout: more likely a 'normal' flag than a file anomalous from end to end.
  const ones = join(dir, 'ones.csv');
  writeFileSync(ones, ['time,x,anomaly', ...Array.from({ length: 300 }, (_, i) => `${i},${Math.sin(i / 3).toFixed(3)},1`)].join('\n'));
  expect((await cli('train', ones, '-o', join(dir, 'ones.json'))).stderr).toMatch(
    /took them as healthy\. Every reading is labelled 1, which isoscope reads as anomalous \(0 normal, 1 anomaly\): if 1 marks normal readings in this file, write the labels the other way round before training and evaluating\.$/m,
  );
  expect((await cli('evaluate', ones, '--model', join(dir, 'ones.json'))).stderr).toMatch(
    /^isoscope: warning: every compared reading is labelled 1 \(anomalous\) in "anomaly": no healthy reading is left, .* if 1 marks normal readings in this file, write the labels the other way round$/m,
  );
  // 1s and blanks (a file that marks its anomalies alone): the blanks are named, not the labels' sense.
  const marked = join(dir, 'marked.csv');
  writeFileSync(
    marked,
    ['time,x,anomaly', ...Array.from({ length: 300 }, (_, i) => `${i},${Math.sin(i / 3).toFixed(3)},${i % 3 ? '' : 1}`)].join('\n'),
  );
  expect((await cli('evaluate', marked, '--model', join(dir, 'ones.json'))).stderr).toMatch(
    /^isoscope: warning: every compared reading is labelled 1 .*; its 200 blank cell\(s\) are not compared: if they are the normal readings, write them as 0$/m,
  );
  expect((await cli('evaluate', data, '--model', join(dir, 'before.json'))).stderr).not.toMatch(/every compared reading/);
});

test('a pipe given as the data file is refused as a pipe, not called empty; a file redirected to /dev/stdin is read', async () => {
  const { data, model } = await trainedSeries('piped');
  const piped = await run('sh', ['-c', `cat ${data} | node ${BIN} score /dev/stdin --model ${model} -o out-pipe.csv; echo "rc=$?"`], {
    cwd: dir,
  });
  expect(piped.stderr.trim()).toBe(
    'isoscope: /dev/stdin is a pipe or a device, not a file: save what it carries to a file and give that file',
  );
  expect(piped.stdout.trim()).toBe('rc=1');
  const redirected = await run('sh', ['-c', `node ${BIN} score /dev/stdin --model ${model} -o out-file.csv < ${data}`], { cwd: dir });
  expect(redirected.stderr).not.toMatch(/pipe/);
  expect(readFileSync(join(dir, 'out-file.csv'), 'utf8').split('\n').length).toBe(402);
});

test('a series whose rows are shuffled trains on the same earliest readings and holds out the same later ones as the sorted file', async () => {
  const lines = labelledSeries((l) => String(l))
    .trimEnd()
    .split('\n');
  writeFileSync(join(dir, 'sorted.csv'), lines.join('\n') + '\n');
  const body = lines.slice(1);
  // A fixed shuffle (a stride coprime with 400 visits every row once).
  const shuffled = body.map((_, i) => body[(i * 137) % body.length]);
  writeFileSync(join(dir, 'shuffled.csv'), [lines[0], ...shuffled].join('\n') + '\n');
  const model = async (name: string) => {
    const r = await cli('train', `${name}.csv`, '--baseline', 'first:250', '-o', `${name}.json`);
    expect(r.code).toBe(0);
    return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as {
      scaler: { mean: number[] };
      envelope: { inputs: { q: number[] }[] };
      threshold: { calibration: { readings: number; readingsInAlarm: { estimate: number } } };
    };
  };
  const [sorted, mixed] = [await model('sorted'), await model('shuffled')];
  // The same 250 earliest readings: the same envelope, and means equal up to the order of summation.
  expect(mixed.envelope).toEqual(sorted.envelope);
  sorted.scaler.mean.forEach((m, i) => expect(mixed.scaler.mean[i]).toBeCloseTo(m, 9));
  expect(mixed.threshold.calibration.readings).toBe(sorted.threshold.calibration.readings);
});

test('score names the units that stopped reporting long before the rest, streamed in pieces or on threads', async () => {
  // Five pumps every 10 minutes for a fortnight; P-4's logger dies after 8 days.
  const rows = ['pump,timestamp,temp,flow'];
  for (let k = 0; k < 2000; k++)
    for (const p of ['P-1', 'P-2', 'P-3', 'P-4', 'P-5'])
      if (p !== 'P-4' || k <= 1200)
        rows.push(
          `${p},${new Date(Date.UTC(2024, 2, 1) + k * 600_000).toISOString()},${50 + ((k * 7) % 11) / 10},${10 + ((k * 3) % 7) / 10}`,
        );
  writeFileSync(join(dir, 'pumps-silent.csv'), rows.join('\n') + '\n');
  const trained = await cli('train', 'pumps-silent.csv', '-o', 'pumps-silent.json');
  expect(trained.code, trained.stderr).toBe(0);
  const note =
    'isoscope: note: 1 unit stopped reporting long before the rest (10 or more of its usual intervals before the latest reading, 2024-03-14 21:10 UTC): P-4 (last reading 2024-03-09 08:00, 5.5 days before). Its scores and alarms are as of its last reading.';
  for (const threads of ['1', '2']) {
    const scored = await cli(
      'score',
      'pumps-silent.csv',
      '--model',
      'pumps-silent.json',
      '--threads',
      threads,
      '-o',
      `silent-${threads}.csv`,
    );
    expect(scored.stderr.split('\n')).toContain(note);
  }
  // The same fleet with P-4 current: nothing to say.
  writeFileSync(join(dir, 'pumps-current.csv'), rows.filter((r) => !r.startsWith('P-4')).join('\n') + '\n');
  expect((await cli('score', 'pumps-current.csv', '--model', 'pumps-silent.json', '-o', 'current.csv')).stderr).not.toMatch(
    /stopped reporting/,
  );
});

test('train and score warn when ids written apart read as one unit past the first rows', async () => {
  // Pumps 1–4 for 60 cycles each, then "007" and "7" (first seen after the first rows): two machines the numbers make one.
  const rows = ['pump_id,cycle,temp'];
  for (let c = 0; c < 60; c++) for (const p of ['1', '2', '3', '4']) rows.push(`${p},${c},${50 + ((c * 7 + Number(p)) % 11) / 10}`);
  for (let c = 0; c < 60; c++) for (const p of ['007', '7']) rows.push(`${p},${c},${50 + ((c * 3) % 7) / 10}`);
  writeFileSync(join(dir, 'merged-ids.csv'), rows.join('\n') + '\n');
  const warning =
    'isoscope: warning: pump_id: ids "007" and "7" read as the same number, so their rows are one unit\'s; if they are two machines, write the ids with a letter ("P1", "P01") so that they are read as text';
  const trained = await cli('train', 'merged-ids.csv', '-o', 'merged-ids.json');
  expect(trained.code, trained.stderr).toBe(0);
  expect(trained.stderr.split('\n')).toContain(warning);
  expect((await cli('score', 'merged-ids.csv', '--model', 'merged-ids.json', '-o', 'merged-scores.csv')).stderr.split('\n')).toContain(
    warning,
  );
});
