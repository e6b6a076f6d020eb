// Training from a file bigger than memory (issue 15, item 2): a streamed pass keeps a
// bounded, seeded sample of whole units. The sample must not depend on how the data was
// cut or in which order units arrived, must keep units whole, stay within its budget, and
// be the whole file when the file fits (then `train` gives the model a whole read gives).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { UnitSample } from '../src/data/unit-sample.js';
import { columnByRole, type Dataset } from '../src/data/dataset.js';
import { cmapssPath, lcg, loadFd001 } from './helpers.js';

const bin = join(import.meta.dirname, '..', 'bin', 'isoscope.js');

/** Rows [a, b) of a dataset as a piece. */
function slice(ds: Dataset, a: number, b: number): Dataset {
  return { ...ds, rows: b - a, columns: ds.columns.map((c) => ({ ...c, values: c.values.slice(a, b) })) };
}

function sampled(ds: Dataset, budget: number, pieceSizes: () => number, seed = 42): Dataset {
  const s = new UnitSample(budget, seed);
  for (let at = 0; at < ds.rows;) {
    const n = Math.min(ds.rows - at, pieceSizes());
    s.add(slice(ds, at, at + n));
    at += n;
  }
  return s.finish().ds;
}

/** The units a dataset holds, with their reading counts. */
function unitCounts(ds: Dataset): Map<number, number> {
  const m = new Map<number, number>();
  for (const u of columnByRole(ds, 'unit')!.values) m.set(u, (m.get(u) ?? 0) + 1);
  return m;
}

/** The same readings with whole units in another order. */
function unitsReordered(ds: Dataset, seed: number): Dataset {
  const unit = columnByRole(ds, 'unit')!.values;
  const order = [...new Set(unit)];
  const rnd = lcg(seed);
  order.sort(() => rnd() - 0.5);
  const rows = order.flatMap((u) => [...unit.keys()].filter((i) => unit[i] === u));
  return { ...ds, columns: ds.columns.map((c) => ({ ...c, values: Float64Array.from(rows, (r) => c.values[r]) })) };
}

describe('a seeded sample of whole units', () => {
  const fd001 = loadFd001();

  test('a file within the budget is kept whole, in its own order', () => {
    const ds = sampled(fd001, fd001.rows, () => 777);
    expect(ds.rows).toBe(fd001.rows);
    ds.columns.forEach((c, k) => expect(Array.from(c.values)).toEqual(Array.from(fd001.columns[k].values)));
  });

  test('over the budget: whole units, within the budget, the same whatever the pieces or the unit order', () => {
    const budget = 5_000;
    const rnd = lcg(7);
    const a = sampled(fd001, budget, () => 1 + Math.floor(rnd() * 3000));
    const b = sampled(fd001, budget, () => 20_631);
    const c = sampled(unitsReordered(fd001, 3), budget, () => 1 + Math.floor(rnd() * 500));
    const whole = unitCounts(fd001);
    const kept = unitCounts(a);
    expect(a.rows).toBeLessThanOrEqual(budget);
    // Filled close to the budget: no unit of FD001 is longer than 362 readings.
    expect(a.rows).toBeGreaterThan(budget - 400);
    for (const [u, n] of kept) expect(n).toBe(whole.get(u));
    expect([...unitCounts(b)]).toEqual([...kept]);
    expect([...unitCounts(c)].sort((x, y) => x[0] - y[0])).toEqual([...kept].sort((x, y) => x[0] - y[0]));
    // Each kept unit's readings are the file's, in the file's order.
    const unitA = columnByRole(a, 'unit')!.values;
    const first = unitA[0];
    const mine = [...columnByRole(fd001, 'unit')!.values.keys()].filter((i) => fd001.columns[0].values[i] === first);
    expect(Array.from(a.columns[5].values.filter((_, i) => unitA[i] === first))).toEqual(mine.map((i) => fd001.columns[5].values[i]));
  });

  test('another seed picks other units', () => {
    const one = [...unitCounts(sampled(fd001, 5_000, () => 4096, 1)).keys()];
    const two = [...unitCounts(sampled(fd001, 5_000, () => 4096, 2)).keys()];
    expect(one).not.toEqual(two);
  });

  test('one series longer than the budget keeps its first readings', () => {
    const series = { ...fd001, columns: fd001.columns.filter((c) => c.role !== 'unit') };
    const ds = sampled(series, 1_000, () => 333);
    expect(ds.rows).toBe(1_000);
    expect(Array.from(ds.columns[1].values)).toEqual(Array.from(series.columns[1].values.subarray(0, 1_000)));
  });
});

describe('isoscope train --sample-readings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'isoscope-sample-'));
  const train = (args: string[]) => spawnSync('node', [bin, 'train', cmapssPath('train_FD002.txt'), ...args], { encoding: 'utf8' });
  const model = (path: string) => {
    const m = JSON.parse(readFileSync(path, 'utf8'));
    delete m.createdAt;
    return m;
  };

  test('a budget the file fits in gives the model a whole read gives', () => {
    execFileSync('node', [bin, 'train', cmapssPath('train_FD002.txt'), '-o', join(dir, 'whole.json')], { stdio: 'pipe' });
    const r = train(['--sample-readings', '100000000', '-o', join(dir, 'streamed.json')]);
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/seeded sample|the file is one unit/);
    expect(model(join(dir, 'streamed.json'))).toEqual(model(join(dir, 'whole.json')));
  });

  test('a small budget trains on a sample, says so, records it, and is reproducible', () => {
    const r = train(['--sample-readings', '12000', '--seed', '9', '-o', join(dir, 's1.json')]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/holds 53,759 readings of 260 units; trained on a seeded sample of \d+ whole units \(1[01],\d{3} readings/);
    const m = model(join(dir, 's1.json'));
    expect(m.training.sample).toMatchObject({ ofRows: 53_759, ofUnits: 260, budget: 12_000 });
    expect(m.training.sample.rows).toBeLessThanOrEqual(12_000);
    train(['--sample-readings', '12000', '--seed', '9', '-o', join(dir, 's2.json')]);
    expect(model(join(dir, 's2.json'))).toEqual(m);
    // The model still scores the whole file.
    const scored = spawnSync(
      'node',
      [bin, 'score', cmapssPath('train_FD002.txt'), '--model', join(dir, 's1.json'), '-o', join(dir, 'out.csv')],
      {
        encoding: 'utf8',
      },
    );
    expect(scored.status).toBe(0);
    expect(readFileSync(join(dir, 'out.csv'), 'utf8').trim().split('\n')).toHaveLength(53_760);
  });

  test('a bad budget is a usage error', () => {
    writeFileSync(join(dir, 'x.txt'), '1 1 0 0 0 1\n');
    const r = train(['--sample-readings', '0', '-o', join(dir, 'bad.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--sample-readings must be a whole number >= 1/);
  });
});
