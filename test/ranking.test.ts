import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { averagePrecision, rocAuc, rocCurve } from '../src/metrics/ranking.js';
import { lcg } from './helpers.js';

function naiveAuc(score: number[], truth: number[]): number {
  let wins = 0;
  let pairs = 0;
  score.forEach((a, i) =>
    score.forEach((b, j) => {
      if (truth[i] === 1 && truth[j] === 0) {
        pairs++;
        wins += a > b ? 1 : a === b ? 0.5 : 0;
      }
    }),
  );
  return wins / pairs;
}

describe('ranking metrics', () => {
  test('ROC AUC equals the pairwise definition, ties counted half', () => {
    const r = lcg(11);
    const score = Array.from({ length: 300 }, () => Math.round(r() * 20) / 20); // many ties
    const truth = score.map((s) => (r() < s ? 1 : 0));
    expect(rocAuc(Float64Array.from(score), Uint8Array.from(truth))).toBeCloseTo(naiveAuc(score, truth), 12);
  });

  test('excluded (255) and NaN entries are left out', () => {
    expect(rocAuc(Float64Array.from([0.9, NaN, 0.1, 0.5]), Uint8Array.from([1, 1, 0, 255]))).toBe(1);
  });

  test('average precision matches a hand-computed case', () => {
    // sorted desc: 0.9(1) 0.8(0) 0.7(1) 0.1(0): AP = 0.5*1 + 0.5*(2/3)
    expect(averagePrecision(Float64Array.from([0.1, 0.7, 0.8, 0.9]), Uint8Array.from([0, 1, 0, 1]))).toBeCloseTo(0.5 + 1 / 3, 12);
    // A perfect ranking is exactly 1, not 1 plus rounding (the report prints it).
    const many = Float64Array.from({ length: 1000 }, (_, i) => i / 7);
    expect(
      averagePrecision(
        many,
        Uint8Array.from(many, (_, i) => (i >= 137 ? 1 : 0)),
      ),
    ).toBe(1);
    const curve = rocCurve(Float64Array.from([0.1, 0.7, 0.8, 0.9]), Uint8Array.from([0, 1, 0, 1]));
    expect(Array.from(curve.tpr)).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(Array.from(curve.fpr)).toEqual([0, 0, 0.5, 0.5, 1]);
  });

  const sk = (() => {
    try {
      execFileSync('/usr/bin/python3', ['-c', 'import sklearn']);
      return true;
    } catch {
      return false;
    }
  })();
  test.skipIf(!sk)('agrees with scikit-learn roc_auc_score and average_precision_score', () => {
    const r = lcg(5);
    const score = Array.from({ length: 2000 }, () => Math.round(r() * 200) / 200);
    const truth = score.map((s) => (r() < s * s ? 1 : 0));
    const out = execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        `import json,sys; from sklearn.metrics import roc_auc_score, average_precision_score; d=json.load(sys.stdin); print(json.dumps([roc_auc_score(d['t'], d['s']), average_precision_score(d['t'], d['s'])]))`,
      ],
      { input: JSON.stringify({ s: score, t: truth }) },
    ).toString();
    const [auc, ap] = JSON.parse(out);
    expect(rocAuc(Float64Array.from(score), Uint8Array.from(truth))).toBeCloseTo(auc, 12);
    expect(averagePrecision(Float64Array.from(score), Uint8Array.from(truth))).toBeCloseTo(ap, 12);
  });
});
