// Results leave a worker by transfer, not by copy: every column buffer of a score plan
// (nested five levels deep) must be moved, or a helper's part of a 1 GB file is held
// twice while it crosses. Checked through a real MessageChannel over Comlink.
import { afterAll, expect, test } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { transferring } from '../src/services/transfer.js';
import { partColumns, type ScorePlan } from '../src/services/score-parts.js';
import { CompactColumn, compactColumn, portableToDataset, selectPortableRows } from '../src/data/compact-columns.js';
import type { Dataset } from '../src/data/dataset.js';
import { filledColumn } from './helpers.js';

const channel = new MessageChannel();
afterAll(() => {
  channel.port1.close();
  channel.port2.close();
});

test('a score plan crosses by transfer: its row lists and every column of every piece are moved, not copied', async () => {
  const rows = 100;
  const col = (name: string, role: Dataset['columns'][number]['role'], f: (i: number) => number) => filledColumn(name, role, rows, f);
  const ds: Dataset = {
    name: 'x',
    format: 'cmapss',
    rows,
    notes: [],
    columns: [
      col('unit', 'unit', (i) => 1 + (i >> 4)),
      col('time', 'time', (i) => i % 16),
      col('s', 'feature', (i) => i / 7),
      col('c', 'feature', (i) => i / 4 - 3),
    ],
  };
  // A reading that round-trips as codes crosses as its codes, half the bytes; one that does not, as Float64.
  ds.columns = ds.columns.map(compactColumn);
  expect(ds.columns.map((c) => c instanceof CompactColumn)).toEqual([false, false, false, true]);
  const partRows = [Int32Array.from({ length: 50 }, (_, i) => i), Int32Array.from({ length: 50 }, (_, i) => 50 + i)];
  const plan: ScorePlan = { rows: partRows, pieces: [selectPortableRows(ds, partColumns(ds, ['s', 'c']), partRows[1])], token: 1 };
  const sent = plan.pieces[0].columns.map((c) => ('compact' in c ? c.compact.codes : c.values));
  expect(sent.map((v) => v.constructor.name)).toEqual(['Float64Array', 'Float64Array', 'Float64Array', 'Int32Array']);
  const expected = ds.columns.map((c) => Array.from(c.values.subarray(50)));
  Comlink.expose({ plan: () => transferring(plan) }, nodeEndpoint(channel.port1));
  const remote = Comlink.wrap<{ plan(): ScorePlan }>(nodeEndpoint(channel.port2));
  const got = await remote.plan();
  expect(portableToDataset(got.pieces[0]).columns.map((c) => Array.from(c.values))).toEqual(expected);
  // Moved: the sender's buffers are detached; the data the piece came from is not.
  for (const v of sent) expect(v.buffer.byteLength).toBe(0);
  expect(ds.columns.map((c) => c.values.length)).toEqual([100, 100, 100, 100]);
  for (const r of partRows) expect(r.buffer.byteLength).toBe(0);
});
