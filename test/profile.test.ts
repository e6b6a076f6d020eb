import { describe, expect, test } from 'vitest';
import { csvDataset, loadFd001 } from './helpers.js';
import { profileDataset } from '../src/data/profile.js';
import { baselineMask, parseBaseline } from '../src/data/baseline.js';
import { isBatchName } from '../src/data/roles.js';

describe('profile', () => {
  // Reference values computed independently with numpy (np.loadtxt; mean, std with ddof=0, np.unique).
  test('FD001 statistics match numpy', () => {
    const p = profileDataset(loadFd001());
    const col = (n: string) => p.columns.find((c) => c.name === n)!;
    const s2 = col('sensor_2');
    expect(s2.min).toBe(641.21);
    expect(s2.max).toBe(644.53);
    expect(s2.mean).toBeCloseTo(642.6809335466046, 9);
    expect(s2.std).toBeCloseTo(0.50004115093577, 9);
    expect(s2.distinct).toBe(310);
    expect(col('sensor_9').std).toBeCloseTo(22.082344331737623, 8);
    expect(col('sensor_9').distinct).toBe(6403);
    expect(col('op_setting_1').distinct).toBe(158);
    expect(col('sensor_5').constant).toBe(true);
    expect(col('sensor_6').nearConstant).toBe(true);
    expect(p.units).toBe(100);
  });

  test('default features exclude ids, time, settings, constants and ground truth, each with a reason', () => {
    const p = profileDataset(loadFd001());
    expect(p.defaultFeatures).toEqual([
      'sensor_2',
      'sensor_3',
      'sensor_4',
      'sensor_7',
      'sensor_8',
      'sensor_9',
      'sensor_11',
      'sensor_12',
      'sensor_13',
      'sensor_14',
      'sensor_15',
      'sensor_17',
      'sensor_20',
      'sensor_21',
    ]);
    const why = Object.fromEntries(p.columns.map((c) => [c.name, c.reason]));
    expect(why.unit_number).toMatch(/unit id/);
    expect(why.sensor_1).toMatch(/constant \(always 518.67\)/);
    expect(why.sensor_6).toMatch(/near-constant/);
    expect(why.rul).toMatch(/ground truth/);
  });

  test('flat-line runs are found within a unit, not across units', () => {
    const rows = ['unit,x'];
    for (let i = 0; i < 30; i++) rows.push(`1,${i < 25 ? 5 : i}`);
    for (let i = 0; i < 30; i++) rows.push(`2,${i}`);
    const p = profileDataset(csvDataset(rows.join('\n')));
    const x = p.columns.find((c) => c.name === 'x')!;
    expect(x.longestFlatRun).toBe(25);
    expect(x.flatLined).toBe(true);
    expect(x.longestFlatUnit).toBe(1);
  });

  test('a column that rises at every reading (a row number, a per-unit counter, a running total) is left out, with why', () => {
    const rows = [',machine,count,meter,temp,dip,holes'];
    for (let i = 0; i < 60; i++) {
      const unit = i < 30 ? 1 : 2;
      const k = i % 30;
      // count restarts per unit; meter rises by uneven steps; dip rises except once; holes rises but misses a cell.
      rows.push(
        `${i},${unit},${k},${(k * k * 0.37 + 5).toFixed(2)},${(20 + Math.sin(i)).toFixed(3)},${k === 15 ? 0 : k},${k === 9 ? '' : k}`,
      );
    }
    const p = profileDataset(csvDataset(rows.join('\n')));
    const col = (n: string) => p.columns.find((c) => c.name === n)!;
    for (const n of ['column_1', 'count', 'meter']) {
      expect([n, col(n).counter, col(n).feature]).toEqual([n, true, false]);
      expect(col(n).reason).toBe('rises at every reading: a row number, clock or running total, not a health signal');
    }
    for (const n of ['temp', 'dip', 'holes']) expect([n, col(n).counter, col(n).feature]).toEqual([n, false, true]);
    // Machines interleaved in time: a reading is rarely next to its own unit's last, so nothing is seen rising.
    const mixed = ['machine,temp,vib'];
    for (let i = 0; i < 90; i++) mixed.push(`${(i % 3) + 1},${(20 + Math.sin(i)).toFixed(3)},${(i * 0.01).toFixed(2)}`);
    const interleaved = profileDataset(csvDataset(mixed.join('\n')));
    expect(interleaved.columns.map((c) => [c.name, c.counter, c.feature])).toEqual([
      ['machine', false, false],
      ['temp', false, true],
      ['vib', false, true],
    ]);
    // Too short to tell a counter from a short rising stretch.
    const short = profileDataset(csvDataset(['x,y', ...Array.from({ length: 9 }, (_, i) => `${i},${i % 3}`)].join('\n')));
    expect(short.columns[0].counter).toBe(false);
  });

  test('readings that share a time in one series are pointed out on the time column (long format, or machines without a unit column)', () => {
    // Three machines' readings, one after another at each time, with no column to tell them apart.
    const rows = ['timestamp,temp,vib'];
    for (let i = 0; i < 30; i++)
      for (const m of [1, 2, 3]) rows.push(`2024-01-01T00:${String(i).padStart(2, '0')}:00Z,${20 + m + (i % 3)},${m}`);
    const time = profileDataset(csvDataset(rows.join('\n'))).columns.find((c) => c.role === 'time')!;
    expect(time.reason).toBe(
      'time axis; note up to 3 readings in a row share a time: several tags in one column, or machines without a unit column?',
    );
  });

  test('a batch, lot or order number (Charge, LotID, Auftrag_Nr) is no default feature; a reading under such a name with fractions is', () => {
    const rows = ['machine,time,Charge,LotID,Auftrag_Nr,Order,Temp'];
    for (const m of ['A', 'B'])
      for (let i = 0; i < 200; i++)
        rows.push(
          `${m},${i},${240117 + Math.floor(i / 50)},${7 + Math.floor(i / 20)},${4500 + (i % 3)},${(0.5 + (i % 7) / 10).toFixed(2)},${60 + (i % 9)}`,
        );
    const p = profileDataset(csvDataset(rows.join('\n')));
    const col = (n: string) => p.columns.find((c) => c.name === n)!;
    for (const n of ['Charge', 'LotID', 'Auftrag_Nr']) {
      expect(col(n).feature).toBe(false);
      expect(col(n).reason).toMatch(/numbers a batch, lot or order/);
    }
    expect(col('Order').feature).toBe(true);
    // A bare "Order" may be a vibration order or a sequence: only an order number is a batch.
    expect(['Order', 'order_no', 'OrderNr', 'Charge', 'serial'].map(isBatchName)).toEqual([false, true, true, true, false]);
    expect(col('Temp').feature).toBe(true);
    // A battery's state of charge under the same word: it has fractions, so it is a reading.
    const soc = rows.map((r, i) =>
      i === 0
        ? r
        : r
            .split(',')
            .map((cell, k) => (k === 2 ? `${(i % 80) + 0.5}` : cell))
            .join(','),
    );
    expect(profileDataset(csvDataset(soc.join('\n'))).columns.find((c) => c.name === 'Charge')!.feature).toBe(true);
  });

  test('values near ±1e308 that overflow the sums give no mean or spread, and are no default feature, with why', () => {
    const rows = ['unit,time,big,wide,flow'];
    for (let i = 0; i < 90; i++)
      rows.push(`${1 + (i % 3)},${i},${['1e308', '-1e308', '1.5e308'][i % 3]},${(i % 5) * 1e155},${10 + (i % 7) / 10}`);
    const p = profileDataset(csvDataset(rows.join('\n')));
    const col = (n: string) => p.columns.find((c) => c.name === n)!;
    expect([col('big').mean, col('big').std, col('big').max]).toEqual([NaN, NaN, 1.5e308]);
    expect(col('big').feature).toBe(false);
    expect(col('big').reason).toBe(
      'values as large as 1.5e+308 overflow float64 sums (no mean or spread): rescale the column (other units) to use it',
    );
    // Squares overflow first: a mean but no spread.
    expect(Number.isFinite(col('wide').mean) && Number.isNaN(col('wide').std)).toBe(true);
    expect(col('wide').feature).toBe(false);
    expect(col('flow').feature).toBe(true);
  });

  test('a sensor often blank is no default feature (its readings would go unscored), unless every sensor is', () => {
    const row = (k: number, blanks: (k: number) => boolean[]) =>
      [k, ...[10 + (k % 7), 20 + (k % 5), 30 + (k % 3)].map((v, i) => (blanks(k)[i] ? '' : String(v)))].join(',');
    const file = (blanks: (k: number) => boolean[]) =>
      ['t,a,b,c', ...Array.from({ length: 100 }, (_, k) => row(k, blanks))].join('\n') + '\n';
    // b is blank in 1 row of 10, c in 1 of 50: b goes, c stays.
    const some = profileDataset(csvDataset(file((k) => [false, k % 10 === 0, k % 50 === 0])));
    expect(some.defaultFeatures).toEqual(['a', 'c']);
    expect(some.columns.find((c) => c.name === 'b')!.reason).toBe(
      'often missing (10 of 100 cells, 10%): a reading that lacks it is not scored; tick it to use it anyway',
    );
    // Sensors logged in turns (each blank in a third of the rows): all stay, noted, or nothing could train.
    const turns = profileDataset(csvDataset(file((k) => [k % 3 === 0, k % 3 === 1, k % 3 === 2])));
    expect(turns.defaultFeatures).toEqual(['a', 'b', 'c']);
    expect(turns.columns.find((c) => c.name === 'a')!.reason).toBe(
      'sensor; note often missing (34 of 100 cells, 34%): a reading that lacks it is not scored',
    );
  });

  test('healthy baseline: first N cycles or first X% of each unit', () => {
    const ds = loadFd001();
    const first30 = baselineMask(ds, parseBaseline('first:30'));
    expect(first30.reduce((a, b) => a + b, 0)).toBe(3000);
    const half = baselineMask(ds, parseBaseline('first:50%'));
    expect(half.slice(0, 192).reduce((a, b) => a + b, 0)).toBe(96); // unit 1: 192 cycles
    expect(() => parseBaseline('first:abc')).toThrow(/not understood/);
    expect(() => parseBaseline('first:0%')).toThrow(/percent must be in/);
  });
});
