// The page's messages: a step's news that ends with words about the data loaded loses
// those words, and only those, when other data replaces it.
import { expect, test } from 'vitest';
import { Bus } from '../src/app/bus.js';

test('other data loaded: the words about the data replaced are dropped, the rest of the news and any error stand', () => {
  const bus = new Bus();
  let shown = 0;
  bus.on('status', () => shown++);
  bus.say('train', 'Imported model iso-1 from m.json.', ' Model iso-1 was trained on one series, but this data’s units are read from WEA.');
  bus.fail('data', 'Could not load x.csv: the file is empty.');
  bus.say('review', 'Evaluated on FD001.');
  expect(bus.messages.get('train')?.text).toBe(
    'Imported model iso-1 from m.json. Model iso-1 was trained on one series, but this data’s units are read from WEA.',
  );
  shown = 0;
  bus.dataReplaced();
  expect(bus.messages.get('train')).toEqual({ text: 'Imported model iso-1 from m.json.', error: false });
  expect(bus.messages.get('data')).toEqual({ text: 'Could not load x.csv: the file is empty.', error: true });
  expect(bus.messages.get('review')).toEqual({ text: 'Evaluated on FD001.', error: false });
  expect(shown).toBe(1);
  // Said once: a second load has nothing more to drop.
  bus.dataReplaced();
  expect(bus.messages.get('train')?.text).toBe('Imported model iso-1 from m.json.');
  expect(shown).toBe(1);
});

test('an error about the data loaded (a model it cannot feed) ends when other data loads; another error stands', () => {
  const bus = new Bus();
  let shown = 0;
  bus.on('status', () => shown++);
  bus.fail('train', 'Could not import m.json: the data has no column "sensor_00" (it has: t, x)', true);
  bus.fail('session', 'Could not save the session in this browser: quota');
  expect(bus.error).toBe('Could not save the session in this browser: quota');
  shown = 0;
  bus.dataReplaced();
  expect(bus.messages.has('train')).toBe(false);
  expect(bus.messages.get('session')).toEqual({ text: 'Could not save the session in this browser: quota', error: true });
  expect(shown).toBe(1);
});
