import { unitCandidates } from '../src/app/views/unit-column-picker.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { csvDataset } from './helpers.js';
import { mixedSeriesNote } from '../src/data/mixed-series.js';
import { profileDataset } from '../src/data/profile.js';
import type { Dataset } from '../src/data/dataset.js';

const note = (ds: Dataset) => mixedSeriesNote(ds, profileDataset(ds).columns);

/** Three machines under a header isoscope does not read as the unit, 40 readings each, a minute apart. */
function machines(order: 'grouped' | 'interleaved'): string {
  const rows = ['timestamp,Standort,temp'];
  const minute = (k: number) => `2024-03-01T${String(Math.floor(k / 60)).padStart(2, '0')}:${String(k % 60).padStart(2, '0')}:00Z`;
  if (order === 'grouped') for (let m = 0; m < 3; m++) for (let k = 0; k < 40; k++) rows.push(`${minute(k)},A${m},${20 + m + (k % 3)}`);
  else for (let k = 0; k < 40; k++) for (let m = 0; m < 3; m++) rows.push(`${minute(k)},A${m},${20 + m + (k % 3)}`);
  return rows.join('\n');
}

describe('one series that looks like several machines', () => {
  test('times that start over are named, with where and the text column that may tell the machines apart', () => {
    const n = note(csvDataset(machines('grouped')));
    expect(n).toContain('timestamp starts over 2 time(s) (first at data row 41)');
    expect(n).toContain(
      "name the column that tells them apart unit_id (Standort holds text and may be that column), or choose it as the unit column (the page's step 1; --unit-column in the CLI)",
    );
  });

  test('a machine word over numbers is named too (Turbine: 1…3)', () => {
    const numbered = machines('grouped')
      .replace('Standort', 'Turbine')
      .replace(/,A(\d),/g, ',$1,');
    expect(note(csvDataset(numbered))).toContain('(Turbine names a machine and may be that column)');
    // Not a default feature: a machine's number would be learnt as a reading (and named a top driver).
    const turbine = profileDataset(csvDataset(numbered)).columns.find((c) => c.name === 'Turbine')!;
    expect(turbine).toMatchObject({ role: 'feature', feature: false });
    expect(turbine.reason).toBe(
      'names a machine? (3 whole numbers): choose it as the unit column (step 1; --unit-column), or tick it if it is a reading',
    );
    // A wind park's WEA (Windenergieanlage) is a machine word too.
    const wea = profileDataset(csvDataset(numbered.replace('Turbine', 'WEA'))).columns.find((c) => c.name === 'WEA')!;
    expect(wea.feature).toBe(false);
    // Two values may be a state (a pump on or off): still a reading.
    const state = profileDataset(csvDataset(numbered.replace(/,2,/g, ',1,'))).columns.find((c) => c.name === 'Turbine')!;
    expect(state.feature).toBe(true);
    // Whole at both ends but with a fraction between (0, 1.5, 2): a reading, neither a machine's number nor offered as the unit column.
    const fraction = profileDataset(csvDataset(numbered.replace(/,1,/g, ',1.5,')));
    const reading = fraction.columns.find((c) => c.name === 'Turbine')!;
    expect(reading).toMatchObject({ min: 0, max: 2, whole: false, feature: true });
    expect(unitCandidates(fraction.columns, fraction.rows).numbers).not.toContain('Turbine');
    expect(unitCandidates(profileDataset(csvDataset(numbered)).columns, 120).numbers).toContain('Turbine');
  });

  test('times shared by readings side by side are named', () => {
    expect(note(csvDataset(machines('interleaved')))).toContain('67% of readings share their timestamp with the one before');
  });

  test('no note for one machine, a clock set back an hour, or a file whose unit column is read', () => {
    const one = ['timestamp,temp', ...Array.from({ length: 100 }, (_, k) => `${1000 + k * 60},${k % 7}`)];
    expect(note(csvDataset(one.join('\n')))).toBeUndefined();
    // Daylight saving's hour back, in a day of minutes, is not a start-over.
    const dst = ['time,temp', ...Array.from({ length: 1440 }, (_, k) => `${k < 600 ? k * 60 : (k - 60) * 60},${k % 7}`)];
    expect(note(csvDataset(dst.join('\n')))).toBeUndefined();
    expect(note(csvDataset(machines('grouped').replace('Standort', 'unit')))).toBeUndefined();
  });

  test('`isoscope profile` and `train` say it on a file, `train` before it trains', () => {
    const dir = mkdtempSync(join(tmpdir(), 'isoscope-mixed-'));
    writeFileSync(join(dir, 'anlagen.csv'), machines('grouped'));
    const bin = join(import.meta.dirname, '..', 'bin', 'isoscope.js');
    const profiled = execFileSync('node', [bin, 'profile', join(dir, 'anlagen.csv')]).toString();
    expect(profiled).toContain('note: timestamp starts over 2 time(s) (first at data row 41)');
    const trained = spawnSync('node', [bin, 'train', join(dir, 'anlagen.csv'), '-o', join(dir, 'm.json')], { encoding: 'utf8' });
    expect(trained.status).toBe(0);
    expect(trained.stderr.split('\n')[0]).toMatch(
      /^isoscope: warning: timestamp starts over 2 time\(s\) .*\(Standort holds text and may be that column\), or choose it as the unit column \(the page's step 1; --unit-column in the CLI\)$/,
    );
  });

  test('--unit-column names the machines: the model records it, score and evaluate read the file by it; a wrong name is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'isoscope-unit-column-'));
    const file = join(dir, 'anlagen.csv');
    writeFileSync(file, machines('grouped'));
    const bin = join(import.meta.dirname, '..', 'bin', 'isoscope.js');
    const cli = (...args: string[]) => spawnSync('node', [bin, ...args], { encoding: 'utf8' });
    expect(cli('profile', file, '--unit-column', 'Standort').stdout.split('\n')[0]).toBe('anlagen.csv: csv, 120 rows, 3 units, 3 columns');
    const trained = cli('train', file, '--unit-column', 'Standort', '-o', join(dir, 'm.json'));
    expect(trained.stderr).not.toContain('starts over');
    expect(JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')).keys).toEqual({ unit: 'Standort', time: 'timestamp' });
    // Told by the model: the same scores as with the flag, keyed by machine.
    expect(cli('score', file, '--model', join(dir, 'm.json'), '-o', join(dir, 'a.csv')).status).toBe(0);
    expect(cli('score', file, '--model', join(dir, 'm.json'), '--unit-column', 'Standort', '-o', join(dir, 'b.csv')).status).toBe(0);
    const scored = readFileSync(join(dir, 'a.csv'), 'utf8');
    expect(scored).toBe(readFileSync(join(dir, 'b.csv'), 'utf8'));
    expect(scored.split('\n')[0]).toBe('row,Standort,timestamp,score,decision,is_anomaly,alarm,anomaly_score');
    // Read otherwise than the model tells machines apart: said on stderr, by score and by evaluate.
    const id = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')).id as string;
    for (const command of ['score', 'evaluate']) {
      const asOne = cli(
        command,
        file,
        '--model',
        join(dir, 'm.json'),
        '--unit-column',
        'none',
        ...(command === 'score' ? ['-o', join(dir, 'c.csv')] : []),
      );
      expect(asOne.stderr).toContain(
        `isoscope: warning: model ${id} tells machines apart by Standort, but this data is read as one series, so all its machines' readings are scored as one machine's\n`,
      );
    }
    writeFileSync(join(dir, 'renamed.csv'), machines('grouped').replace('Standort', 'Ort'));
    expect(cli('score', join(dir, 'renamed.csv'), '--model', join(dir, 'm.json'), '-o', join(dir, 'd.csv')).stderr).toContain(
      `isoscope: warning: model ${id} tells machines apart by Standort, but this data has no column Standort, so all its readings are scored as one machine's\n`,
    );
    expect(cli('score', file, '--model', join(dir, 'm.json'), '-o', join(dir, 'e.csv')).stderr).not.toContain('tells machines apart');
    // And against it: one series, as the file would be read without a unit.
    expect(cli('profile', file, '--unit-column', 'none').stdout.split('\n')[0]).toBe(
      'anlagen.csv: csv, 120 rows, one series (no unit column), 3 columns',
    );
    const wrong = cli('profile', file, '--unit-column', 'Pumpe');
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toBe('isoscope: anlagen.csv: no column "Pumpe" to read as the unit (its columns: timestamp, Standort, temp)\n');
  });
});
