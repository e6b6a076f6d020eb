// A local stand-in for the Datadog metrics intake: it takes what the official client posts to
// /api/v2/series and /api/v1/distribution_points, undoes the Content-Encoding (deflate, gzip),
// parses the JSON and keeps it for the test to read. `failNext` answers the next requests with
// a given status, to exercise retries.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';

export interface IntakeRequest {
  path: string;
  apiKey: string | undefined;
  encoding: string | undefined;
  body: any;
}

export interface LocalIntake {
  url: string;
  received: IntakeRequest[];
  /** Statuses to answer the next requests with, in order (e.g. [503, 503]); then 202 again. */
  failNext: number[];
  /** Every count series received, flattened: metric, tags and value. */
  counts(): { metric: string; tags: string[]; value: number; type: number; interval: number }[];
  /** Every distribution series received: metric, tags and values. */
  distributions(): { metric: string; tags: string[]; values: number[] }[];
  stop(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  let raw = Buffer.concat(chunks);
  const enc = req.headers['content-encoding'];
  if (enc === 'deflate') raw = inflateSync(raw);
  else if (enc === 'gzip') raw = gunzipSync(raw);
  else if (enc && enc !== 'identity') throw new Error(`the local intake cannot decode Content-Encoding ${enc}`);
  return JSON.parse(raw.toString('utf8'));
}

export async function startIntake(): Promise<LocalIntake> {
  const intake = { received: [] as IntakeRequest[], failNext: [] as number[] };
  const server: Server = createServer((req, res) => {
    bodyOf(req).then(
      (body) => {
        const path = (req.url ?? '').split('?')[0];
        const fail = intake.failNext.shift();
        if (fail) {
          res.writeHead(fail, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: ['local intake: told to fail'] }));
          return;
        }
        if (path !== '/api/v2/series' && path !== '/api/v1/distribution_points') {
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [`no route ${path}`] }));
          return;
        }
        intake.received.push({
          path,
          apiKey: req.headers['dd-api-key'] as string | undefined,
          encoding: req.headers['content-encoding'],
          body,
        });
        res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [] }));
      },
      (e: Error) => res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [e.message] })),
    );
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received: intake.received,
    get failNext() {
      return intake.failNext;
    },
    set failNext(v: number[]) {
      intake.failNext = v;
    },
    counts: () =>
      intake.received
        .filter((r) => r.path === '/api/v2/series')
        .flatMap((r) =>
          (r.body.series as any[]).flatMap((s) =>
            (s.points as any[]).map((p) => ({ metric: s.metric, tags: s.tags, value: p.value, type: s.type, interval: s.interval })),
          ),
        ),
    distributions: () =>
      intake.received
        .filter((r) => r.path === '/api/v1/distribution_points')
        .flatMap((r) =>
          (r.body.series as any[]).flatMap((s) =>
            (s.points as any[]).map((p) => ({ metric: s.metric, tags: s.tags, values: p[1] as number[] })),
          ),
        ),
    stop: async () => {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    },
  };
}
