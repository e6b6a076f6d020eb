// A plant keyed by site and machine, read by the machine column alone: Machine 1 at three sites
// became one unit whose times repeat three at a time, and nothing said so.
import { describe, expect, test } from 'vitest';
import { csvDataset } from './helpers.js';
import { timeRepeatsNote } from '../src/data/time-repeats.js';
import { withTimeAxis } from '../src/data/time-axis.js';
import { profileDataset } from '../src/data/profile.js';

/** Machines 1–2 at three sites, a reading a minute, rows in time order; `repeatOnce` dates one reading like the one before it. */
function sites(opts: { siteInId?: boolean; repeatOnce?: boolean } = {}): string {
  const lines = ['timestamp,Site,Machine,Temp'];
  for (let i = 0; i < 60; i++)
    for (const site of ['North', 'South', 'East'])
      for (const m of [1, 2]) {
        const minute = opts.repeatOnce && site === 'North' && m === 1 && i === 30 ? 29 : i;
        const at = new Date(Date.UTC(2024, 2, 1, 0, minute)).toISOString();
        lines.push(`${at},${site},${opts.siteInId ? `${site}-${m}` : m},${(20 + ((i * 7 + m) % 5) / 10).toFixed(2)}`);
      }
  return lines.join('\n');
}

describe('times that repeat within a unit', () => {
  test('many: the note says one id may name several machines, with the share and where it starts; the profile carries it', () => {
    const ds = csvDataset(sites(), 'sites.csv');
    expect(timeRepeatsNote(ds)).toBe(
      "timestamp repeats 240 time(s) within a unit, first at data row 3 (unit 1): 67% of readings share a time with their unit's reading before them, so one id may name several machines (the same machine number at several sites?); give a unit column that tells them apart, or join the columns that do into one",
    );
    withTimeAxis(profileDataset(ds), ds);
    expect(ds.notes.filter((n) => n.startsWith('timestamp repeats'))).toHaveLength(1);
  });

  test('one: counted and placed, without the several-machines hint; a key that tells the machines apart gives no note', () => {
    const keyed = (text: string) => csvDataset(text.replace('Site,Machine', 'Site,machine'), 'sites.csv');
    expect(timeRepeatsNote(keyed(sites({ siteInId: true, repeatOnce: true })))).toBe(
      'timestamp repeats 1 time(s) within a unit, first at data row 181 (unit North-1): two readings at one time are taken in file order',
    );
    expect(timeRepeatsNote(keyed(sites({ siteInId: true })))).toBeUndefined();
  });

  test('one series holding several machines: says to give the column that tells them apart', () => {
    const one = csvDataset(
      sites()
        .replace(/,(North|South|East),\d,/g, ',$1,')
        .replace('Site,Machine', 'Info'),
      'merged.csv',
    );
    expect(timeRepeatsNote(one)).toMatch(
      /^timestamp repeats 300 time\(s\) within the series, .*give the column that tells them apart \(--unit-column/,
    );
  });
});
