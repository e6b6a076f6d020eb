// Screenshots of the page compared with committed references (test/browser/reference/).
// A reference is refreshed with UPDATE_REFERENCES=1. The tolerance lets font
// anti-aliasing noise pass (pixelmatch skips anti-aliased pixels, and a few stray
// pixels are allowed) while a moved or resized panel, which shifts thousands of
// pixels or the page's size, fails.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import type { Locator, Page } from 'playwright-core';

export const REFERENCES = join(import.meta.dirname, 'reference');
const RESULTS = join(import.meta.dirname, '..', '..', 'test-results', 'visual');
export const updating = process.env.UPDATE_REFERENCES === '1';

/** Per-pixel colour distance (0–1) below which pixels count as equal. */
const PIXEL_THRESHOLD = 0.1;
/** Share of differing pixels allowed: 0.05% (about 500 pixels of a 1280×800 screen). */
const MAX_DIFF_SHARE = 0.0005;

export interface VisualResult {
  name: string;
  /** Differing pixels, or -1 when the sizes differ. */
  diff: number;
  allowed: number;
  updated: boolean;
}

/**
 * A full-page screenshot of the page as it is now, with `mask` painted over content that
 * changes from run to run (timings, latencies), compared with reference/<name>.png.
 */
export async function compareWithReference(page: Page, name: string, mask: Locator[] = []): Promise<VisualResult> {
  await page.mouse.move(0, 0);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  // The top bar is sticky: scrolled, a full-page shot draws it over the page wherever the view was.
  await page.evaluate(() => window.scrollTo(0, 0));
  const shot = await page.screenshot({ fullPage: true, animations: 'disabled', caret: 'hide', mask, maskColor: '#ff00ff' });
  const file = join(REFERENCES, `${name}.png`);
  if (updating || !existsSync(file)) {
    mkdirSync(REFERENCES, { recursive: true });
    writeFileSync(file, shot);
    return { name, diff: 0, allowed: 0, updated: true };
  }
  const actual = PNG.sync.read(shot);
  const expected = PNG.sync.read(readFileSync(file));
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, `${name}.actual.png`), shot);
  const allowed = Math.round(expected.width * expected.height * MAX_DIFF_SHARE);
  if (actual.width !== expected.width || actual.height !== expected.height) return { name, diff: -1, allowed, updated: false };
  const out = new PNG({ width: expected.width, height: expected.height });
  const diff = pixelmatch(expected.data, actual.data, out.data, expected.width, expected.height, { threshold: PIXEL_THRESHOLD });
  if (diff > allowed) writeFileSync(join(RESULTS, `${name}.diff.png`), PNG.sync.write(out));
  return { name, diff, allowed, updated: false };
}
