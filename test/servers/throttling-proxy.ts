// An HTTP proxy in front of the local Cosmos DB server that answers 429 (with
// x-ms-retry-after-ms) to document writes while `throttle` is on: Cosmos DB's own way
// of saying "too many requests".
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ThrottlingProxy {
  endpoint: string;
  throttle: boolean;
  throttled: number;
  stop(): Promise<void>;
}

export async function startThrottlingProxy(target: string): Promise<ThrottlingProxy> {
  const to = new URL(target);
  const state = { throttle: false, throttled: 0 };
  const server: Server = createServer((req, res) => {
    const write = req.method === 'POST' && /\/docs\/?$/.test(req.url ?? '');
    if (write && state.throttle) {
      state.throttled++;
      req.resume();
      res.writeHead(429, { 'content-type': 'application/json', 'x-ms-retry-after-ms': '50', 'x-ms-substatus': '3200' });
      res.end(JSON.stringify({ code: 'TooManyRequests', message: 'Request rate is large.' }));
      return;
    }
    const upstream = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const proxy: ThrottlingProxy = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get throttle() { return state.throttle; },
    set throttle(v: boolean) { state.throttle = v; },
    get throttled() { return state.throttled; },
    set throttled(v: number) { state.throttled = v; },
    stop: async () => {
      server.closeAllConnections?.();
      await new Promise((ok) => server.close(ok));
    },
  };
  return proxy;
}
