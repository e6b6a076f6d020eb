// The page's detection settings follow the data's kind only while the user has not changed them.
import { describe, expect, test } from 'vitest';
import { detectionDefaults } from '../src/features/defaults.js';
import { presetOf, presetWords, withPreset } from '../src/app/detection-preset.js';
import type { TrainSettings } from '../src/app/state.js';

const forest = { trees: 100, maxSamples: 'auto', maxFeatures: 1, seed: 42, baseline: 'first:50%' } as TrainSettings;

describe('detection presets', () => {
  test('the fleet and single-stream defaults are known as such; any change makes the settings the user’s', () => {
    const fleet = withPreset(forest, 'fleet', detectionDefaults());
    expect(presetOf(fleet)).toBe('fleet');
    const single = detectionDefaults({ healthyReadings: 1200 });
    const s = withPreset(fleet, 'single', single);
    expect([s.windowSize, s.unitBaseline, s.stats, s.presetWindow]).toEqual([30, 0, ['value', 'mean', 'std'], 30]);
    expect(s.trees).toBe(100);
    expect(presetOf(s)).toBe('single');
    expect(presetOf({ ...s, windowSize: 31 })).toBeUndefined();
    expect(presetOf({ ...s, presetWindow: undefined })).toBeUndefined();
    expect(presetOf({ ...fleet, windowSize: 12 })).toBeUndefined();
    expect(presetOf({ ...fleet, stats: ['std'] })).toBeUndefined();
    expect(presetOf({ ...fleet, alarm: { k: 3, n: 8, clear: 1 } })).toBeUndefined();
    expect(presetOf({ ...fleet, regimes: 'off' })).toBeUndefined();
    // Back to the fleet: no single-stream window is remembered.
    expect(withPreset(s, 'fleet', detectionDefaults()).presetWindow).toBeUndefined();
  });

  test('the words name what step 3 now uses', () => {
    expect(presetWords('single', detectionDefaults({ healthyReadings: 100 }))).toBe(
      'Step 3 now uses the single-stream defaults: no own-unit baseline, a window of 5 readings (value, mean, std; a fortieth of the healthy readings), contamination 5.0%, alarm 5 of 8.',
    );
    expect(presetWords('fleet', detectionDefaults())).toMatch(
      /^Step 3 now uses the fleet defaults: each unit against its first 20 readings/,
    );
  });
});
