// The peers measured in the same run: the npm libraries isolation-forest and
// ml-isolation-forest (rows as objects / arrays, as their APIs take them) and
// scikit-learn through /usr/bin/python3 when it is installed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsolationForest as NpmIsolationForest } from 'isolation-forest';
// @ts-expect-error: the package ships no type declarations
import { IsolationForest as MlIsolationForest } from 'ml-isolation-forest';

export interface PeerResult {
  name: string;
  trainMs: number;
  scoreRowsPerSec: number;
  note?: string;
}

function rowsOf(columns: Float64Array[], n: number): number[][] {
  return Array.from({ length: n }, (_, i) => columns.map((c) => c[i]));
}

export function npmIsolationForest(columns: Float64Array[], trainRows: number, scoreRows: number): PeerResult {
  const train = rowsOf(columns, trainRows).map((r) => Object.fromEntries(r.map((v, i) => [`f${i}`, v])));
  const test = rowsOf(columns, scoreRows).map((r) => Object.fromEntries(r.map((v, i) => [`f${i}`, v])));
  const forest = new NpmIsolationForest(100, 256);
  let t = performance.now();
  forest.fit(train);
  const trainMs = performance.now() - t;
  t = performance.now();
  forest.predict(test);
  return { name: 'npm isolation-forest', trainMs, scoreRowsPerSec: scoreRows / ((performance.now() - t) / 1000) };
}

export function mlIsolationForest(columns: Float64Array[], trainRows: number, scoreRows: number): PeerResult {
  const train = rowsOf(columns, trainRows);
  const test = rowsOf(columns, scoreRows);
  const Ctor = MlIsolationForest as new (o?: object) => { train(x: number[][]): void; predict(x: number[][]): number[] };
  const forest = new Ctor({ nEstimators: 100 });
  let t = performance.now();
  forest.train(train);
  const trainMs = performance.now() - t;
  t = performance.now();
  forest.predict(test);
  return { name: 'npm ml-isolation-forest', trainMs, scoreRowsPerSec: scoreRows / ((performance.now() - t) / 1000) };
}

const PYTHON = '/usr/bin/python3';

const SKLEARN = `
import sys, time, json, numpy as np
from sklearn.ensemble import IsolationForest
import sklearn
path, n, d, train_rows, score_rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
X = np.fromfile(path, dtype='<f8').reshape(d, n).T.copy()
f = IsolationForest(n_estimators=100, max_samples=256, random_state=0)
t = time.perf_counter(); f.fit(X[:train_rows]); fit = time.perf_counter() - t
t = time.perf_counter(); f.score_samples(X[:score_rows]); sc = time.perf_counter() - t
print(json.dumps({"version": sklearn.__version__, "train_ms": fit * 1000, "rows_per_sec": score_rows / sc}))
`;

export function sklearn(columns: Float64Array[], trainRows: number, scoreRows: number): PeerResult | undefined {
  if (!existsSync(PYTHON)) return undefined;
  try {
    execFileSync(PYTHON, ['-c', 'import sklearn']);
  } catch {
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'isoscope-bench-'));
  const n = columns[0].length;
  const flat = new Float64Array(n * columns.length);
  columns.forEach((c, i) => flat.set(c, i * n));
  writeFileSync(join(dir, 'x.bin'), new Uint8Array(flat.buffer));
  writeFileSync(join(dir, 'run.py'), SKLEARN);
  const out = JSON.parse(
    execFileSync(
      PYTHON,
      [join(dir, 'run.py'), join(dir, 'x.bin'), String(n), String(columns.length), String(trainRows), String(scoreRows)],
      { env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } },
    ).toString(),
  );
  return { name: `scikit-learn ${out.version}`, trainMs: out.train_ms, scoreRowsPerSec: out.rows_per_sec };
}
