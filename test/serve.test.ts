// The prediction server in-process (Fastify's inject, and a real socket for shutdown): result
// shapes, JSON errors, the bearer key, /model, /metrics, /openapi.json, model reloads, and a
// clean close that still answers the request in flight.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { request } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getEngine, loadFd001, shippedModel } from './helpers.js';
import { buildApp, type AppOptions } from '../src/server/app.js';
import { apiKeyOf, isLoopback } from '../src/cli/serve-command.js';
import { Predictor } from '../src/server/predictor.js';
import { ServeMetrics } from '../src/server/serve-metrics.js';
import { ModelFileWatcher } from '../src/server/model-file-watcher.js';
import { Metrics } from '../src/connectors/metrics.js';
import { readingOf } from '../src/stream/reading-codec.js';
import type { ModelJson } from '../src/model/types.js';
import { trainModel } from '../src/model/train.js';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv } from 'ajv';

const KEYS = { unitField: 'unit_number', timeField: 'time_in_cycles' };
const model = await shippedModel();
const fd001 = loadFd001('test_FD001.txt');
const unit1 = Array.from({ length: 31 }, (_, i) => readingOf(fd001, i)); // unit 1, cycles 1-31

async function server(
  opts: Partial<AppOptions> = {},
  maxUnits?: number,
): Promise<{ app: FastifyInstance; predictor: Predictor; metrics: Metrics; logs: string[] }> {
  const metrics = new Metrics({ service: 'serve' });
  const predictor = new Predictor(await getEngine(), model, 'v7', KEYS, metrics, undefined, maxUnits);
  const logs: string[] = [];
  predictor.log = (l) => logs.push(l);
  const app = await buildApp({
    predictor,
    metrics,
    serveMetrics: new ServeMetrics(metrics.registry),
    bodyLimit: 1024 * 1024,
    version: '0.0.0-test',
    log: (l) => logs.push(l),
    ...opts,
  });
  return { app, predictor, metrics, logs };
}

/** A server whose readings are one series (--unit-field none). */
async function seriesServer(m: ModelJson): Promise<FastifyInstance> {
  const metrics = new Metrics({ service: 'serve' });
  const predictor = new Predictor(await getEngine(), m, 'v7', { unitField: null, timeField: 'time_in_cycles' }, metrics);
  return buildApp({
    predictor,
    metrics,
    serveMetrics: new ServeMetrics(metrics.registry),
    bodyLimit: 1 << 20,
    version: '0',
    log: () => {},
  });
}

const json = (app: FastifyInstance, url: string, body: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });

describe('POST /predict', () => {
  let s: Awaited<ReturnType<typeof server>>;
  beforeAll(async () => {
    s = await server();
  });
  afterAll(async () => {
    await s.app.close();
  });

  test('an object gives one result, an array gives results in its order', async () => {
    const one = await json(s.app, '/predict', unit1[0]);
    expect(one.statusCode).toBe(200);
    const r = one.json();
    expect(Object.keys(r)).toEqual(['unit_number', 'time_in_cycles', 'anomaly_score', 'is_anomaly', 'alarm', 'model_id', 'model_version']);
    expect(r).toMatchObject({
      unit_number: 1,
      time_in_cycles: 1,
      is_anomaly: false,
      alarm: false,
      model_id: model.id,
      model_version: 'v7',
    });
    expect(typeof r.anomaly_score).toBe('number');
    expect(one.headers['server-timing']).toMatch(/^score;dur=\d+\.\d{3};desc="scoring"$/);
    const many = await json(s.app, '/predict', unit1.slice(1));
    expect(many.json().map((x: any) => x.time_in_cycles)).toEqual(unit1.slice(1).map((x) => x.time_in_cycles));
    expect((await json(s.app, '/predict', [])).json()).toEqual([]);
  });

  test('a repeated or earlier reading of a unit is refused (409) and nothing in its request is scored', async () => {
    const { app } = await server();
    const later = unit1.slice(10, 13);
    expect((await json(app, '/predict', unit1.slice(0, 10))).statusCode).toBe(200);
    const again = await json(app, '/predict', [...later, unit1[9]]);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({
      error:
        "reading 3: unit 1 at time_in_cycles 10 is not after its previous reading (13); send each unit's readings once, in time order. Nothing in this request was scored",
    });
    const repeated = await json(app, '/predict', unit1[9]);
    expect(repeated.json().error).toMatch(/^reading 0: unit 1 at time_in_cycles 10 is not after its previous reading \(10\)/);
    // The refused requests left the unit where it was: the next readings score as if they never came.
    const fresh = await server();
    await json(fresh.app, '/predict', unit1.slice(0, 10));
    expect((await json(app, '/predict', later)).json()).toEqual((await json(fresh.app, '/predict', later)).json());
    // One unit however its id is spelt: the message names it as it is tracked.
    const spelt = await json(app, '/predict', { ...unit1[12], unit_number: ' 1 ' });
    expect([spelt.statusCode, spelt.json().error]).toEqual([
      409,
      expect.stringMatching(/^reading 0: unit 1 at time_in_cycles 13 is not after/),
    ]);
    // Another unit at the same time is its own series.
    expect((await json(app, '/predict', { ...unit1[0], unit_number: 2 })).statusCode).toBe(200);
    // serve --any-order: scored in arrival order.
    fresh.predictor.strictOrder = false;
    expect((await json(fresh.app, '/predict', unit1[0])).statusCode).toBe(200);
    await Promise.all([app.close(), fresh.app.close()]);
  });

  test('a retry with the same Idempotency-Key gets the first answer, scoring nothing; the key with another body is refused (422)', async () => {
    const { app, metrics } = await server();
    const key = { 'idempotency-key': 'b1c9e8a2-retry-test' };
    const first = await json(app, '/predict', unit1.slice(0, 5), key);
    expect([first.statusCode, first.headers['idempotent-replayed']]).toEqual([200, undefined]);
    // The client timed out and sends the same readings again, spaced otherwise.
    const retry = await app.inject({
      method: 'POST',
      url: '/predict',
      headers: { 'content-type': 'application/json', ...key },
      payload: JSON.stringify(unit1.slice(0, 5), null, 2),
    });
    expect([retry.statusCode, retry.headers['idempotent-replayed'], retry.headers['content-type']]).toEqual([
      200,
      'true',
      'application/json; charset=utf-8',
    ]);
    expect(retry.json()).toEqual(first.json());
    expect(await metrics.render()).toMatch(/^iot_anomaly_predictions_total\{service="serve"\} 5$/m);
    // Without the key the same retry is a repeat.
    expect((await json(app, '/predict', unit1.slice(0, 5))).statusCode).toBe(409);
    const other = await json(app, '/predict', unit1.slice(5, 7), key);
    expect([other.statusCode, other.json().error]).toEqual([
      422,
      'the Idempotency-Key "b1c9e8a2-retry-test" came with another body before: a retry must send the same readings, and new readings a new key',
    ]);
    // Refused, the other body was not scored: sent with a new key it continues the unit.
    expect((await json(app, '/predict', unit1.slice(5, 7), { 'idempotency-key': 'next' })).statusCode).toBe(200);
    // One object, kept as one object.
    const single = await json(app, '/predict', unit1[7], { 'idempotency-key': 'one' });
    expect((await json(app, '/predict', unit1[7], { 'idempotency-key': 'one' })).json()).toEqual(single.json());
    // Two Idempotency-Key headers, as sent on a real connection (Node joins them with ", ").
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const body = JSON.stringify(unit1[8]);
    const raw = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(port, '127.0.0.1', () =>
        socket.write(
          `POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIdempotency-Key: first\r\nIdempotency-Key: second\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        ),
      );
      socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    const two = { status: Number(raw.split(' ')[1]), body: raw.slice(raw.indexOf('\r\n\r\n') + 4) };
    expect([two.status, JSON.parse(two.body).error]).toEqual([400, 'send one Idempotency-Key header, not several']);
    for (const bad of ['x'.repeat(256), ' ', 'caf\u00e9']) {
      const r = await json(app, '/predict', unit1[8], { 'idempotency-key': bad });
      expect([r.statusCode, r.json().error]).toEqual([
        400,
        'the Idempotency-Key header must be 1 to 255 printable ASCII characters (a UUID is usual)',
      ]);
    }
    await app.close();
  });

  test('past --max-units the unit idle longest is forgotten: counted, told once, and its next reading starts it afresh', async () => {
    const { app, metrics, logs } = await server({}, 3);
    for (const u of [1, 2, 3]) expect((await json(app, '/predict', { ...unit1[0], unit_number: u })).statusCode).toBe(200);
    expect(logs).toEqual([]);
    expect((await json(app, '/predict', { ...unit1[0], unit_number: 4 })).statusCode).toBe(200);
    expect(logs).toEqual([
      'isoscope serve: 3 units tracked, the limit (--max-units); each new unit now takes the place of the unit idle longest, which starts afresh if it returns (its window refills, and its readings are no longer checked against those before)',
    ]);
    // Unit 1 was forgotten: its repeat is not known as one, and it takes unit 2's place.
    expect((await json(app, '/predict', { ...unit1[0], unit_number: 1 })).statusCode).toBe(200);
    const text = await metrics.render();
    expect(text).toMatch(/^iot_units_tracked\{service="serve"\} 3$/m);
    expect(text).toMatch(/^iot_units_evicted_total\{service="serve"\} 2$/m);
    expect(logs).toHaveLength(1);
    // Unit 3 is still known: its repeat is refused.
    expect((await json(app, '/predict', { ...unit1[0], unit_number: 3 })).statusCode).toBe(409);
    await app.close();
  });

  test('a reading that lacks features gets anomaly_score null and the features it lacks', async () => {
    const { sensor_3: _3, sensor_7: _7, ...rest } = readingOf(fd001, 40);
    const r = (await json(s.app, '/predict', { ...rest, sensor_2: 'n/a' })).json();
    expect(r).toMatchObject({ anomaly_score: null, is_anomaly: null, missing_features: ['sensor_2', 'sensor_3', 'sensor_7'] });
  });

  test('a reading with every input, unscored while its window fills, says warming_up (not an empty missing_features)', async () => {
    // One series with a window spread of 5 readings: the first four cannot be scored.
    const { model: windowed } = await trainModel(await getEngine(), fd001, {
      params: { trees: 20, seed: 3 },
      recipe: { unitBaseline: 0, window: { size: 5, stats: ['value', 'std'] } },
    });
    const app = await seriesServer(windowed);
    const results = (await json(app, '/predict', unit1.slice(0, 6))).json();
    expect(results.slice(0, 4).map((r: any) => [r.anomaly_score, r.warming_up, r.missing_features])).toEqual(
      Array(4).fill([null, true, undefined]),
    );
    expect(results.slice(4).map((r: any) => [typeof r.anomaly_score, 'warming_up' in r])).toEqual(Array(2).fill(['number', false]));
    // A reading that lacks an input names it, and is not called warming up.
    const { sensor_2: _2, ...rest } = unit1[6];
    expect((await json(app, '/predict', rest)).json()).toMatchObject({ anomaly_score: null, missing_features: ['sensor_2'] });
    expect((await json(app, '/predict', rest)).json()).not.toHaveProperty('warming_up');
    // A value past ±1e150 is anomalous at once, and the readings after it are scored as before it
    // (in the window it left every later reading unscored, each called warming up).
    expect((await json(app, '/predict', { ...unit1[7], sensor_2: 1e308 })).json()).toMatchObject({ anomaly_score: 1, is_anomaly: true });
    const after = (await json(app, '/predict', unit1.slice(8, 14))).json();
    expect(after.map((r: any) => [typeof r.anomaly_score, r.is_anomaly])).toEqual(Array(6).fill(['number', false]));
    await app.close();
  });

  test('one unit however its accents are composed; a numeric id past 2^53 is refused, not rounded into another unit', async () => {
    const { app } = await server({}, undefined);
    const composed = 'Presse \u00c4'; // Ä as one character (NFC)
    const decomposed = 'Presse A\u0308'; // A and a combining diaeresis (NFD), as macOS writes file names
    expect((await json(app, '/predict', { ...unit1[0], unit_number: composed })).statusCode).toBe(200);
    const again = await json(app, '/predict', { ...unit1[0], unit_number: decomposed });
    expect([again.statusCode, again.json().error]).toEqual([
      409,
      expect.stringContaining('unit "Presse \u00c4" at time_in_cycles 1 is not after'),
    ]);
    const big = await app.inject({
      method: 'POST',
      url: '/predict',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ ...unit1[0], unit_number: 1 }).replace('"unit_number":1', '"unit_number":12345678901234567891'),
    });
    expect([big.statusCode, big.json().error]).toEqual([
      400,
      'reading 0: unit field "unit_number" is a whole number past 2^53 (12345678901234567000), which JSON numbers cannot carry exactly: send the id as text',
    ]);
    await app.close();
  });

  test('a reading with one input far past anything trained on (1e300, ten times its value, 65535) is anomalous at once', async () => {
    const { app } = await server();
    const sensor2 = Number(unit1[10].sensor_2);
    for (const [u, value] of [
      [50, 1e300],
      [51, -1e300],
      [52, sensor2 * 10],
      [53, 65535],
    ]) {
      const head = (
        await json(
          app,
          '/predict',
          unit1.slice(0, 10).map((r) => ({ ...r, unit_number: u })),
        )
      ).json();
      expect(head.some((r: any) => r.is_anomaly)).toBe(false);
      const r = (await json(app, '/predict', { ...unit1[10], unit_number: u, sensor_2: value })).json();
      expect([u, r.anomaly_score, r.is_anomaly]).toEqual([u, 1, true]);
    }
    expect(
      (
        await json(
          app,
          '/predict',
          unit1.slice(0, 11).map((r) => ({ ...r, unit_number: 54 })),
        )
      ).json()[10].is_anomaly,
    ).toBe(false);
    await app.close();
  });

  test('errors are one-line JSON: bad JSON, wrong shape, too large, not JSON, no route', async () => {
    const cases: [InjectOptions, number, RegExp][] = [
      [
        { method: 'POST', url: '/predict', headers: { 'content-type': 'application/json' }, payload: '{"unit_number": 1,' },
        400,
        /not valid JSON/,
      ],
      [{ method: 'POST', url: '/predict', headers: { 'content-type': 'application/json' }, payload: '' }, 400, /body is empty/],
      [
        { method: 'POST', url: '/predict', headers: { 'content-type': 'application/json' }, payload: '42' },
        400,
        /must be a JSON object \(one reading\) or an array/,
      ],
      [{ method: 'POST', url: '/predict', headers: { 'content-type': 'application/json' }, payload: '"x"' }, 400, /must be a JSON object/],
      [{ method: 'POST', url: '/predict', headers: { 'content-type': 'application/json' }, payload: 'null' }, 400, /must be a JSON object/],
      [
        { method: 'POST', url: '/predict', headers: { 'content-type': 'application/json' }, payload: '[{}, 3]' },
        400,
        /item 1 of the array is not a JSON object/,
      ],
      [
        { method: 'POST', url: '/predict', headers: { 'content-type': 'text/plain' }, payload: '{}' },
        415,
        /Content-Type: application\/json/,
      ],
      [
        { method: 'POST', url: '/predict', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' },
        415,
        /as JSON/,
      ],
      [{ method: 'GET', url: '/nothing-here' }, 404, /no route GET \/nothing-here/],
      // The router's own refusals, in the same one-line JSON (they were Fastify's four-key bodies, one a 414).
      [{ method: 'DELETE', url: '/units/%ZZ' }, 400, /^the request path "\/units\/%ZZ" cannot be read: a % not followed by two hex digits/],
      [
        { method: 'DELETE', url: `/units/${'a'.repeat(401)}` },
        400,
        /^the unit id in the path is longer than a unit id may be \(200 characters\)/,
      ],
      [
        { method: 'POST', url: '/predict', headers: { 'content-type': 'application/json' }, payload: '{}' },
        400,
        /^reading 0: no unit field "unit_number"$/,
      ],
      [
        { method: 'POST', url: '/predict', headers: { 'content-type': 'application/json' }, payload: '[{"unit_number": 1}]' },
        400,
        /^reading 0: no time field "time_in_cycles"$/,
      ],
      [
        {
          method: 'POST',
          url: '/predict',
          headers: { 'content-type': 'application/json' },
          payload: '{"__proto__": {}, "unit_number": 1, "time_in_cycles": 1}',
        },
        400,
        /^the body has a "__proto__" key/,
      ],
      // Nested 100,000 deep: JSON.parse takes it, and the key search must not overflow the stack (it was a 500).
      [
        {
          method: 'POST',
          url: '/predict',
          headers: { 'content-type': 'application/json' },
          payload: '['.repeat(100_000) + '{"__proto__": 1}' + ']'.repeat(100_000),
        },
        400,
        /^the body has a "__proto__" key/,
      ],
      [
        { method: 'POST', url: '/predict', headers: { 'content-type': 'application/json; charset=iso-8859-1' }, payload: '{}' },
        415,
        /^send the body as UTF-8 JSON \(charset=utf-8\), not charset=iso-8859-1$/,
      ],
      [
        { method: 'POST', url: '/predict', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: '{}' },
        415,
        /^send the body uncompressed: Content-Encoding gzip is not taken$/,
      ],
      [{ method: 'POST', url: '/predict' }, 415, /^send the readings as JSON, with Content-Type: application\/json$/],
    ];
    for (const [req, status, message] of cases) {
      const res = await s.app.inject(req);
      expect([res.statusCode, res.headers['content-type']]).toEqual([status, expect.stringMatching(/^application\/json/)]);
      expect(res.json().error).toMatch(message);
      expect(res.json().error).not.toContain('\n');
    }
    // Bytes that are not UTF-8 are refused, never read with U+FFFD in their place (two units would become one).
    const latin = Buffer.concat([Buffer.from('[{"unit_number":"inv'), Buffer.from([0xff]), Buffer.from('","time_in_cycles":1}]')]);
    const bad = await s.app.inject({ method: 'POST', url: '/predict', headers: { 'content-type': 'application/json' }, payload: latin });
    expect([bad.statusCode, bad.json().error]).toEqual([
      400,
      'the body is not valid UTF-8 (first bad byte at offset 20): send JSON encoded as UTF-8',
    ]);
    // A character cut short is named where it begins, not at the byte after it.
    const cut = Buffer.concat([Buffer.from('{"a'), Buffer.from([0xe2, 0x82]), Buffer.from('":1}')]);
    const cutShort = await s.app.inject({ method: 'POST', url: '/predict', headers: { 'content-type': 'application/json' }, payload: cut });
    expect(cutShort.json().error).toMatch(/first bad byte at offset 3\)/);
    // A byte order mark is ignored, as RFC 8259 allows.
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ unit_number: 'bom', time_in_cycles: 1 }))]);
    expect(
      (await s.app.inject({ method: 'POST', url: '/predict', headers: { 'content-type': 'application/json' }, payload: bom })).statusCode,
    ).toBe(200);
    // Characters are counted as people count them: 200 emoji are a 200-character id.
    const rockets = (n: number) => json(s.app, '/predict', { unit_number: '🚀'.repeat(n), time_in_cycles: 1 });
    expect((await rockets(200)).statusCode).toBe(200);
    expect((await rockets(201)).json().error).toMatch(/longer than 200 characters/);
    // UTF-8 said either way is taken.
    for (const type of ['application/json; charset=UTF-8', 'application/json;charset="utf8"'])
      expect((await json(s.app, '/predict', [], { 'content-type': type })).statusCode).toBe(200);
    // A route asked with a method it does not take: 405, and the methods it takes.
    for (const [method, url, allow] of [
      ['GET', '/predict', 'POST'],
      ['DELETE', '/model', 'GET, HEAD'],
      ['OPTIONS', '/predict', 'POST'],
    ] as const) {
      const res = await s.app.inject({ method, url });
      expect([res.statusCode, res.headers.allow, res.json().error]).toEqual([
        405,
        allow,
        `${url} takes ${allow.replace(', ', ' or ')}, not ${method}`,
      ]);
    }
    const small = await server({ bodyLimit: 2000 });
    const big = await json(small.app, '/predict', unit1);
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toMatch(/larger than the server's limit of 2000 bytes \(--body-limit\)/);
    await small.app.close();
  });

  test('GET /model says what a reading needs and how it is judged', async () => {
    const m = (await s.app.inject({ url: '/model' })).json();
    expect(m).toMatchObject({
      model_id: model.id,
      model_version: 'v7',
      inputs: model.recipe!.inputs,
      unit_field: 'unit_number',
      time_field: 'time_in_cycles',
      threshold: { offset: model.threshold.offset, anomaly_score_above: -model.threshold.offset },
      alarm: { k: 5, n: 8, clear: 1 },
    });
  });

  test('GET /model of a server whose readings are one series (--unit-field none) fits its own documented schema', async () => {
    const app = await seriesServer(model);
    const info = (await app.inject({ url: '/model' })).json();
    expect(info.unit_field).toBeNull();
    const doc = (await app.inject({ url: '/openapi.json' })).json();
    const validate = new Ajv({ strict: false }).compile(doc.paths['/model'].get.responses['200'].content['application/json'].schema);
    expect(validate(info), JSON.stringify(validate.errors)).toBe(true);
    await app.close();
  });

  test('GET /metrics has the consume names, labelled service="serve"', async () => {
    const fresh = await server();
    await json(fresh.app, '/predict', unit1);
    await fresh.app.inject({ url: '/predict' });
    const res = await fresh.app.inject({ url: '/metrics' });
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/^iot_anomaly_predictions_total\{service="serve"\} 31$/m);
    expect(res.body).toMatch(/^iot_anomaly_http_requests_total\{route="\/predict",status="200",service="serve"\} 1$/m);
    expect(res.body).toMatch(/^iot_anomaly_scoring_latency_seconds_count\{service="serve"\} 1$/m);
    // A known route asked with the wrong method is counted under that route, not as unmatched.
    expect(res.body).toMatch(/^iot_anomaly_http_requests_total\{route="\/predict",status="405",service="serve"\} 1$/m);
    // A path the router refuses is counted too (it never reaches the response hook).
    await fresh.app.inject({ method: 'DELETE', url: '/units/%ZZ' });
    await fresh.app.inject({ url: '/p%ZZ' });
    const after = (await fresh.app.inject({ url: '/metrics' })).body;
    expect(after).toMatch(/^iot_anomaly_http_requests_total\{route="\/units\/:unit",status="400",service="serve"\} 1$/m);
    expect(after).toMatch(/^iot_anomaly_http_requests_total\{route="unmatched",status="400",service="serve"\} 1$/m);
    await fresh.app.close();
  });

  test('GET /openapi.json is a valid OpenAPI 3 document of every route, as the server answers', async () => {
    const doc = (await s.app.inject({ url: '/openapi.json' })).json();
    // An independent validator of the OpenAPI 3.0 specification (it mutates what it is given).
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy();
    expect(doc.openapi).toMatch(/^3\.0\./);
    expect(doc.info).toMatchObject({ title: 'isoscope serve', version: '0.0.0-test' });
    expect(Object.keys(doc.paths).sort()).toEqual(['/healthz', '/metrics', '/model', '/openapi.json', '/predict', '/units/{unit}']);
    expect(Object.keys(doc.paths['/units/{unit}'].delete.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '404', '405']));
    const predict = doc.paths['/predict'].post;
    expect(predict.requestBody.content['application/json'].schema.oneOf).toHaveLength(2);
    expect(Object.keys(predict.responses).sort()).toEqual(['200', '400', '401', '405', '408', '409', '413', '415', '422', '431']);
    expect(predict.parameters).toEqual([expect.objectContaining({ in: 'header', name: 'idempotency-key', required: false })]);
    // Every GET route documents what it answers another method, and the HTTP edges; HEAD is documented with GET.
    for (const path of ['/model', '/metrics', '/openapi.json', '/healthz']) {
      expect(Object.keys(doc.paths[path].get.responses)).toEqual(expect.arrayContaining(['200', '400', '405', '408', '431']));
      expect(doc.paths[path].head).toBeDefined();
    }
    // A reading must carry the fields it is keyed by; the rest is documented, not required.
    const reading = predict.requestBody.content['application/json'].schema.oneOf[0];
    expect(reading.required).toEqual(['unit_number', 'time_in_cycles']);
    expect(Object.keys(reading.example)).toEqual(['unit_number', 'time_in_cycles', 'sensor_2', 'sensor_3']);
    expect(Object.keys(predict.responses['200'].content['application/json'].schema.oneOf[0].properties)).toContain('data_quality');
    // /metrics is documented as the text it is.
    expect(Object.keys(doc.paths['/metrics'].get.responses['200'].content)).toEqual(['text/plain; version=0.0.4']);
    expect(predict.security).toEqual([{ bearer: [] }]);
    expect(predict.responses['200'].headers['server-timing'].schema).toEqual({ type: 'string' });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});

describe('ISOSCOPE_API_KEY', () => {
  test('every route but /healthz needs the bearer key; the key is never echoed', async () => {
    const key = 's3cret-key-for-tests';
    const { app, logs } = await server({ apiKey: key });
    for (const url of ['/model', '/metrics', '/openapi.json']) {
      for (const authorization of [undefined, 'Bearer wrong', `Bearer ${key}x`, key, `Basic ${key}`]) {
        const res = await app.inject({ url, headers: authorization ? { authorization } : {} });
        expect(res.statusCode).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer');
        expect(res.json()).toEqual({ error: 'missing or wrong API key: send Authorization: Bearer <key>' });
      }
      expect((await app.inject({ url, headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200);
    }
    expect((await json(app, '/predict', unit1[0])).statusCode).toBe(401);
    expect((await json(app, '/predict', unit1[0], { authorization: `bearer ${key}` })).statusCode).toBe(200);
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    // A path the router cannot read is no way round the key: 401 first, then what is wrong with it.
    const bad = await app.inject({ method: 'DELETE', url: '/units/%ZZ' });
    expect([bad.statusCode, bad.headers['www-authenticate'], bad.json().error]).toEqual([
      401,
      'Bearer',
      expect.stringMatching(/^missing or wrong API key/),
    ]);
    const badWithKey = await app.inject({ method: 'DELETE', url: '/units/%ZZ', headers: { authorization: `Bearer ${key}` } });
    expect(badWithKey.statusCode).toBe(400);
    expect(logs.join('\n')).not.toContain(key);
    await app.close();
  });

  test('empty is no key (as .env.example leaves it); a key no header could carry (spaces) is refused; a short one is warned of', () => {
    const warned: string[] = [];
    const warn = (l: string) => warned.push(l);
    expect([apiKeyOf(undefined, warn), apiKeyOf('', warn)]).toEqual([undefined, undefined]);
    for (const spaced of ['   ', ' k3y-with-a-space-before', 'two words-that-are-long-enough', 'key-with-a-line-break\n'])
      expect(() => apiKeyOf(spaced, warn)).toThrow(/ISOSCOPE_API_KEY holds a space or a line break: a bearer key is one word/);
    expect(warned).toEqual([]);
    expect(apiKeyOf('a'.repeat(24), warn)).toBe('a'.repeat(24));
    expect(warned).toEqual([]);
    expect(apiKeyOf('short', warn)).toBe('short');
    expect(warned).toEqual([
      'isoscope serve: warning: ISOSCOPE_API_KEY is 5 characters long; a key of at least 16 random characters (openssl rand -hex 24) is hard to guess',
    ]);
    expect(['127.0.0.1', 'localhost', '::1', '127.1.2.3', '0.0.0.0', '10.0.0.5', '::'].map(isLoopback)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

describe('DELETE /units/{unit}', () => {
  test('forgets a unit a wrong time locked: its next reading starts it afresh, as a new unit would', async () => {
    const { app } = await server();
    const at = (r: Record<string, unknown>, time: number, unit: unknown = 7) => ({ ...r, unit_number: unit, time_in_cycles: time });
    expect(
      (
        await json(
          app,
          '/predict',
          unit1.slice(0, 5).map((r, i) => at(r, i + 1)),
        )
      ).statusCode,
    ).toBe(200);
    // Epoch milliseconds sent as the cycle by mistake: every later reading is refused.
    expect((await json(app, '/predict', at(unit1[5], 1_796_583_842_434))).statusCode).toBe(200);
    expect((await json(app, '/predict', at(unit1[6], 7))).statusCode).toBe(409);
    const del = await app.inject({ method: 'DELETE', url: '/units/7' });
    expect([del.statusCode, del.json()]).toEqual([200, { forgotten: '7' }]);
    const after = await json(app, '/predict', at(unit1[6], 7));
    const fresh = await json(app, '/predict', at(unit1[6], 7, 'never-seen'));
    expect(after.statusCode).toBe(200);
    expect(after.json().anomaly_score).toBe(fresh.json().anomaly_score);
    // Forgotten once: nothing more to forget; another method is refused with what the route takes.
    const again = await app.inject({ method: 'DELETE', url: '/units/unknown-9' });
    expect([again.statusCode, again.json()]).toEqual([404, { error: 'unit "unknown-9" is not tracked: nothing to forget' }]);
    const get = await app.inject({ method: 'GET', url: '/units/7' });
    expect([get.statusCode, get.headers.allow]).toEqual([405, 'DELETE']);
    // An id as long as POST /predict takes (200 characters, 12 bytes each percent-encoded) is forgotten too:
    // past the router's default of 100, the path was refused with 414.
    const long = '🚀'.repeat(200);
    expect((await json(app, '/predict', { ...unit1[0], unit_number: long })).statusCode).toBe(200);
    const forget = await app.inject({ method: 'DELETE', url: `/units/${encodeURIComponent(long)}` });
    expect([forget.statusCode, forget.json()]).toEqual([200, { forgotten: long }]);
    await app.close();
  });
});

describe('limits a client meets', () => {
  test('more readings than --max-readings in one request: 413 naming the cap, and nothing scored', async () => {
    const { app } = await server({ maxReadings: 3 });
    const four = unit1.slice(0, 4);
    const res = await json(app, '/predict', four);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({
      error: 'the request holds 4 readings; the server takes at most 3 in one (serve --max-readings): send them in smaller batches',
    });
    // Scored, the same readings again would be refused as repeats (409).
    expect((await json(app, '/predict', four.slice(0, 3))).statusCode).toBe(200);
    expect((await json(app, '/predict', four.slice(3))).statusCode).toBe(200);
    await app.close();
  });

  test('a body that stops arriving is answered 408 and its connection closed, not held', async () => {
    const { app } = await server({ requestTimeoutMs: 400 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const socket = connect(port, '127.0.0.1');
    socket.write('POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[');
    const t0 = Date.now();
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('{"error":"the request took too long to arrive"}');
    expect(Date.now() - t0).toBeLessThan(10_000);
    await app.close();
  });
});

describe('model reloads and shutdown', () => {
  test('a changed model file is loaded, a broken one reported and the current model kept', async () => {
    const { app, predictor } = await server();
    const dir = mkdtempSync(join(tmpdir(), 'isoscope-serve-'));
    const file = join(dir, 'model.json');
    writeFileSync(file, JSON.stringify(model));
    const logs: string[] = [];
    let rejected = 0;
    const swap = (m: ModelJson) => predictor.setModel(m, m.createdAt);
    const watcher = new ModelFileWatcher(file, swap, { intervalMs: 60_000, log: (l) => logs.push(l), onRejected: () => rejected++ });
    await watcher.start();
    await watcher.check();
    expect(predictor.info().model_version).toBe('v7'); // unchanged file: nothing reloaded

    const newer: ModelJson = { ...model, id: `${model.id}-retrained`, createdAt: '2030-01-01T00:00:00.000Z' };
    writeFileSync(file, JSON.stringify(newer));
    // Requests before, during and after the swap all succeed.
    // Each request a unit of its own: a unit's readings are taken once, in time order.
    const during = Promise.all(
      Array.from({ length: 20 }, (_, k) =>
        json(
          app,
          '/predict',
          unit1.slice(0, 5).map((r) => ({ ...r, unit_number: 100 + k })),
        ),
      ),
    );
    await watcher.check();
    expect((await during).every((r) => r.statusCode === 200)).toBe(true);
    expect(predictor.info()).toMatchObject({ model_id: newer.id, model_version: newer.createdAt });
    expect((await json(app, '/predict', unit1[0])).json().model_id).toBe(newer.id);

    writeFileSync(file, '{"format": "isoscope-model", "version": 1, "id": "half-writ');
    await watcher.check();
    writeFileSync(file, JSON.stringify({ ...newer, id: 'bad', scaler: { mean: [1], scale: [1] } }));
    await watcher.check();
    expect(rejected).toBe(2);
    expect(logs).toHaveLength(2);
    for (const l of logs)
      expect(l).toMatch(/^isoscope serve: .*model\.json changed but was not loaded, still scoring with the current model: /);
    expect(predictor.info().model_id).toBe(newer.id);
    expect((await json(app, '/predict', unit1[1])).statusCode).toBe(200);
    await watcher.stop();
    await app.close();
  });

  test('over a socket: a body far over the limit still gets its 413, and requests Node cannot parse get one-line JSON', async () => {
    const { app } = await server({ bodyLimit: 100_000 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    // fetch sends the whole body before it reads the answer: the server reads (and drops) the rest first.
    for (const size of [150_000, 8_000_000]) {
      const res = await fetch(`http://127.0.0.1:${port}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ unit_number: 1, time_in_cycles: 1, pad: 'x'.repeat(size) }]),
      });
      expect([res.status, (await res.json()).error]).toEqual([413, expect.stringMatching(/limit of 100000 bytes \(--body-limit\)/)]);
    }
    const raw = (text: string) =>
      new Promise<string>((ok) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(text));
        let out = '';
        socket.on('data', (d: Buffer) => (out += d.toString()));
        socket.on('close', () => ok(out));
      });
    const [head, body] = (await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 .*\r\nContent-Type: application\/json/s);
    expect(JSON.parse(body)).toEqual({ error: "the request's headers are larger than the server takes" });
    // Without Host, HTTP/1.1 is refused in the same JSON (Node's own refusal had no body); HTTP/1.0 needs none.
    const hostless = (await raw('GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n')).split('\r\n\r\n');
    expect(hostless[0]).toMatch(/^HTTP\/1\.1 400 .*\r\ncontent-type: application\/json/is);
    expect(JSON.parse(hostless[1])).toEqual({ error: 'an HTTP/1.1 request needs a Host header' });
    expect(await raw('GET /healthz HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 /);
    const garbage = (await raw('GARBAGE\r\n\r\n')).split('\r\n\r\n');
    expect(garbage[0]).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(garbage[1]).error).toMatch(/^the request is not valid HTTP \(HPE_/);
    // A body read whole but refused (invalid JSON) keeps the connection: the next request on it is answered.
    const bad = '{bad';
    const pair = await raw(
      `POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${bad.length}\r\n\r\n${bad}` +
        'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(pair.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 400', 'HTTP/1.1 200']);
    // A client that asks first (Expect: 100-continue) about a body over the limit hears 413 before sending it.
    const asked = await new Promise<{ status?: number; continued: boolean; body: string }>((ok, fail) => {
      let continued = false;
      const req = request(
        {
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/predict',
          headers: { 'content-type': 'application/json', 'content-length': 500_000, expect: '100-continue' },
        },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => ok({ status: res.statusCode, continued, body }));
        },
      );
      req.on('continue', () => (continued = true));
      req.on('error', fail);
      req.flushHeaders();
    });
    expect([asked.status, asked.continued, JSON.parse(asked.body).error]).toEqual([
      413,
      false,
      expect.stringMatching(/limit of 100000 bytes/),
    ]);
    // One within the limit is invited, and scored.
    const small = JSON.stringify({ unit_number: 'asked', time_in_cycles: 1 });
    const invited = await new Promise<number | undefined>((ok, fail) => {
      const req = request(
        {
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/predict',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(small), expect: '100-continue' },
        },
        (res) => (res.resume(), ok(res.statusCode)),
      );
      req.on('continue', () => req.end(small));
      req.on('error', fail);
      req.flushHeaders();
    });
    expect(invited).toBe(200);
    // Still serving.
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    await app.close();
  });

  test('close() stops accepting but answers the request in flight', async () => {
    const { app } = await server();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const body = Buffer.from(JSON.stringify(unit1));
    const answer = new Promise<{ status: number; body: string }>((ok, fail) => {
      const req = request(
        {
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/predict',
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => ok({ status: res.statusCode!, body: text }));
        },
      );
      req.on('error', fail);
      // Half the body now, the rest after close() began: the request is in flight while the server stops.
      req.write(body.subarray(0, body.length >> 1));
      setTimeout(() => {
        closing = app.close();
        setTimeout(() => req.end(body.subarray(body.length >> 1)), 100);
      }, 100);
    });
    let closing: Promise<undefined> | undefined;
    const res = await answer;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toHaveLength(31);
    await closing; // resolves: the client's keep-alive connection did not hold the server open (else the test times out)
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
