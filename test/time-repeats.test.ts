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
      "timestamp repeats 240 time(s) within a unit, first at data row 3 (unit 1): 67% of readings share a time with their unit's reading before them, so one id may name several machines (the same machine number at several sites?). A unit column must tell the machines apart by itself: if it takes two columns (site and machine), join them into one column in the file",
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

  test('one series is left to the mixed-series note; rows without a unit id are no unit; a sample gets no row numbers', () => {
    const one = csvDataset(
      sites()
        .replace(/,(North|South|East),\d,/g, ',$1,')
        .replace('Site,Machine', 'Info'),
      'merged.csv',
    );
    expect(timeRepeatsNote(one)).toBeUndefined();
    // Empty ids at one time: not "within a unit", and never "(unit undefined)".
    const unitless = ['machine_id,time,temp', 'A,1,3', 'A,2,4', ',5,1', ',5,2', 'B,1,3', 'B,2,5'].join('\n');
    expect(timeRepeatsNote(csvDataset(unitless))).toBeUndefined();
    expect(timeRepeatsNote(csvDataset(sites()), { rows: false })).toMatch(
      /^timestamp repeats 240 time\(s\) within a unit: 67% of readings/,
    );
  });

  test('one machine logged faster than its clock writes times: the note says so, not "several sites"', () => {
    const lines = ['timestamp,pump_id,Flow'];
    for (let i = 0; i < 100; i++)
      lines.push(`${new Date(Date.UTC(2024, 2, 1, 0, 0, Math.floor(i / 10))).toISOString()},P1,${(i % 7) / 10}`);
    expect(timeRepeatsNote(csvDataset(lines.join('\n')))).toBe(
      'timestamp repeats 90 time(s) within a unit, first at data row 2 (unit P1): 90% of readings share a time with the reading before them: the readings come faster than the times are written (a clock in whole seconds?), or the unit holds several machines',
    );
  });
});
