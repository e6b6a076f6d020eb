// A model's id names the training rows and every setting that shapes what is learned from
// them: two models that may score alike data differently never share an id (their exported
// files and scores CSVs are named by it), and equal settings on equal data give one id.
import { expect, test } from 'vitest';
import { getEngine, loadFd001 } from './helpers.js';
import { trainModel } from '../src/model/train.js';
import { modelId } from '../src/model/fingerprint.js';

test('the id follows the forest, threshold and alarm settings, not only the data and seed', async () => {
  const engine = await getEngine();
  const ds = loadFd001('train_FD001.txt');
  const id = async (opts: Parameters<typeof trainModel>[2]) => (await trainModel(engine, ds, opts)).model.id;
  const base = await id({ params: { trees: 20, seed: 3 } });
  expect(base).toMatch(/^iso-[0-9a-f]{12}-s3$/);
  expect(await id({ params: { trees: 20, seed: 3 } })).toBe(base);
  const others = [
    await id({ params: { trees: 21, seed: 3 } }),
    await id({ params: { trees: 20, seed: 3, contamination: 0.01 } }),
    await id({ params: { trees: 20, seed: 3 }, alarm: { k: 2, n: 3, clear: 1 } }),
    await id({ params: { trees: 20, seed: 3 }, threshold: 'in-sample' }),
  ];
  expect(new Set([base, ...others]).size).toBe(5);
}, 120_000);

test('settings built in another key order give the same id', async () => {
  const fp = 'sha256:00';
  expect(await modelId(fp, { alarm: { k: 5, n: 8, clear: 1 }, trees: 100 }, 42)).toBe(
    await modelId(fp, { trees: 100, alarm: { clear: 1, n: 8, k: 5 }, unset: undefined }, 42),
  );
  expect(await modelId(fp, { trees: 100 }, 42)).not.toBe(await modelId(fp, { trees: 101 }, 42));
});
