// Datadog metrics through the official client (@datadog/datadog-api-client) against a local
// intake on loopback that decodes what the client sends: names, tags, values, retries, and
// the consume and serve commands wired to it by DD_API_KEY / DD_URL.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EventHubProducerClient } from '@azure/event-hubs';
import { startIntake, type LocalIntake } from './servers/datadog-intake.js';
import { EventHubServer, HubStore } from './servers/event-hub-server.js';
import { loadFd001, until } from './helpers.js';
import { freePort, post, SHIPPED_MODEL, startConsume, startServe } from './serve-process.js';
import { Metrics } from '../src/connectors/metrics.js';
import { datadogClient, datadogSettings, DatadogReporter } from '../src/connectors/datadog.js';
import { publishDataset } from '../src/connectors/publisher.js';
import { readingOf } from '../src/stream/reading-codec.js';

const KEY = 'dd-test-key-0123456789abcdef';
const M1 = { id: 'model-a', version: 'v1' };
const M1_TAGS = ['service:serve', 'model_id:model-a', 'model_version:v1'];

let intake: LocalIntake;
beforeAll(async () => {
  intake = await startIntake();
});
afterAll(async () => {
  await intake?.stop();
});

function reporter(url: string, logs: string[], extra: { attempts?: number } = {}) {
  const metrics = new Metrics({ service: 'serve' });
  return datadogClient({ apiKey: KEY, url }).then((transport) => ({
    metrics,
    reporter: new DatadogReporter({ service: 'serve', metrics, transport, apiKey: KEY, log: (l) => logs.push(l), backoffMs: 10, ...extra }),
  }));
}

const sum = (xs: { value: number }[]) => xs.reduce((a, x) => a + x.value, 0);

describe('the Datadog reporter against a local intake', () => {
  test('counts go to v2 series and distributions to v1 distribution points, tagged by service and model', async () => {
    intake.received.length = 0;
    const logs: string[] = [];
    const { metrics, reporter: r } = await reporter(intake.url, logs);
    metrics.recordBatch({
      model: M1,
      scores: Float64Array.of(-0.4, -0.7, NaN),
      flags: Uint8Array.of(0, 1, 0),
      alarmsRaised: 1,
      seconds: 0.001,
      dataAlerts: [{ input: 'sensor_7', kind: 'above' }],
    });
    metrics.pipelineLatency(M1, 12.5);
    await r.flush();
    expect(intake.received.map((x) => [x.path, x.encoding, x.apiKey])).toEqual([
      ['/api/v2/series', 'deflate', KEY],
      ['/api/v1/distribution_points', 'deflate', KEY],
    ]);
    const byName = Object.fromEntries(intake.counts().map((c) => [c.metric, c]));
    expect(Object.keys(byName).sort()).toEqual([
      'iot.anomaly.alarms.raised.total',
      'iot.anomaly.anomalies.total',
      'iot.anomaly.predictions.total',
      'iot.data_quality.alerts.total',
    ]);
    expect(byName['iot.anomaly.predictions.total']).toMatchObject({ value: 2, type: 1, interval: 10, tags: M1_TAGS });
    expect(byName['iot.anomaly.anomalies.total'].value).toBe(1);
    expect(byName['iot.anomaly.alarms.raised.total'].value).toBe(1);
    expect(byName['iot.data_quality.alerts.total']).toMatchObject({ value: 1, tags: [...M1_TAGS, 'input:sensor_7', 'kind:above'] });
    expect(await metrics.render()).toMatch(/iot_data_quality_alerts_total\{input="sensor_7",kind="above",service="serve"\} 1/);
    expect(intake.distributions()).toEqual([
      { metric: 'iot.anomaly.score', tags: M1_TAGS, values: [0.4, 0.7] },
      { metric: 'iot.pipeline.latency_ms', tags: M1_TAGS, values: [12.5] },
    ]);
    await r.flush(); // nothing new: nothing sent
    expect(intake.received).toHaveLength(2);
    await r.stop();
    expect(logs).toEqual([]);
  });

  test('a newer model mid-interval gets its own tags', async () => {
    intake.received.length = 0;
    const { metrics, reporter: r } = await reporter(intake.url, []);
    metrics.recordBatch({ model: M1, scores: Float64Array.of(-0.5), flags: Uint8Array.of(0), alarmsRaised: 0, seconds: 0 });
    metrics.recordBatch({
      model: { id: 'model-b', version: 'v2' },
      scores: Float64Array.of(-0.5, -0.5),
      flags: Uint8Array.of(0, 0),
      alarmsRaised: 0,
      seconds: 0,
    });
    await r.stop();
    const predictions = intake.counts().filter((c) => c.metric === 'iot.anomaly.predictions.total');
    expect(predictions.map((c) => [c.tags[1], c.value])).toEqual([
      ['model_id:model-a', 1],
      ['model_id:model-b', 2],
    ]);
  });

  test('failed submissions are retried with backoff and counted; a refusal is dropped and reported without the key', async () => {
    intake.received.length = 0;
    const logs: string[] = [];
    const { metrics, reporter: r } = await reporter(intake.url, logs);
    intake.failNext = [503, 500];
    metrics.recordBatch({ model: M1, scores: Float64Array.of(-0.5), flags: Uint8Array.of(0), alarmsRaised: 0, seconds: 0 });
    await r.flush();
    expect(sum(intake.counts().filter((c) => c.metric === 'iot.anomaly.predictions.total'))).toBe(1);
    let text = await metrics.render();
    expect(text).toMatch(/iot_anomaly_datadog_failures_total\{service="serve"\} 2/);
    expect(text).toMatch(/iot_anomaly_datadog_dropped_total\{service="serve"\} 0/);

    intake.failNext = [403];
    metrics.recordBatch({ model: M1, scores: Float64Array.of(-0.5), flags: Uint8Array.of(0), alarmsRaised: 0, seconds: 0 });
    await r.flush();
    text = await metrics.render();
    expect(text).toMatch(/iot_anomaly_datadog_failures_total\{service="serve"\} 3/); // 403 is not retried
    expect(text).toMatch(/iot_anomaly_datadog_dropped_total\{service="serve"\} 1/);
    expect(logs).toEqual([
      expect.stringMatching(/^isoscope serve: Datadog counts dropped after 1 attempt\(s\): the intake answered HTTP 403/),
    ]);
    metrics.recordBatch({ model: M1, scores: Float64Array.of(-0.5), flags: Uint8Array.of(0), alarmsRaised: 0, seconds: 0 });
    await r.stop();
    expect(logs[1]).toBe('isoscope serve: Datadog takes metrics again');
    expect(logs.join('\n')).not.toContain(KEY);
  });

  test('an unreachable intake never holds up scoring: recording returns at once, flushes give up after their retries', async () => {
    const dead = await freePort();
    const logs: string[] = [];
    const { metrics, reporter: r } = await reporter(`http://127.0.0.1:${dead}`, logs, { attempts: 2 });
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++)
      metrics.recordBatch({ model: M1, scores: Float64Array.of(-0.5), flags: Uint8Array.of(0), alarmsRaised: 0, seconds: 0 });
    expect(performance.now() - t0).toBeLessThan(500);
    await r.stop();
    const text = await metrics.render();
    expect(text).toMatch(/iot_anomaly_datadog_failures_total\{service="serve"\} 4/); // counts and distributions, 2 tries each
    expect(text).toMatch(/iot_anomaly_datadog_dropped_total\{service="serve"\} 2/);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^isoscope serve: Datadog counts dropped after 2 attempt\(s\): /);
    expect(logs[0]).not.toContain(KEY);
  });

  test('DD_SITE picks the site; DD_URL must be a URL; no DD_API_KEY means no Datadog', async () => {
    const urls: string[] = [];
    const spy: typeof fetch = (url, init) => {
      urls.push(url instanceof Request ? url.url : url.toString());
      expect(new Headers(init?.headers).get('DD-API-KEY')).toBe(KEY);
      return Promise.resolve(new Response('{"errors":[]}', { status: 202, headers: { 'content-type': 'application/json' } }));
    };
    const eu = await datadogClient(datadogSettings({ DD_API_KEY: KEY, DD_SITE: 'datadoghq.eu' })!, { fetch: spy });
    await eu.submitCounts([{ metric: 'x', type: 1, interval: 10, points: [{ timestamp: 1, value: 1 }], tags: [] }]);
    await eu.submitDistributions([{ metric: 'y', type: 'distribution', points: [[1, [1]]], tags: [] }]);
    expect(urls).toEqual(['https://api.datadoghq.eu/api/v2/series', 'https://api.datadoghq.eu/api/v1/distribution_points']);
    expect(datadogSettings({})).toBeUndefined();
    expect(datadogSettings({ DD_API_KEY: KEY, DD_URL: 'http://127.0.0.1:1/' })).toEqual({
      apiKey: KEY,
      site: undefined,
      url: 'http://127.0.0.1:1',
    });
    expect(() => datadogSettings({ DD_API_KEY: KEY, DD_URL: 'intake.local' })).toThrow(/^DD_URL must be an http\(s\) URL/);
  });
});

describe('consume and serve send Datadog metrics when DD_API_KEY is set', () => {
  const fd001 = loadFd001('test_FD001.txt');
  const readings = Array.from({ length: 40 }, (_, i) => readingOf(fd001, i)); // unit 1, cycles 1-40

  test('serve: every scored reading counted, tagged service:serve, flushed at SIGTERM', async () => {
    intake.received.length = 0;
    const serve = await startServe(['--model', SHIPPED_MODEL], { DD_API_KEY: KEY, DD_URL: intake.url });
    expect(serve.stderr()).toMatch(/metrics to Datadog/);
    const r = await post(`${serve.url}/predict`, readings);
    expect(r.status).toBe(200);
    const anomalies = r.json.filter((x: any) => x.is_anomaly).length;
    expect(await serve.stop()).toBe(0);
    const counts = intake.counts();
    const model = r.json[0];
    const tags = ['service:serve', `model_id:${model.model_id}`, `model_version:${model.model_version}`];
    expect(sum(counts.filter((c) => c.metric === 'iot.anomaly.predictions.total'))).toBe(40);
    expect(sum(counts.filter((c) => c.metric === 'iot.anomaly.anomalies.total'))).toBe(anomalies);
    expect(counts.every((c) => JSON.stringify(c.tags) === JSON.stringify(tags))).toBe(true);
    const scores = intake.distributions().filter((d) => d.metric === 'iot.anomaly.score');
    expect(scores.flatMap((d) => d.values).sort()).toEqual(r.json.map((x: any) => x.anomaly_score).sort());
    expect(intake.distributions().some((d) => d.metric === 'iot.pipeline.latency_ms' && d.tags[0] === 'service:serve')).toBe(true);
    expect(serve.stderr()).not.toContain(KEY);
  }, 60_000);

  test('consume: every reading off the hub counted, tagged service:consume, flushed at SIGTERM', async () => {
    intake.received.length = 0;
    const hub = new EventHubServer({ hub: 'readings', store: new HubStore(2) });
    await hub.start();
    const producer = new EventHubProducerClient(hub.connectionString());
    expect(await publishDataset(producer, fd001, { rate: 0, limit: 40 })).toBe(40);
    await producer.close();
    const consume = await startConsume(['--model', SHIPPED_MODEL], {
      EVENTHUB_CONNECTION_STRING: hub.connectionString(),
      DD_API_KEY: KEY,
      DD_URL: intake.url,
    });
    const scored = async () => /^iot_anomaly_predictions_total\{service="consume"\} 40$/m.test(await consume.metrics());
    await until(scored, 30_000, 'consume to score the 40 readings');
    expect(await consume.stop()).toBe(0);
    const stderr = consume.stderr();
    await hub.stop();
    expect(stderr).toMatch(/metrics to Datadog/);
    const predictions = intake.counts().filter((c) => c.metric === 'iot.anomaly.predictions.total');
    expect(sum(predictions)).toBe(40);
    expect(predictions[0].tags[0]).toBe('service:consume');
    expect(predictions[0].tags[1]).toMatch(/^model_id:iso-/);
    expect(intake.distributions().find((d) => d.metric === 'iot.pipeline.latency_ms')?.tags[0]).toBe('service:consume');
    expect(stderr).not.toContain(KEY);
  }, 60_000);
});
