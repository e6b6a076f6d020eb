// The runtime image without Docker (no engine here): the files the Dockerfile's runtime stage
// copies, installed as it installs them (npm ci --omit=dev, from the npm registry) in a clean
// directory; from there `isoscope serve` answers a prediction and `isoscope consume` scores
// readings off a (local) hub. So both commands run with no devDependency, and the Dockerfile
// names every file they need. Needs `npm run build` first.
import { describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { loadFd001, until } from './helpers.js';
import { post, REPO, startConsume, startServe } from './serve-process.js';
import { EventHubProducerClient } from '@azure/event-hubs';
import { EventHubServer, HubStore } from './servers/event-hub-server.js';
import { publishDataset } from '../src/connectors/publisher.js';
import { readingOf } from '../src/stream/reading-codec.js';

const INSTALL = 'npm ci --omit=dev --no-audit --no-fund';

/** The runtime stage's COPY lines as [repo path, path in the image's /app]; the build stage's /app is this repo built. */
function runtimeCopies(dockerfile: string): [string, string][] {
  const runtime = dockerfile.slice(dockerfile.indexOf(' AS runtime'));
  const copies: [string, string][] = [];
  for (const line of runtime.split('\n').filter((l) => l.startsWith('COPY '))) {
    const words = line.split(/\s+/).slice(1);
    const fromBuild = words[0] === '--from=build';
    if (fromBuild) words.shift();
    const dest = words.pop()!;
    for (const src of words) {
      const from = fromBuild ? src.replace(/^\/app\//, '') : src;
      copies.push([from, dest.endsWith('/') ? join(dest, from.split('/').pop()!) : dest]);
    }
  }
  return copies;
}

describe('the runtime image, installed without dev tools', () => {
  test('npm ci --omit=dev in a clean copy, then isoscope serve and isoscope consume from it score readings', async () => {
    const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.indexOf(' AS runtime'));
    expect(runtime).toContain(`RUN ${INSTALL}`);
    expect(runtime).toMatch(/^USER node$/m);

    const app = mkdtempSync(join(tmpdir(), 'isoscope-image-'));
    try {
      const copies = runtimeCopies(dockerfile);
      expect(copies.map(([, to]) => to)).toEqual([
        'package.json',
        'package-lock.json',
        './dist/src',
        './dist/models',
        './wasm/build/isoscope.wasm',
        './bin',
        './models',
      ]);
      for (const [from, to] of copies) {
        expect(existsSync(join(REPO, from)), `${from} (run npm run build first)`).toBe(true);
        mkdirSync(dirname(join(app, to)), { recursive: true });
        cpSync(join(REPO, from), join(app, to), { recursive: true });
      }
      await promisify(execFile)('sh', ['-c', INSTALL], { cwd: app, env: process.env, timeout: 280_000 });
      for (const dev of ['typescript', 'assemblyscript', 'vitest', 'eslint'])
        expect(existsSync(join(app, 'node_modules', dev))).toBe(false);
      expect(existsSync(join(app, 'node_modules', 'fastify'))).toBe(true);

      const serve = await startServe(['--model', 'models/fd001-baseline.json'], { ISOSCOPE_API_KEY: 'image-test' }, app);
      const fd001 = loadFd001('test_FD001.txt');
      const r = await post(
        `${serve.url}/predict`,
        [0, 1, 2].map((i) => readingOf(fd001, i)),
        { authorization: 'Bearer image-test' },
      );
      expect(r.status).toBe(200);
      expect(r.json).toHaveLength(3);
      for (const x of r.json) expect(Number.isFinite(x.anomaly_score)).toBe(true);
      expect(await serve.stop()).toBe(0);

      const hub = new EventHubServer({ hub: 'readings', store: new HubStore(2) });
      await hub.start();
      try {
        const producer = new EventHubProducerClient(hub.connectionString());
        expect(await publishDataset(producer, fd001, { rate: 0, limit: 20 })).toBe(20);
        await producer.close();
        const consume = await startConsume(
          ['--model', 'models/fd001-baseline.json'],
          { EVENTHUB_CONNECTION_STRING: hub.connectionString() },
          app,
        );
        const scored = async () => /^iot_anomaly_predictions_total\{service="consume"\} 20$/m.test(await consume.metrics());
        await until(scored, 60_000, 'consume (installed without dev tools) to score the 20 readings');
        expect(await consume.stop()).toBe(0);
        expect(consume.stderr()).toMatch(/isoscope consume: stopped; 20 readings scored/);
      } finally {
        await hub.stop();
      }
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  }, 300_000);
});
