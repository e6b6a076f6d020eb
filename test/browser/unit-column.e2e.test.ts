// The unit column picked on the page, in Chromium: a plant export whose machine column
// ("Standort") isoscope does not read by its name loads as one series; a model trained with
// `isoscope train --unit-column Standort` reads it by that column when imported (the scores the
// CLI gives); the user's pick re-reads the file (one series, or by Standort), the model trained
// then records it, and a reload reads the file by it again. A C-MAPSS file offers no pick.
import { beforeAll, describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { hasChromium, useWorkbench } from './harness.js';

const w = useWorkbench();
const { statusText, wb, dropText } = w;
let page: Page;
beforeAll(() => {
  page = w.page;
});

const REPO = join(import.meta.dirname, '..', '..');
const CLI = join(REPO, 'bin', 'isoscope.js');

/** Three machines side by side, a reading a minute each; A3 runs hot over its last 60 minutes. */
function plantCsv(): string {
  const lines = ['Zeit,Standort,Temperatur,Druck,Modus'];
  for (let i = 0; i < 300; i++) {
    const at = new Date(Date.UTC(2024, 4, 1, 6, i)).toISOString();
    for (const [k, id] of ['A1', 'A2', 'A3'].entries()) {
      const hot = id === 'A3' && i >= 240 ? (i - 240) * 0.25 : 0;
      const temp = 60 + k * 8 + Math.sin(i / 7 + k) + 0.4 * Math.sin(i * 1.9 + k) + hot;
      const press = 2 + k * 0.5 + 0.05 * Math.cos(i / 5 + k) + 0.02 * Math.sin(i * 2.7);
      lines.push(`${at},${id},${temp.toFixed(3)},${press.toFixed(4)},${(i >> 6) % 2}`);
    }
  }
  return lines.join('\n');
}

const picker = () => page.locator('#unit-column');
const pickerText = () => picker().evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent ?? '');
const units = () => wb<number>('wb.profile.units');
const wholeSeries = () => wb<boolean>('!!wb.data.wholeSeries');
const pageScores = () => wb<(number | null)[]>('Array.from(wb.scores, (s) => (Number.isNaN(s) ? null : s))');

function cliScores(dir: string, file: string, model: string): (number | null)[] {
  execFileSync('node', [CLI, 'score', join(dir, file), '--model', join(dir, model), '-o', join(dir, 'scores.csv')]);
  const lines = readFileSync(join(dir, 'scores.csv'), 'utf8').trim().split('\n');
  const at = lines[0].split(',').indexOf('score');
  return lines.slice(1).map((l) => (l.split(',')[at] === '' ? null : Number(l.split(',')[at])));
}

describe.skipIf(!hasChromium)('the unit column picked on the page', () => {
  test('a model trained with --unit-column reads the file by it; a pick re-reads the file, is recorded by training, and outlives a reload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isoscope-unit-column-'));
    const csv = plantCsv();
    writeFileSync(join(dir, 'plant.csv'), csv);
    await dropText('plant.csv', csv);
    await expect.poll(statusText, { timeout: 30_000 }).toMatch(/^Loaded plant\.csv: 900 rows, one series \(no unit column\)/);
    expect(await page.locator('.notes').textContent()).toContain('Standort holds text');
    await expect.poll(pickerText).toBe('None found: one series');
    const offered = await picker().locator('option').allTextContents();
    // Text first, then numbers with few values; never the time column, nor readings with many values.
    expect(offered).toEqual(['None found: one series', 'Standort', 'Modus']);

    // The CLI's model, trained by Standort, imported: the file is read again by its column, and scored as the CLI scores it.
    execFileSync('node', [CLI, 'train', join(dir, 'plant.csv'), '--unit-column', 'Standort', '--seed', '7', '-o', join(dir, 'cli.json')]);
    await page.locator('#model-input').setInputFiles(join(dir, 'cli.json'));
    await expect.poll(() => statusText('train'), { timeout: 60_000 }).toMatch(/^Imported model/);
    expect(await units()).toBe(3);
    await expect.poll(pickerText).toBe('Standort (as the model reads it)');
    expect(await wb('wb.data.unitColumn')).toEqual({ name: 'Standort', required: false });
    // What the import said of the one series it met went with that series; read again by Standort, the import is plain news.
    expect(await statusText('train')).toMatch(/^Imported model iso-\S+ from cli\.json\.$/);
    const imported = await pageScores();
    expect(imported).toEqual(cliScores(dir, 'plant.csv', 'cli.json'));
    expect(imported.filter((s) => s !== null).length).toBeGreaterThan(800);
    expect(await statusText()).toMatch(
      /^Loaded plant\.csv: 900 rows, 3 units\. Its units are told apart by Standort, as the model records\./,
    );
    expect(await statusText()).not.toMatch(/then train \(step 3\)/);

    // The user's pick wins over the model's column: one series, with the model kept.
    await picker().selectOption({ label: 'None: one series' });
    await expect.poll(wholeSeries, { timeout: 30_000 }).toBe(true);
    expect(await wb('wb.data.unitColumn')).toEqual({ name: null, required: true });
    await expect.poll(pickerText).toBe('None: one series');
    expect(await wb<string>('wb.model.keys.unit')).toBe('Standort');
    // Scored, but not as the model tells machines apart: said where the data was loaded.
    await expect
      .poll(statusText)
      .toMatch(
        /Scored with model iso-\S+ \(trained on plant\.csv\)\. Model iso-\S+ tells machines apart by Standort, but this data is read as one series, so all its machines' readings are scored as one machine's\./,
      );

    // Picked by name: three machines, and a model trained now records the column.
    await picker().selectOption('Standort');
    await expect.poll(units, { timeout: 30_000 }).toBe(3);
    expect(await wholeSeries()).toBe(false);
    const board = () =>
      page
        .getByRole('listbox', { name: /^Units/ })
        .getByRole('option')
        .evaluateAll((rows) => rows.map((r) => r.querySelector('.c-unit > span:last-child')?.textContent).sort());
    await expect.poll(board).toEqual(['A1', 'A2', 'A3']);
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(() => statusText('train'), { timeout: 60_000 }).toMatch(/^Trained on/);
    expect(await wb<string>('wb.model.keys.unit')).toBe('Standort');
    writeFileSync(join(dir, 'page.json'), await wb<string>('wb.modelJson()'));
    const trained = await pageScores();
    // The CLI reads the file by the model's recorded column without being told.
    expect(trained).toEqual(cliScores(dir, 'plant.csv', 'page.json'));

    // A reload reads the saved file by the picked column again.
    await wb('wb.session.saveSoon()');
    await page.waitForTimeout(600);
    await page.reload();
    await expect.poll(statusText, { timeout: 60_000 }).toMatch(/Restored your last session/);
    expect(await units()).toBe(3);
    expect(await picker().inputValue()).toBe('Standort');
    expect(await wb('wb.data.unitColumn')).toEqual({ name: 'Standort', required: true });
    expect(await pageScores()).toEqual(trained);
    // Several loads, a training and a reload, each with its own wait: their sum under load can pass the 60 s default.
  }, 180_000);

  test('a model chosen just before the data reads it by its unit column; a model the data cannot feed leaves the data as it was read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isoscope-unit-column-'));
    const csv = plantCsv();
    writeFileSync(join(dir, 'plant.csv'), csv);
    // The same plant with one more sensor: a model trained on it needs a column plant.csv lacks.
    const wider = csv.split('\n').map((l, i) => `${l},${i === 0 ? 'Strom' : (10 + (i % 7) * 0.1).toFixed(2)}`);
    writeFileSync(join(dir, 'wider.csv'), wider.join('\n'));
    for (const [file, out] of [
      ['plant.csv', 'cli.json'],
      ['wider.csv', 'wider.json'],
    ])
      execFileSync('node', [CLI, 'train', join(dir, file), '--unit-column', 'Standort', '--seed', '7', '-o', join(dir, out)]);
    const fresh = async () => {
      await wb('wb.session.clear()');
      await page.reload();
      await page.waitForFunction(() => (window as unknown as { isoscope?: { workers?: unknown } }).isoscope?.workers);
    };

    // The model file chosen, and the data dropped while the model is still being checked.
    await fresh();
    await page.locator('#model-input').setInputFiles(join(dir, 'cli.json'));
    await dropText('plant.csv', csv);
    await expect.poll(() => statusText('train'), { timeout: 60_000 }).toMatch(/^Imported model/);
    // When the model's check ends after the data arrived, the data is read again by its column once imported.
    await expect.poll(units, { timeout: 30_000 }).toBe(3);
    await expect.poll(() => wb<string>('wb.busy')).toBe('');
    expect(await wb('wb.data.unitColumn')).toEqual({ name: 'Standort', required: false });
    await expect.poll(pickerText).toBe('Standort (as the model reads it)');
    expect(await pageScores()).toEqual(cliScores(dir, 'plant.csv', 'cli.json'));

    // Read by name (one series), then a model that needs a column the file lacks: refused, and the data stays one series.
    await fresh();
    await dropText('plant.csv', csv);
    await expect.poll(statusText, { timeout: 30_000 }).toMatch(/^Loaded plant\.csv: 900 rows, one series/);
    await page.locator('#model-input').setInputFiles(join(dir, 'wider.json'));
    await expect
      .poll(() => page.locator('[data-scope="train"] .error').textContent(), { timeout: 30_000 })
      .toMatch(/^Could not import wider\.json: .*Strom/);
    expect(await wholeSeries()).toBe(true);
    expect(await wb('wb.data.unitColumn ?? null')).toBe(null);

    // A model kept but unable to score the data loaded stays so through a reload, and scores the next data that has its columns.
    const widerCsv = wider.join('\n');
    await dropText('wider.csv', widerCsv);
    await expect.poll(statusText, { timeout: 30_000 }).toMatch(/^Loaded wider\.csv: 900 rows, one series/);
    await page.locator('#model-input').setInputFiles(join(dir, 'wider.json'));
    await expect.poll(() => statusText('train'), { timeout: 60_000 }).toMatch(/^Imported model/);
    expect(await units()).toBe(3);
    const widerId = await wb<string>('wb.model.id');
    await dropText('plant.csv', csv);
    await expect
      .poll(statusText, { timeout: 30_000 })
      .toMatch(new RegExp(`Model ${widerId} is kept but cannot score it: it has no column “Strom”`));
    // Saved with the files, without a further change: a reload finds the model kept.
    await page.waitForTimeout(800);
    await page.reload();
    await expect
      .poll(statusText, { timeout: 60_000 })
      .toMatch(
        new RegExp(
          `^Restored your last session \\(saved .*\\)\\. Model ${widerId} is kept but cannot score this data: it has no column “Strom”\\.$`,
        ),
      );
    expect(await wb<string>('wb.model.id')).toBe(widerId);
    expect(await wb<boolean>('wb.scores === undefined')).toBe(true);
    await dropText('wider.csv', widerCsv);
    await expect.poll(statusText, { timeout: 30_000 }).toMatch(new RegExp(`^Loaded wider\\.csv: .*Scored with model ${widerId}`));
    expect(await pageScores()).toEqual(cliScores(dir, 'wider.csv', 'wider.json'));
    // Seven loads, two CLI trainings and a reload, each given its own wait above: under the full suite's load
    // their sum can pass vitest's 60 s default while every step is within its own.
  }, 180_000);

  test('a C-MAPSS file offers no unit column to pick: its unit is unit_number', async () => {
    await page.getByRole('button', { name: 'Load sample' }).click();
    await expect.poll(statusText, { timeout: 30_000 }).toMatch(/^Loaded train_FD001\.txt/);
    expect(await page.locator('.unit-column').isHidden()).toBe(true);
  });

  test('the quality table flags an empty column and calls a reading left out a reading, not a feature', async () => {
    const lines = ['t,temp,press,spare,mode,rare'];
    for (let i = 0; i < 200; i++)
      lines.push(`${i},${(60 + Math.sin(i / 5)).toFixed(3)},${(2 + 0.1 * Math.cos(i / 3)).toFixed(3)},,1,${i % 50 ? '' : i / 50}`);
    await dropText('quality.csv', lines.join('\n'));
    await expect.poll(statusText, { timeout: 30_000 }).toMatch(/^Loaded quality\.csv/);
    const row = (name: string) =>
      page.evaluate((n) => {
        const tr = [...document.querySelectorAll('#quality tbody tr')].find((r) => r.querySelector('th')?.textContent?.startsWith(n));
        const cells = [...(tr?.querySelectorAll('td') ?? [])].map((td) => td.textContent);
        return { role: cells[1], flags: cells[9], why: cells[10] };
      }, name);
    // An empty column had no flag, and a column left out read "feature" beside an unticked box.
    expect(await row('spare')).toMatchObject({ role: 'reading', flags: 'empty' });
    expect(await row('mode')).toEqual({ role: 'reading', flags: 'constant', why: 'constant (always 1)' });
    expect(await row('rare')).toMatchObject({ role: 'reading', flags: 'mostly missing' });
    expect(await row('temp')).toEqual({ role: 'feature', flags: '–', why: 'varying sensor' });
    await page.getByRole('checkbox', { name: 'Use temp as a feature' }).uncheck({ force: true });
    await expect.poll(() => row('temp')).toEqual({ role: 'reading', flags: '–', why: 'varying sensor; left out here (tick to use it)' });
    // A constant column ticked back is used, and the table says it is against the profile's advice.
    await page.getByRole('checkbox', { name: 'Use mode as a feature' }).check({ force: true });
    await expect
      .poll(() => row('mode'))
      .toEqual({ role: 'feature', flags: 'constant', why: 'constant (always 1); used as a feature here all the same' });
  });
});
