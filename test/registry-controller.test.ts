// The Models panel's comparison belongs to the data it was made on: another file loaded
// (even one of the same name) drops it, and a comparison that finishes after other data
// came is refused, not shown as that data's figures. The engine worker is outside what is
// tested here: its link's compare answers when the test says.
import { describe, expect, test } from 'vitest';
import { Bus } from '../src/app/bus.js';
import { RegistryController, type RegistryHost } from '../src/app/registry-controller.js';
import type { DataMeta } from '../src/app/state.js';
import type { ModelComparison } from '../src/metrics/model-comparison.js';

const meta = (name: string): DataMeta => ({
  name,
  format: 'cmapss',
  rows: 3,
  columns: [],
  notes: [],
  truth: { name, format: 'cmapss', rows: 3, columns: [], notes: [] },
});

function setup() {
  const answers: ((c: ModelComparison) => void)[] = [];
  const host = {
    bus: new Bus(),
    data: meta('train_FD001.txt') as DataMeta | undefined,
    link: { published: [{ id: 'v1', status: 'champion' }], refreshPublished: () => Promise.resolve() },
    workers: {
      engine: {
        crashed: new Promise<never>(() => undefined),
        api: { link: { compare: () => new Promise<ModelComparison>((ok) => answers.push(ok)) } },
      },
    },
  };
  const ctl = new RegistryController(host as unknown as RegistryHost);
  return { host, ctl, answers };
}

const figures = { readings: 3 } as ModelComparison;

describe('the champion–candidate comparison', () => {
  test('another file of the same name drops it; a feature toggled (same data) keeps it', async () => {
    const { host, ctl, answers } = setup();
    const done = ctl.compare('v2');
    await Promise.resolve();
    answers[0](figures);
    await done;
    expect(ctl.comparison?.data).toBe('train_FD001.txt');
    host.bus.emit('data');
    expect(ctl.comparison).toBeDefined();
    host.data = meta('train_FD001.txt');
    host.bus.emit('data');
    expect(ctl.comparison).toBeUndefined();
  });

  test('one that finishes after other data was loaded is refused, with why', async () => {
    const { host, ctl, answers } = setup();
    const done = ctl.compare('v2');
    await Promise.resolve();
    host.data = meta('train_FD001.txt');
    host.bus.emit('data');
    answers[0](figures);
    await done;
    expect(ctl.comparison).toBeUndefined();
    expect(host.bus.messages.get('models')).toEqual({
      text: expect.stringMatching(/^Could not compare v1 with v2: other data \(train_FD001\.txt\) was loaded meanwhile; compare again/),
      error: true,
    });
  });
});
