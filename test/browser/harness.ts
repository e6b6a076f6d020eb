// Real Chromium (Debian's /usr/bin/chromium) driven by playwright-core against the real
// Vite dev server on a free loopback port.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
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

/** The workbench open in one page for a test file, with the reads its tests share. */
export class WorkbenchPage {
  harness?: Harness;
  page!: Page;

  /** A step's news line ('data', 'train', 'review', 'stream', …). */
  statusText = (scope = 'data'): Promise<string | null> => this.page.locator(`[data-scope="${scope}"] .status`).textContent();
  errorText = (scope = 'data'): Promise<string | null> => this.page.locator(`[data-scope="${scope}"] .error`).textContent();

  /** An expression over the page's workbench (window.isoscope as wb), evaluated in the page. */
  wb = <T>(expr: string): Promise<T> => this.page.evaluate<T>(`(() => { const wb = window.isoscope; return ${expr}; })()`);

  /** Drops a file made of `text` on the page, as a user drags one in. */
  dropText = (name: string, text: string): Promise<void> =>
    this.page.evaluate(
      ([n, t]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([t], n));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      [name, text],
    );
}

/** Opens the workbench before the file's tests (dev server, Chromium, the page with its workers ready) and closes it after. */
export function useWorkbench(width = 1280, height = 800): WorkbenchPage {
  const w = new WorkbenchPage();
  beforeAll(async () => {
    if (!hasChromium) return;
    w.harness = await startHarness();
    w.page = await w.harness.newPage(width, height);
    await w.page.goto(w.harness.url);
    await w.page.waitForFunction(() => (window as unknown as { isoscope?: { workers?: unknown } }).isoscope?.workers);
    await w.page.waitForLoadState('networkidle');
  }, 120_000);
  afterAll(async () => {
    await w.harness?.close();
  });
  return w;
}
