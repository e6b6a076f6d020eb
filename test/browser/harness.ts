// Real Chromium (Debian's /usr/bin/chromium) driven by playwright-core against the real
// Vite dev server on a free loopback port.
import { existsSync } from 'node:fs';
import { createServer, type ViteDevServer } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export interface Harness {
  server: ViteDevServer;
  browser: Browser;
  url: string;
  newPage(width?: number, height?: number): Promise<Page>;
  close(): Promise<void>;
}

/** extraArgs: e.g. --ignore-certificate-errors for the local hub's self-signed WSS certificate (tests only). */
export async function startHarness(extraArgs: string[] = []): Promise<Harness> {
  const server = await createServer({
    configFile: new URL('../../vite.config.ts', import.meta.url).pathname,
    logLevel: 'error',
    server: { port: 0, host: '127.0.0.1', hmr: false },
  });
  await server.listen();
  const address = server.httpServer!.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      ...extraArgs,
    ],
  });
  const url = `http://127.0.0.1:${port}/`;
  return {
    server,
    browser,
    url,
    async newPage(width = 1280, height = 800) {
      const page = await browser.newPage({ viewport: { width, height }, acceptDownloads: true });
      page.on('pageerror', (e) => console.error('pageerror:', e.message));
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
