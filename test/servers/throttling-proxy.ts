// An HTTP proxy in front of the local Cosmos DB server that answers 429 (with
// x-ms-retry-after-ms) to document writes while `throttle` is on: Cosmos DB's own way
// of saying "too many requests". With `cors`, it also answers the browser's preflights
// and marks responses readable cross-origin, as a Cosmos DB account with CORS rules does.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ThrottlingProxy {
  endpoint: string;
  throttle: boolean;
  /** Answer every request 401, as Cosmos DB does for a wrong key or an expired token. */
  reject: boolean;
  /** Answer every document write 403, as Cosmos DB does for a read-only key. */
  readOnly: boolean;
  /** Answer every read of one document 503, as Cosmos DB does when a replica is briefly out of reach. */
  failReads: boolean;
  throttled: number;
  stop(): Promise<void>;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': '*',
};

export async function startThrottlingProxy(target: string, opts: { cors?: boolean; port?: number } = {}): Promise<ThrottlingProxy> {
  const to = new URL(target);
  const state = { throttle: false, throttled: 0, reject: false, readOnly: false, failReads: false };
  const server: Server = createServer((req, res) => {
    if (opts.cors && req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...CORS,
        'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    const cors = opts.cors ? CORS : {};
    if (state.reject) {
      req.resume();
      res.writeHead(401, { ...cors, 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'Unauthorized', message: "The input authorization token can't serve the request." }));
      return;
    }
    const write = req.method === 'POST' && /\/docs\/?$/.test(req.url ?? '');
    const query = req.headers['x-ms-documentdb-isquery'] !== undefined;
    if (state.readOnly && ((write && !query) || (/\/docs\/[^/]+\/?$/.test(req.url ?? '') && req.method !== 'GET'))) {
      req.resume();
      res.writeHead(403, { ...cors, 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'Forbidden', message: 'Request blocked by Auth: operation not permitted with a read-only key.' }));
      return;
    }
    if (state.failReads && req.method === 'GET' && /\/docs\/[^/]+\/?$/.test(req.url ?? '')) {
      req.resume();
      res.writeHead(503, { ...cors, 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'ServiceUnavailable', message: 'The request failed because the service is unavailable.' }));
      return;
    }
    if (write && state.throttle) {
      state.throttled++;
      req.resume();
      res.writeHead(429, { ...cors, 'content-type': 'application/json', 'x-ms-retry-after-ms': '50', 'x-ms-substatus': '3200' });
      res.end(JSON.stringify({ code: 'TooManyRequests', message: 'Request rate is large.' }));
      return;
    }
    const upstream = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, { ...up.headers, ...cors });
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502, cors).end());
    req.pipe(upstream);
  });
  await new Promise<void>((ok) => server.listen(opts.port ?? 0, '127.0.0.1', () => ok()));
  const proxy: ThrottlingProxy = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get throttle() {
      return state.throttle;
    },
    set throttle(v: boolean) {
      state.throttle = v;
    },
    get throttled() {
      return state.throttled;
    },
    get reject() {
      return state.reject;
    },
    set reject(v: boolean) {
      state.reject = v;
    },
    get readOnly() {
      return state.readOnly;
    },
    set readOnly(v: boolean) {
      state.readOnly = v;
    },
    get failReads() {
      return state.failReads;
    },
    set failReads(v: boolean) {
      state.failReads = v;
    },
    set throttled(v: number) {
      state.throttled = v;
    },
    stop: async () => {
      server.closeAllConnections?.();
      await new Promise((ok) => server.close(ok));
    },
  };
  return proxy;
}
