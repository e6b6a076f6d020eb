// Records.record starts each group's search at its last answer: whatever the order of the
// queries (a slider's small steps, jumps, NaN), it must answer as a plain scan of the
// group's records does.
import { describe, expect, test } from 'vitest';
import { lcg } from './helpers.js';
import { Records, walkRecords } from '../src/alarms/level-index.js';

const KINDS = ['first below', 'last at or above', 'last below'] as const;

describe('records', () => {
  test('every query answers as a scan, over slow walks, jumps and NaN offsets', () => {
    const r = lcg(5);
    for (const kind of KINDS) {
      const groups = 300;
      const start = new Int32Array(groups + 1);
      const level: number[] = [];
      for (let g = 0; g < groups; g++) {
        const n = g % 17 === 0 ? 0 : Math.floor(r() * 60);
        // some groups lead with NaN (every value a record until a number comes), levels on a coarse grid
        const nans = g % 5 === 0 ? 1 + Math.floor(r() * 3) : 0;
        for (let i = 0; i < n; i++) level.push(i < nans ? NaN : r() < 0.05 ? Infinity : Math.floor(r() * 40) / 4);
        start[g + 1] = level.length;
      }
      const values = Float64Array.from(level);
      const recs: [number, number][][] = Array.from({ length: groups }, () => []);
      walkRecords(start, values, kind, undefined, (p, v, g) => recs[g].push([p, v]));
      const records = Records.of(start, values, kind, undefined, (p) => p * 2 + 1);
      const rising = kind === 'last at or above';
      let x = 5;
      for (let q = 0; q < 204; q++) {
        x = q % 50 === 49 ? NaN : q % 7 === 0 ? r() * 12 - 1 : (x === x ? x : 5) + (r() - 0.5) * 0.6;
        for (let g = 0; g < groups; g++) {
          const want = recs[g].find(([, v]) => (rising ? v >= x : v < x));
          expect(records.find(g, x), `${kind} query ${q} group ${g} at ${x}`).toBe(want ? want[0] : -1);
          // the answer's position and time, as kept beside the hint
          expect(records.answerPosition(g)).toBe(want ? want[0] : -1);
          expect(records.answerTime(g)).toBe(want ? want[0] * 2 + 1 : NaN);
        }
      }
    }
  });
});
