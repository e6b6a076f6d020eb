// The fleet-wide warning index (metrics/lead-index.ts) against a search of each unit's
// records and a sort of their lead times, on random records with NaN and infinite levels,
// ties between units, cut-off units, and leads that repeat or are NaN.
import { describe, expect, test } from 'vitest';
import { lcg } from './helpers.js';
import { Records } from '../src/alarms/level-index.js';
import { quantile } from '../src/metrics/quantile.js';
import { indexLeads, LeadIndex } from '../src/metrics/lead-index.js';
import { buildWavelet, kthOfDifference } from '../src/metrics/wavelet-matrix.js';

describe('lead index', () => {
  test('counts and lead quantiles equal a per-unit search and a sort, at every offset', () => {
    const r = lcg(11);
    for (let round = 0; round < 60; round++) {
      const groups = 1 + Math.floor(r() * 40);
      const start = new Int32Array(groups + 1);
      const level: number[] = [];
      const time: number[] = [];
      for (let g = 0; g < groups; g++) {
        const n = Math.floor(r() * 12);
        for (let i = 0; i < n; i++) {
          // levels on a coarse grid (ties across units), some NaN or +Infinity
          const u = r();
          level.push(u < 0.05 ? NaN : u < 0.1 ? Infinity : Math.floor(r() * 20) / 4);
          time.push(round % 4 === 3 && r() < 0.1 ? NaN : i * (round % 2 ? 1 : 0.5));
        }
        start[g + 1] = level.length;
      }
      const values = Float64Array.from(level);
      // after the baseline: some rounds keep every reading, others a random part
      const keep = round % 3 ? Uint8Array.from(values, () => (r() < 0.7 ? 1 : 0)) : undefined;
      const records = Records.of(start, values, 'first below', keep, (p) => time[p]);
      const failureTime = Float64Array.from({ length: groups }, () => 5 + Math.floor(r() * 10));
      const cutOff = Uint8Array.from({ length: groups }, () => (r() < 0.3 ? 1 : 0));
      const index = new LeadIndex(indexLeads(start, values, keep, (p) => time[p], failureTime, cutOff));
      for (const x of [-Infinity, -1, 0, 0.25, 1, 2.5, 3, 4.75, 5, Infinity, ...Array.from({ length: 6 }, () => r() * 6)]) {
        const leads: number[] = [];
        let cut = 0;
        for (let g = 0; g < groups; g++) {
          const rec = records.record(g, x);
          if (rec < 0) continue;
          leads.push(failureTime[g] - records.times[rec]);
          cut += cutOff[g];
        }
        const qs = [0, 0.1, 0.5, 0.9, 1];
        const sorted = Float64Array.from(leads).sort();
        const want = { warned: leads.length, cutOffWarned: cut, quantiles: qs.map((q) => quantile(sorted, q)) };
        expect(index.at(x, qs), `round ${round} x ${x}`).toEqual(want);
      }
    }
  });

  test('wavelet matrix: k-th smallest of one prefix minus another', () => {
    const r = lcg(3);
    for (let round = 0; round < 40; round++) {
      const levels = 1 + Math.floor(r() * 6);
      const n = Math.floor(r() * 200);
      const p = Int32Array.from({ length: n }, () => Math.floor(r() * 2 ** levels));
      // q: a subset of p's values, in another order
      const q = p.filter(() => r() < 0.5).reverse();
      const wp = buildWavelet(p, levels);
      const wq = buildWavelet(q, levels);
      for (let t = 0; t < 20; t++) {
        const b = Math.floor(r() * (q.length + 1));
        // the smallest prefix of p holding q's first b values
        const need = new Map<number, number>();
        for (const v of q.subarray(0, b)) need.set(v, (need.get(v) ?? 0) + 1);
        let a = 0;
        const have = new Map<number, number>();
        while ([...need].some(([v, c]) => (have.get(v) ?? 0) < c)) have.set(p[a], (have.get(p[a++]) ?? 0) + 1);
        a += Math.floor(r() * (n - a + 1));
        const diff = Array.from(p.subarray(0, a));
        for (const v of q.subarray(0, b)) diff.splice(diff.indexOf(v), 1);
        diff.sort((x, y) => x - y);
        for (let k = 0; k < diff.length; k++) expect(kthOfDifference(wp, a, wq, b, k)).toBe(diff[k]);
      }
    }
  });
});
