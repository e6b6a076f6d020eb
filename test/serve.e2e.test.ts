// `isoscope serve` as a process, against `isoscope score` on the same file: every reading of
// test_FD001 posted in time order (units interleaved, as a fleet sends them), in batches and
// one by one, gets the score, flag and alarm state that the batch scorer gives it.
import { describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cmapssPath, loadFd001, shippedModel, until } from './helpers.js';
import { post, REPO, SHIPPED_MODEL, startServe } from './serve-process.js';
import { readingOf } from '../src/stream/reading-codec.js';
import { columnByRole } from '../src/data/dataset.js';
import { startCosmos } from './servers/cosmos-server.js';
import { startThrottlingProxy } from './servers/throttling-proxy.js';
import { setupCosmos } from '../src/connectors/cosmos-setup.js';
import { publishModel } from '../src/connectors/model-registry.js';
import { ENV_DEFAULTS } from '../src/connectors/settings.js';

const COSMOS_NAMES = {
  database: ENV_DEFAULTS.COSMOS_DATABASE,
  container: ENV_DEFAULTS.COSMOS_CONTAINER,
  modelsContainer: ENV_DEFAULTS.COSMOS_MODELS_CONTAINER,
};

const BIN = join(REPO, 'bin', 'isoscope.js');
const TEST_FILE = cmapssPath('test_FD001.txt');
const KEY = 'e2e-key-not-a-secret';
const auth = { authorization: `Bearer ${KEY}` };

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [BIN, ...args], { maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

/** isoscope score's CSV, by row: score (score_samples), is_anomaly, alarm. */
async function batchScores(): Promise<{ score: number; flag: boolean; alarm: boolean }[]> {
  const { code, stdout } = await cli('score', TEST_FILE, '--model', SHIPPED_MODEL);
  expect(code).toBe(0);
  const [header, ...lines] = stdout.trim().split('\n');
  expect(header).toBe('row,unit_number,time_in_cycles,score,decision,is_anomaly,alarm,anomaly_score');
  return lines.map((l) => {
    const c = l.split(',');
    return { score: Number(c[3]), flag: c[5] === '1', alarm: c[6] === '1' };
  });
}

describe('isoscope serve gives what isoscope score gives', async () => {
  const ds = loadFd001('test_FD001.txt');
  const unit = columnByRole(ds, 'unit')!.values;
  const time = columnByRole(ds, 'time')!.values;
  // Time order across the fleet: cycle 1 of every unit, then cycle 2, … (each unit stays in its own order).
  const order = Array.from({ length: ds.rows }, (_, i) => i).sort((a, b) => time[a] - time[b] || unit[a] - unit[b]);
  const readings = order.map((row) => readingOf(ds, row));
  const expected = await batchScores();

  function compare(results: any[]): void {
    expect(results).toHaveLength(ds.rows);
    let alarms = 0;
    results.forEach((r, j) => {
      const row = order[j];
      const want = expected[row];
      expect([r.unit_number, r.time_in_cycles]).toEqual([unit[row], time[row]]);
      // anomaly_score is -score_samples, to the bit.
      if (-r.anomaly_score !== want.score || r.is_anomaly !== want.flag || r.alarm !== want.alarm)
        throw new Error(
          `row ${row} (unit ${unit[row]} cycle ${time[row]}): served ${JSON.stringify(r)}, score gives ${JSON.stringify(want)}`,
        );
      alarms += r.alarm ? 1 : 0;
    });
    expect(alarms).toBeGreaterThan(0); // the comparison covers alarm states, not only quiet readings
  }

  test('posted in batches of 500', async () => {
    const serve = await startServe(['--model', SHIPPED_MODEL], { ISOSCOPE_API_KEY: KEY });
    expect(serve.stderr()).toMatch(/API key required/);
    const results: any[] = [];
    for (let i = 0; i < readings.length; i += 500) {
      const r = await post(`${serve.url}/predict`, readings.slice(i, i + 500), auth);
      expect(r.status).toBe(200);
      results.push(...r.json);
    }
    compare(results);
    expect((await post(`${serve.url}/predict`, readings[0])).status).toBe(401);
    expect(await serve.stop()).toBe(0);
    expect(serve.stderr()).toMatch(new RegExp(`stopped; ${ds.rows} readings scored`));
    expect(serve.stderr()).not.toContain(KEY);
  }, 120_000);

  test('posted one reading at a time', async () => {
    const serve = await startServe(['--model', SHIPPED_MODEL]);
    const results: any[] = [];
    for (const reading of readings) {
      const r = await post(`${serve.url}/predict`, reading);
      results.push(r.json);
    }
    compare(results);
    const metrics = await (await fetch(`${serve.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^iot_anomaly_predictions_total\\{service="serve"\\} ${ds.rows}$`, 'm'));
    expect(await serve.stop('SIGINT')).toBe(0);
  }, 300_000);
});

describe('isoscope serve as a command', () => {
  test('follows its model file: a new model is loaded, a broken one reported and the current one kept', async () => {
    const model = await shippedModel();
    const file = join(mkdtempSync(join(tmpdir(), 'isoscope-serve-')), 'model.json');
    writeFileSync(file, JSON.stringify(model));
    const serve = await startServe(['--model', file, '--model-poll', '0.2']);
    const modelId = async () => (await (await fetch(`${serve.url}/model`)).json()).model_id;
    expect(await modelId()).toBe(model.id);
    writeFileSync(file, JSON.stringify({ ...model, id: 'retrained', createdAt: '2031-01-01T00:00:00.000Z' }));
    await until(async () => (await modelId()) === 'retrained', 10_000, 'the new model');
    expect(serve.stderr()).toMatch(/now scoring with model retrained \(2031-01-01T00:00:00.000Z\)/);
    writeFileSync(file, '{"not": "a model"}');
    await until(() => /changed but was not loaded, still scoring with the current model/.test(serve.stderr()), 10_000, 'the report');
    expect(await modelId()).toBe('retrained');
    const metrics = await (await fetch(`${serve.url}/metrics`)).text();
    expect(metrics).toMatch(/^iot_anomaly_model_reloads_total\{outcome="loaded",service="serve"\} 1$/m);
    expect(metrics).toMatch(/^iot_anomaly_model_reloads_total\{outcome="rejected",service="serve"\} 1$/m);
    expect(await serve.stop()).toBe(0);
  }, 60_000);

  test('--model-from cosmos serves the newest published model and follows newer ones', async () => {
    const model = await shippedModel();
    const cosmos = await startCosmos();
    const settings = { endpoint: cosmos.endpoint, key: 'x', ...COSMOS_NAMES };
    await setupCosmos(cosmos.client, settings);
    const models = cosmos.client.database(settings.database).container(settings.modelsContainer);
    await publishModel(models, model);
    const serve = await startServe(['--model-from', 'cosmos', '--model-poll', '0.2'], {
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: 'bG9jYWw=',
    });
    const info = async () => (await (await fetch(`${serve.url}/model`)).json()) as { model_id: string; model_version: string };
    expect(await info()).toMatchObject({ model_id: model.id, model_version: 'v1' });
    await publishModel(models, { ...model, id: 'published-second' });
    await until(async () => (await info()).model_version === 'v2', 10_000, 'v2 to be served');
    expect((await post(`${serve.url}/predict`, readingOf(loadFd001('test_FD001.txt'), 0))).json).toMatchObject({
      model_id: 'published-second',
      model_version: 'v2',
    });
    await models.items.create({ id: 'v3', version: 3, created: new Date().toISOString(), model: { format: 'nope' } });
    await until(
      () =>
        /isoscope serve: model check failed, keeping the current model: published model v3 is not a valid isoscope model/.test(
          serve.stderr(),
        ),
      10_000,
      'the broken v3 to be reported',
    );
    expect((await info()).model_version).toBe('v2');
    // v3 is broken and unmarked, so it counts as the champion: mark it retired, then publish a candidate.
    await models.item('v3', 'v3').patch([{ op: 'set', path: '/status', value: 'retired' }]);
    await publishModel(models, { ...model, id: 'candidate-fourth' }, undefined, 'candidate');
    await until(() => /isoscope serve: scoring candidate v4 \(candidate-fourth\) in shadow/.test(serve.stderr()), 10_000, 'v4 in shadow');
    const fresh = { ...readingOf(loadFd001('test_FD001.txt'), 1), unit_number: 77 }; // a unit neither model has seen
    const shadowed = (await post(`${serve.url}/predict`, fresh)).json;
    expect(shadowed).toMatchObject({ model_version: 'v2', shadow: { model_version: 'v4', alarm: false } });
    expect(shadowed.shadow.anomaly_score).toBe(shadowed.anomaly_score); // the same forest, and a fresh unit for both
    expect(await serve.stop()).toBe(0);
    const v4 = await models.item('v4', 'v4').read<{ shadow: { readings: number; service: string; champion_version: string } }>();
    expect(v4.resource!.shadow).toMatchObject({ readings: 1, service: 'serve', champion_version: 'v2' });
    await cosmos.stop();
  }, 60_000);

  test('with a read-only Cosmos DB key (as deployed), the candidate is still shadowed and the refused write is said once', async () => {
    const model = await shippedModel();
    const cosmos = await startCosmos();
    const proxy = await startThrottlingProxy(cosmos.endpoint);
    const settings = { endpoint: cosmos.endpoint, key: 'x', ...COSMOS_NAMES };
    await setupCosmos(cosmos.client, settings);
    const models = cosmos.client.database(settings.database).container(settings.modelsContainer);
    await publishModel(models, model);
    await publishModel(models, { ...model, id: 'candidate-second' }, undefined, 'candidate');
    proxy.readOnly = true;
    const serve = await startServe(['--model-from', 'cosmos', '--model-poll', '0.2'], {
      COSMOS_ENDPOINT: proxy.endpoint,
      COSMOS_KEY: 'bG9jYWw=',
    });
    await until(() => /scoring candidate v2 \(candidate-second\) in shadow/.test(serve.stderr()), 10_000, 'v2 in shadow');
    const shadowed = (await post(`${serve.url}/predict`, readingOf(loadFd001('test_FD001.txt'), 0))).json;
    expect(shadowed).toMatchObject({ model_version: 'v1', shadow: { model_version: 'v2' } });
    const said = /the Cosmos DB key is read-only \(403\), so shadow figures of v2 stay in this service's metrics/;
    await until(() => said.test(serve.stderr()), 10_000, 'the read-only key to be said');
    await new Promise((r) => setTimeout(r, 1000)); // five more intervals: not said again, not retried
    expect(await serve.stop()).toBe(0);
    expect(
      serve
        .stderr()
        .split('\n')
        .filter((l) => said.test(l)),
    ).toHaveLength(1);
    expect(serve.stderr()).not.toMatch(/could not record shadow figures/);
    expect((await models.item('v2', 'v2').read<{ shadow?: unknown }>()).resource!.shadow).toBeUndefined();
    await proxy.stop();
    await cosmos.stop();
  }, 60_000);

  test('a stop never hangs: a request that never finishes is given up after --stop-timeout, with a message and exit 1', async () => {
    const serve = await startServe(['--model', SHIPPED_MODEL, '--stop-timeout', '1']);
    const { port } = new URL(serve.url);
    // Half a body, and never the rest: the request stays in flight.
    const stuck = request({
      port,
      host: '127.0.0.1',
      method: 'POST',
      path: '/predict',
      headers: { 'content-type': 'application/json', 'content-length': 1000 },
    });
    stuck.on('error', () => {});
    stuck.write('[{"unit_number": 1,');
    await until(
      async () => /iot_anomaly_http_requests_total/.test(await fetch(`${serve.url}/metrics`).then((r) => r.text())),
      10_000,
      'the server to answer',
    );
    expect(await serve.stop()).toBe(1);
    expect(serve.stderr()).toMatch(/isoscope serve: not stopped within 1 s while waiting for the requests in flight; exiting without it\n/);
    stuck.destroy();
    const bad = await cli('serve', '--model', SHIPPED_MODEL, '--stop-timeout', '0');
    expect([bad.code, bad.stderr.trim()]).toEqual([2, 'isoscope: --stop-timeout is the seconds a stop may take, > 0; got 0']);
  }, 60_000);

  test('usage errors are one line and exit 2; --help lists serve', async () => {
    const none = await cli('serve');
    expect([none.code, none.stderr]).toEqual([
      2,
      expect.stringMatching(/^isoscope: serve needs exactly one of --model model.json or --model-from cosmos\n/),
    ]);
    const size = await cli('serve', '--model', SHIPPED_MODEL, '--body-limit', 'lots');
    expect([size.code, size.stderr.trim()]).toEqual([2, 'isoscope: --body-limit expects a size like 10mb, 512kb or 1048576, got "lots"']);
    const port = await cli('serve', '--model', SHIPPED_MODEL, '--port', '70000');
    expect([port.code, port.stderr.trim()]).toEqual([2, 'isoscope: --port is 0-65535 (0 picks a free port), got 70000']);
    const help = await cli('--help');
    expect(help.stdout).toMatch(/^ {2}isoscope serve --model model.json\|--model-from cosmos \[--port 8000\] \[--host 127.0.0.1\]/m);
  }, 60_000);
});
