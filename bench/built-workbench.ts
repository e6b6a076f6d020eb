// The built workbench served by Vite's preview server and a headless Debian Chromium, as
// the browser benches use it (the tests use the dev server instead: test/browser/harness.ts).
import { join } from 'node:path';
import { build, preview } from 'vite';
import { chromium, type Browser } from 'playwright-core';
import { packageRoot } from '../src/engine/node-engine.js';

export interface BuiltWorkbench {
  url: string;
  browser: Browser;
  close: () => Promise<void>;
}

export async function startBuiltWorkbench(): Promise<BuiltWorkbench> {
  const root = packageRoot();
  const outDir = join(root, 'dist-web');
  await build({ root, logLevel: 'error', build: { outDir } });
  const server = await preview({ root, logLevel: 'error', preview: { port: 0, host: '127.0.0.1' }, build: { outDir } });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  return {
    url: server.resolvedUrls!.local[0],
    browser,
    close: async () => {
      await browser.close();
      await new Promise<void>((done) => server.httpServer.close(() => done()));
    },
  };
}
