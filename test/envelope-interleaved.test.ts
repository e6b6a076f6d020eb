// A plant export lists its machines side by side, in time order: the envelope's flat runs are
// each unit's own, as the data check counts them, so the same readings grouped by unit or
// interleaved by time record the same envelope, and a mode that holds for an hour is not
// called stuck on the very file it was trained on.
import { expect, test } from 'vitest';
import { fitEnvelope } from '../src/model/envelope.js';
import { checkDataset } from '../src/model/data-check.js';
import type { Dataset } from '../src/data/dataset.js';
import { columnsDataset } from './helpers.js';

/** Three units, 300 readings each; `mode` holds each value for 64 readings, `temp` never repeats. */
function plant(interleaved: boolean): Dataset {
  const rows = 900;
  const unit = new Float64Array(rows);
  const time = new Float64Array(rows);
  const mode = new Float64Array(rows);
  const temp = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const [u, i] = interleaved ? [r % 3, Math.floor(r / 3)] : [Math.floor(r / 300), r % 300];
    unit[r] = u;
    time[r] = i * 60;
    mode[r] = (i >> 6) % 2;
    temp[r] = 60 + u * 8 + Math.sin(i / 7 + u) + i * 1e-4;
  }
  return columnsDataset('plant.csv', [
    ['unit', 'unit', unit],
    ['time', 'time', time],
    ['mode', 'feature', mode],
    ['temp', 'feature', temp],
  ]);
}

test('flat runs are counted within each unit whether the rows are grouped by unit or interleaved by time', () => {
  const all = new Uint8Array(900).fill(1);
  const grouped = fitEnvelope(plant(false), ['mode', 'temp'], all);
  const interleaved = fitEnvelope(plant(true), ['mode', 'temp'], all);
  expect(grouped.inputs.map((i) => i.flatRun)).toEqual([64, 1]);
  expect(interleaved).toEqual(grouped);
  const check = checkDataset(interleaved, plant(true), undefined);
  expect(check.inputs.map((i) => i.flat)).toEqual([0, 0]);
});
