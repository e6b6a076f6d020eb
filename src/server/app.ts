// The prediction server's HTTP surface on Fastify: POST /predict, GET /model, /metrics,
// /openapi.json, and /healthz (the one route that needs no key). Every error is JSON,
// {"error": "..."}, one line.
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import type { Metrics } from '../connectors/metrics.js';
import type { Predictor } from './predictor.js';
import type { ServeMetrics } from './serve-metrics.js';
import { bearerCheck } from './auth.js';
import { afterBody, allowedMethods, checkContinue, clientError, encodingProblem, parseJsonBody, tooLarge } from './http-edges.js';
import { keyReadings } from '../stream/reading-codec.js';
import { fingerprint, keyProblem, ReplayStore } from './replays.js';
import type { StreamKeys } from '../stream/hub-batch.js';
import { forgetUnitSchema, healthSchema, metricsSchema, modelSchema, openapiSchema, predictSchema, swaggerOptions } from './openapi.js';

/** Readings in one request, at most, unless --max-readings says otherwise: about a tenth of a second of scoring. */
export const DEFAULT_MAX_READINGS = 10_000;
/** As Node's own headers timeout: a minute for the whole request. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export interface AppOptions {
  predictor: Predictor;
  metrics: Metrics;
  serveMetrics: ServeMetrics;
  /** ISOSCOPE_API_KEY: when set, every route but /healthz needs `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** Largest body accepted, in bytes; larger gets 413. */
  bodyLimit: number;
  /** Most readings one request may hold (413 past it): one request is scored whole, and other clients wait meanwhile. */
  maxReadings?: number;
  /** A request (headers and body) not arrived within this many ms is answered 408 and closed. */
  requestTimeoutMs?: number;
  /** Answers kept for retries sent with an Idempotency-Key (default: a day, 10,000 answers, 64 MB). */
  replays?: ReplayStore;
  /** The product version, for the OpenAPI document. */
  version: string;
  log: (line: string) => void;
}

/** The route a request unmatched by the router counts under: a unit's path under its pattern (one series per unit id would grow without end). */
function metricRoute(path: string): string {
  return allowedMethods(path) ? (path.startsWith('/units/') ? '/units/:unit' : path) : 'unmatched';
}

const UNAUTHORIZED = 'missing or wrong API key: send Authorization: Bearer <key>';

/** UTF-16 units a path parameter may have, once decoded, before the router refuses it: a 200-character id of 4-byte characters. */
const MAX_PATH_PARAM = 400;

export async function buildApp(o: AppOptions): Promise<FastifyInstance> {
  const timeout = o.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const authorized = o.apiKey ? bearerCheck(o.apiKey) : () => true;
  const app = Fastify({
    bodyLimit: o.bodyLimit,
    // Fastify's default is no limit: a client that stops mid-body would hold its connection for ever.
    // Node times out only what it was created with (Fastify's own requestTimeout is set later, and
    // missed a body that stopped coming), and looks every 30 s by default: a look every twelfth of the
    // timeout (5 s for the default minute) answers 408 at most that late (a quarter left it 74 s in).
    requestTimeout: timeout,
    // Node refuses an HTTP/1.1 request without Host itself, with an empty body: the hook below says so in JSON.
    http: {
      requireHostHeader: false,
      requestTimeout: timeout,
      connectionsCheckingInterval: Math.min(5_000, Math.max(25, Math.round(timeout / 12))),
    },
    logger: false,
    // Schemas check shapes only: no coercion, so a body is never rewritten before scoring.
    // "example" is OpenAPI 3.0's annotation (its schemas have no "examples"): known to Ajv, checked by nothing.
    ajv: { customOptions: { coerceTypes: false, keywords: ['example'] } },
    clientErrorHandler: clientError,
    // A unit id may be 200 characters, each up to 2 UTF-16 units (the router counts them decoded): past
    // its default of 100, DELETE /units/<id> answered 414 where POST /predict took the id. An id past
    // 200 characters is refused by the route, one past this by the router (frameworkErrors).
    routerOptions: { maxParamLength: MAX_PATH_PARAM },
    // The router's own refusals (bad percent-encoding, a path parameter past the limit) in the server's
    // one-line JSON, and counted: they never reach the onResponse hook.
    // Without the API key, 401 first, as for every other route.
    frameworkErrors: (err, req, reply) => {
      const path = req.url.split('?')[0];
      const r = reply as unknown as FastifyReply;
      if (!authorized(req.headers.authorization)) {
        o.serveMetrics.request(metricRoute(path), 401);
        return void r.code(401).header('www-authenticate', 'Bearer').send({ error: UNAUTHORIZED });
      }
      o.serveMetrics.request(metricRoute(path), 400);
      void r.code(400).send({
        error:
          err.code === 'FST_ERR_MAX_PARAM_LENGTH'
            ? 'the unit id in the path is longer than a unit id may be (200 characters): no unit is named so'
            : `the request path ${JSON.stringify(path)} cannot be read: a % not followed by two hex digits, or not a path at all`,
      });
    },
  });
  await app.register(swagger, swaggerOptions(o.version));

  // JSON.stringify writes every response: result fields are named at run time (--unit-field), and
  // schema-driven serialisation would drop what the schema does not list.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // Readings come as JSON only: a text/plain body is refused (415), not parsed as a string.
  app.removeContentTypeParser('text/plain');
  // A "__proto__" key is refused by name (400). A "constructor" key is harmless here (no deep merge: a
  // reading is copied one level, key by key).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parseJsonBody);

  // While closing, answers end their connection: a keep-alive client would otherwise hold the
  // server open after its last request (close() ends only idle connections, and only once).
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (req, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    // Fastify closes the connection after any body-parser error, in case more of the body is on its
    // way; a body read whole (invalid JSON, not UTF-8) leaves nothing unread, so the connection is
    // kept, as for every other 400.
    else if (reply.statusCode === 400 && req.raw.complete) reply.removeHeader('connection');
    done(null, payload);
  });

  const info = o.predictor.info();
  const keys: StreamKeys = { unitField: info.unit_field, timeField: info.time_field };
  checkContinue(
    app.server,
    o.bodyLimit,
    (req) => authorized(req.headers.authorization),
    (route, status) => o.serveMetrics.request(route, status),
  );
  app.addHook('onRequest', (req, reply, done) => {
    // HTTP/1.1 asks a server to refuse a request without Host (RFC 9112, 3.2).
    if (req.raw.httpVersion === '1.1' && req.headers.host === undefined)
      return void reply.code(400).send({ error: 'an HTTP/1.1 request needs a Host header' });
    if (req.routeOptions.url === '/healthz' || authorized(req.headers.authorization)) return done();
    void reply.code(401).header('www-authenticate', 'Bearer').send({ error: UNAUTHORIZED });
  });
  // Before the body is read: a body in another charset or compressed would be read as garbage, not refused.
  app.addHook('onRequest', (req, reply, done) => {
    const problem = req.method === 'POST' && req.routeOptions.url === '/predict' ? encodingProblem(req.headers) : undefined;
    if (!problem) return done();
    void reply.code(415).send({ error: problem });
  });
  app.addHook('onResponse', (req, reply, done) => {
    // A known path asked with a method it does not take (405) counts under its route, not as unmatched.
    const path = req.url.split('?')[0];
    const route = req.routeOptions.url ?? metricRoute(path);
    o.serveMetrics.request(route, reply.statusCode, reply.elapsedTime / 1000);
    if (route === '/predict' && reply.statusCode === 200 && !reply.hasHeader('idempotent-replayed'))
      o.metrics.pipelineLatency(o.predictor.tag, reply.elapsedTime);
    done();
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const [status, message] = describe(err, req, keys);
    if (status >= 500) o.log(`isoscope serve: ${req.method} ${req.routeOptions.url ?? req.url} failed: ${message}`);
    const send = () => void reply.code(status).send({ error: status >= 500 ? 'internal error (logged by the server)' : message });
    if (status === 413) return afterBody(req.raw, () => (reply.header('connection', 'close'), send()));
    send();
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    // A route that exists under another method: 405 and the methods it takes, as HTTP asks.
    const allowed = allowedMethods(path);
    if (allowed)
      return void reply
        .code(405)
        .header('allow', allowed)
        .send({ error: `${path} takes ${allowed.replace(', ', ' or ')}, not ${req.method}` });
    void reply.code(404).send({ error: `no route ${req.method} ${path}` });
  });

  const replays = o.replays ?? new ReplayStore();
  app.post('/predict', { schema: predictSchema(keys) }, (req, reply) => {
    const body = req.body;
    const sent = req.headers['idempotency-key'];
    const key = Array.isArray(sent) ? sent.join(', ') : sent;
    // Node joins a repeated header with ", ", which a key may hold: two keys are refused, not read as one.
    const repeated = req.raw.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === 'idempotency-key').length > 1;
    const problem = repeated ? 'send one Idempotency-Key header, not several' : key === undefined ? undefined : keyProblem(key);
    if (problem) return void reply.code(400).send({ error: problem });
    const most = o.maxReadings ?? DEFAULT_MAX_READINGS;
    if (Array.isArray(body) && body.length > most)
      return void reply.code(413).send({
        error: `the request holds ${body.length.toLocaleString('en-US')} readings; the server takes at most ${most.toLocaleString('en-US')} in one (serve --max-readings): send them in smaller batches`,
      });
    // Hashed once, for the lookup and for keeping the answer.
    const print = key === undefined ? '' : fingerprint(body);
    const replay = key === undefined ? undefined : replays.find(key, print);
    if (replay?.kind === 'other-body')
      return void reply.code(422).send({
        error: `the Idempotency-Key ${JSON.stringify(key)} came with another body before: a retry must send the same readings, and new readings a new key`,
      });
    // The answer the first request got, nothing scored again: its readings would now be repeats (409).
    if (replay) return void reply.header('idempotent-replayed', 'true').type('application/json; charset=utf-8').send(replay.answer);
    const t0 = performance.now();
    const results = o.predictor.predict(Array.isArray(body) ? body : [body]);
    // How long scoring took, apart from parsing and the network: browsers' devtools and curl -v show it.
    void reply.header('server-timing', `score;dur=${(performance.now() - t0).toFixed(3)};desc="scoring"`);
    const answer = Array.isArray(body) ? results : results[0];
    if (key === undefined) return void reply.send(answer);
    const text = JSON.stringify(answer);
    replays.keep(key, print, text);
    void reply.type('application/json; charset=utf-8').send(text);
  });
  app.delete<{ Params: { unit: string } }>('/units/:unit', { schema: forgetUnitSchema }, (req, reply) => {
    let forgotten: boolean;
    try {
      forgotten = o.predictor.forgetUnit(req.params.unit);
    } catch (e) {
      return void reply.code(400).send({ error: `${(e as Error).message}: no unit is named so` });
    }
    if (!forgotten)
      return void reply.code(404).send({
        error: `${keys.unitField === null ? 'the series' : `unit ${JSON.stringify(req.params.unit)}`} is not tracked: nothing to forget${keys.unitField === null && req.params.unit !== 'series' ? ' (with --unit-field none the one series is DELETE /units/series)' : ''}`,
      });
    void reply.send({ forgotten: req.params.unit });
  });
  app.get('/model', { schema: modelSchema }, (_req, reply) => void reply.send(o.predictor.info()));
  app.get('/healthz', { schema: healthSchema }, (_req, reply) => void reply.send({ status: 'ok' }));
  app.get('/metrics', { schema: metricsSchema }, async (_req, reply) => {
    const text = await o.metrics.render();
    return reply.type(o.metrics.registry.contentType).send(text);
  });
  app.get('/openapi.json', { schema: openapiSchema }, (_req, reply) => void reply.send(app.swagger()));
  return app;
}

/** The status and the one line a client gets for a failed request. */
function describe(err: FastifyError, req: FastifyRequest, keys: StreamKeys): [number, string] {
  if (err.validation) return [400, shapeProblem(req.body, keys)];
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return [400, 'the body is not valid JSON'];
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return [400, 'the body is empty: send a JSON object (one reading) or an array of readings'];
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return [413, tooLarge(req.routeOptions.bodyLimit)];
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return [415, 'send the readings as JSON, with Content-Type: application/json'];
  }
  const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
  return [status, err.message.split('\n')[0]];
}

/** What the schema refused, said as the scorer would say it: the item that is no object, or the reading that cannot be keyed and why. */
function shapeProblem(body: unknown, keys: StreamKeys): string {
  const whole = 'the body must be a JSON object (one reading) or an array of readings';
  if (Array.isArray(body)) {
    const i = body.findIndex((x) => x === null || typeof x !== 'object' || Array.isArray(x));
    if (i >= 0) return `item ${i} of the array is not a JSON object: each item is one reading`;
  } else if (body === null || typeof body !== 'object') return whole;
  const bad = keyReadings(Array.isArray(body) ? body : [body], keys).rejected[0];
  return bad ? `reading ${bad.index}: ${bad.reason}` : whole;
}
