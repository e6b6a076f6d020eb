// Trains a scikit-learn IsolationForest (with a StandardScaler and max_features < 1) in
// /usr/bin/python3, converts it with tools/sklearn_to_isoscope.py, and checks isoscope's
// score_samples and decision_function against scikit-learn's on every FD001 row.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { cmapssPath, getEngine, loadFd001 } from './helpers.js';
import { LoadedModel } from '../src/model/loaded-model.js';
import { parseModelText } from '../src/model/validate.js';

const PYTHON = '/usr/bin/python3';
const hasSklearn =
  existsSync(PYTHON) &&
  (() => {
    try {
      execFileSync(PYTHON, ['-c', 'import sklearn, joblib']);
      return true;
    } catch {
      return false;
    }
  })();
if (!hasSklearn)
  console.warn('\n*** SKIPPING scikit-learn parity: /usr/bin/python3 with scikit-learn not found (apt-get install python3-sklearn) ***\n');

const FIT = `
import sys, json, numpy as np, joblib
from sklearn.ensemble import IsolationForest
from sklearn.preprocessing import StandardScaler
out, data, contamination = sys.argv[1], sys.argv[2], sys.argv[3]
cols = ['unit_number','time_in_cycles','op_setting_1','op_setting_2','op_setting_3'] + ['sensor_%d' % i for i in range(1, 22)]
feats = ['sensor_2','sensor_3','sensor_4','sensor_7','sensor_9','sensor_11','sensor_12','sensor_15','sensor_21']
X = np.loadtxt(data)[:, [cols.index(f) for f in feats]]
scaler = StandardScaler().fit(X[:8000])
c = contamination if contamination == 'auto' else float(contamination)
forest = IsolationForest(n_estimators=60, max_samples=300, max_features=0.6, contamination=c, random_state=11).fit(scaler.transform(X[:8000]))
joblib.dump(forest, out + '/forest.pkl'); joblib.dump(scaler, out + '/scaler.pkl'); json.dump(feats, open(out + '/features.json', 'w'))
Xs = scaler.transform(X)
with open(out + '/expected.bin', 'wb') as f: f.write(np.ascontiguousarray(np.c_[forest.score_samples(Xs), forest.decision_function(Xs)], dtype='<f8').tobytes())
`;

describe.skipIf(!hasSklearn)('scikit-learn interop', () => {
  test.each(['auto', '0.03'])(
    'converted forest (contamination %s) matches score_samples and decision_function to 1e-9',
    async (contamination) => {
      const dir = mkdtempSync(join(tmpdir(), 'isoscope-sk-'));
      writeFileSync(join(dir, 'fit.py'), FIT);
      execFileSync(PYTHON, [join(dir, 'fit.py'), dir, cmapssPath('train_FD001.txt'), contamination]);
      execFileSync(PYTHON, [
        join(import.meta.dirname, '..', 'tools', 'sklearn_to_isoscope.py'),
        join(dir, 'forest.pkl'),
        '--scaler',
        join(dir, 'scaler.pkl'),
        '--features',
        join(dir, 'features.json'),
        '-o',
        join(dir, 'model.json'),
      ]);
      const { model } = parseModelText(readFileSync(join(dir, 'model.json'), 'utf8'));
      expect(model.training.producer).toMatch(/^scikit-learn /);
      const raw = readFileSync(join(dir, 'expected.bin'));
      const expected = new Float64Array(raw.buffer, raw.byteOffset, raw.byteLength / 8);
      const ds = loadFd001();
      const loaded = new LoadedModel(await getEngine(), model);
      const { scores } = loaded.scoreDataset(ds);
      let worst = 0;
      for (let i = 0; i < ds.rows; i++) {
        worst = Math.max(worst, Math.abs(scores[i] - expected[2 * i]), Math.abs(scores[i] - model.threshold.offset - expected[2 * i + 1]));
      }
      expect(worst).toBeLessThan(1e-9);
    },
  );

  test('the converter refuses a pickle that is not an IsolationForest, with one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'isoscope-sk-'));
    execFileSync(PYTHON, ['-c', `import joblib; joblib.dump({'a': 1}, '${dir}/x.pkl')`]);
    let stderr = '';
    try {
      execFileSync(
        PYTHON,
        [join(import.meta.dirname, '..', 'tools', 'sklearn_to_isoscope.py'), join(dir, 'x.pkl'), '-o', join(dir, 'o.json')],
        { stdio: 'pipe' },
      );
    } catch (e) {
      stderr = String((e as { stderr: Buffer }).stderr);
    }
    expect(stderr).toMatch(/holds a dict, not a fitted IsolationForest/);
  });
});
