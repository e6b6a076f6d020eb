// The inputs fingerprint tells in-sample data by content (evaluate). The page's engine
// keeps readings as compact codes; the CLI reads Float64, whole or in pieces. All must give
// one value, and fingerprinting compact columns must not leave decoded copies behind.
import { describe, expect, test } from 'vitest';
import { loadFd001 } from './helpers.js';
import { InputsFingerprint, fingerprintKind, inputsFingerprint, isTrainingData } from '../src/model/inputs-fingerprint.js';
import type { ModelJson } from '../src/model/types.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompactColumn, compactColumn, readView, selectRows } from '../src/data/compact-columns.js';
import type { Dataset } from '../src/data/dataset.js';

const inputs = ['sensor_2', 'sensor_7', 'sensor_11', 'sensor_21'];

/** FD001 four times over (82,524 rows): more than one 64K-row chunk. */
function fourTimes(): Dataset {
  const ds = loadFd001();
  return {
    ...ds,
    rows: ds.rows * 4,
    columns: ds.columns.map((c) => {
      const values = new Float64Array(ds.rows * 4);
      for (let k = 0; k < 4; k++) values.set(c.values, k * ds.rows);
      return { ...c, values };
    }),
  };
}

describe('inputs fingerprint', () => {
  const ds = fourTimes();
  const plain = inputsFingerprint(ds, inputs);

  test('compact columns, as the engine worker holds them, give the Float64 columns’ fingerprint and keep no decoded copy', () => {
    const compact: Dataset = { ...ds, columns: ds.columns.map(compactColumn) };
    const view = readView(compact);
    expect(view.columns.filter((c) => c instanceof CompactColumn).length).toBeGreaterThan(20);
    expect(inputsFingerprint(view, inputs)).toBe(plain);
    // A decoded copy would stay with the view through a whole training (670 MB at 6M rows).
    for (const c of view.columns) expect((c as unknown as { decoded?: Float64Array }).decoded).toBeUndefined();
  });

  test('pieces of a streamed read, cut anywhere, give the whole file’s fingerprint', () => {
    const f = new InputsFingerprint(inputs);
    const cuts = [0, 1, 65_537, 70_000, ds.rows];
    for (let k = 0; k + 1 < cuts.length; k++) {
      const rows = Int32Array.from({ length: cuts[k + 1] - cuts[k] }, (_, i) => cuts[k] + i);
      f.add(selectRows(ds, ds.columns, rows));
    }
    expect(f.digest()).toBe(plain);
  });

  test('one value changed past the first chunk, a missing input, or another row count gives another fingerprint', () => {
    const changed = { ...ds, columns: ds.columns.map((c) => (c.name === 'sensor_11' ? { ...c, values: c.values.slice() } : c)) };
    changed.columns.find((c) => c.name === 'sensor_11')!.values[80_000] += 0.01;
    expect(inputsFingerprint(changed, inputs)).not.toBe(plain);
    expect(inputsFingerprint(ds, [...inputs, 'no_such_column'])).not.toBe(plain);
    expect(inputsFingerprint({ ...ds, rows: ds.rows - 1 }, inputs)).not.toBe(plain);
    expect(plain).toMatch(/^rows:82524:set:[0-9a-f]{16}$/);
  });

  test('the same rows in another order (sorted by time, or shuffled) give the same fingerprint; two values swapped between rows do not', () => {
    const n = ds.rows;
    const order = Int32Array.from({ length: n }, (_, i) => i);
    // A fixed shuffle (xorshift), so the test reads the same every run.
    let s = 12345;
    for (let i = n - 1; i > 0; i--) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const j = (s >>> 0) % (i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const shuffled = selectRows(ds, ds.columns, order);
    expect(inputsFingerprint(shuffled, inputs)).toBe(plain);
    // Order-bound, as models trained before recorded it: another order is other data.
    expect(inputsFingerprint(shuffled, inputs, 'ordered')).not.toBe(inputsFingerprint(ds, inputs, 'ordered'));
    const swapped = { ...ds, columns: ds.columns.map((c) => (c.name === 'sensor_7' ? { ...c, values: c.values.slice() } : c)) };
    const s7 = swapped.columns.find((c) => c.name === 'sensor_7')!.values;
    const a = s7.findIndex((v) => v !== s7[0]);
    [s7[0], s7[a]] = [s7[a], s7[0]];
    expect(inputsFingerprint(swapped, inputs)).not.toBe(plain);
  });

  test('a model trained before records the order-bound fingerprint, and its training file is still told in sample by it', () => {
    const shipped = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'models', 'fd001-baseline.json'), 'utf8')) as ModelJson;
    const fd001 = loadFd001();
    const by = (kind: 'set' | 'ordered') => inputsFingerprint(fd001, shipped.recipe?.inputs ?? shipped.features, kind);
    // As the releases before this one wrote it: rows:N: and 16 hex digits, made in file order.
    const before = { ...shipped, training: { ...shipped.training, inputsFingerprint: by('ordered') } };
    expect(before.training.inputsFingerprint).toMatch(/^rows:20631:[0-9a-f]{16}$/);
    expect(fingerprintKind(before.training.inputsFingerprint)).toBe('ordered');
    expect(isTrainingData(before, { name: 'copy.txt', rows: fd001.rows }, by)).toBe(true);
    const now = { ...shipped, training: { ...shipped.training, inputsFingerprint: by('set') } };
    expect(fingerprintKind(now.training.inputsFingerprint)).toBe('set');
    expect(isTrainingData(now, { name: 'copy.txt', rows: fd001.rows }, by)).toBe(true);
    expect(isTrainingData(before, { name: 'copy.txt', rows: fd001.rows }, () => by('set'))).toBe(false);
  });
});
