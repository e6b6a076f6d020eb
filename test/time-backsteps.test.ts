// A plant export with a day dated a month off: the profile says where its times go back within a
// unit, and the unit's chart gets its readings in time order (the chart drew them in file order,
// back and forth, shaded in alarm from end to end).
import { describe, expect, test } from 'vitest';
import { readFile } from 'node:fs/promises';
import { csvDataset } from './helpers.js';
import { timeBackstepsNote } from '../src/data/time-backsteps.js';
import { withTimeAxis } from '../src/data/time-axis.js';
import { profileDataset } from '../src/data/profile.js';
import { EngineService } from '../src/services/engine-service.js';
import { wasmPath } from '../src/engine/node-engine.js';
import { columnByRole } from '../src/data/dataset.js';

/** Two machines, a reading an hour each; K2's first 24 readings are dated a month late. */
function plant(misdated: boolean): string {
  const lines = ['Zeit,machine,Temperatur'];
  for (const id of ['K1', 'K2'])
    for (let i = 0; i < 120; i++) {
      const late = misdated && id === 'K2' && i < 24 ? 31 * 24 : 0;
      const at = new Date(Date.UTC(2024, 2, 1, i + late)).toISOString();
      lines.push(`${at},${id},${(60 + Math.sin(i / 5)).toFixed(3)}`);
    }
  return lines.join('\n');
}

describe('times that go back within a unit', () => {
  test('are counted and the first named, with its unit; a file in order, or several machines in one series, gets no such note', () => {
    const ds = csvDataset(plant(true), 'kompressoren.csv');
    expect(timeBackstepsNote(ds)).toBe(
      "Zeit goes back 1 time(s) within a unit, first at data row 145 (unit K2): each unit's readings are taken in time order, not the file's, so check those dates if the file's order is the true one",
    );
    expect(withTimeAxis(profileDataset(ds), ds) && ds.notes.some((n) => n.startsWith('Zeit goes back'))).toBe(true);
    expect(timeBackstepsNote(csvDataset(plant(false)))).toBeUndefined();
    // One series whose times start over at each machine: the mixed-series note alone.
    const oneSeries = csvDataset(plant(false).replace(/,K\d,/g, ',x,').replace('machine', 'Info'), 'merged.csv');
    withTimeAxis(profileDataset(oneSeries), oneSeries);
    expect(oneSeries.notes.filter((n) => /goes back|starts over/.test(n))).toEqual([expect.stringMatching(/^Zeit starts over 1 time/)]);
  });

  test('every unit starting over where it began (sites one after another under the same machine numbers) is called a key, not misdated days', () => {
    const lines = ['timestamp,Site,Machine,Temp'];
    for (const site of ['North', 'South', 'East'])
      for (const m of [1, 2])
        for (let i = 0; i < 60; i++) lines.push(`${new Date(Date.UTC(2024, 2, 1, 0, i)).toISOString()},${site},${m},${20 + (i % 5) / 10}`);
    expect(timeBackstepsNote(csvDataset(lines.join('\n')))).toBe(
      "timestamp goes back 4 time(s) within a unit, first at data row 121 (unit 1): each time back to where the unit's readings began, so one id may name several machines (the same machine number at several sites?). A unit column must tell the machines apart by itself: if it takes two columns (site and machine), join them into one column in the file",
    );
    // A row without a unit id is no unit's: never "(unit undefined)".
    const unitless = ['machine_id,time,temp', 'A,1,3', 'A,2,4', ',5,1', ',4,2', 'B,1,3', 'B,2,5'].join('\n');
    expect(timeBackstepsNote(csvDataset(unitless))).toBeUndefined();
  });

  test("the unit's series comes in time order, each reading's row with it", async () => {
    const svc = new EngineService();
    await svc.init(await readFile(wasmPath('release')));
    const ds = csvDataset(plant(true), 'kompressoren.csv');
    const time = columnByRole(ds, 'time')!.values.slice();
    const k2 = columnByRole(ds, 'unit')!.labels!.indexOf('K2') + 1;
    svc.setDataset(ds);
    const s = svc.unitSeries(k2, ['Temperatur']);
    expect(s.rows.length).toBe(120);
    for (let i = 1; i < s.time.length; i++) expect(s.time[i]).toBeGreaterThan(s.time[i - 1]);
    s.rows.forEach((r, i) => expect(s.time[i]).toBe(time[r]));
    expect(s.rows[0]).toBe(120 + 24); // K2's first reading in time is its 25th in the file
  });
});
