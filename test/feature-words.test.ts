import { describe, expect, test } from 'vitest';
import { CMAPSS_COLUMNS } from '../src/data/cmapss.js';
import { columnNamer, describeFeature, inputOf } from '../src/features/feature-words.js';
import { derivedNames } from '../src/features/recipe.js';

const cmapss = columnNamer(CMAPSS_COLUMNS);

describe('names people read', () => {
  test('C-MAPSS sensors by their documented symbols, with units', () => {
    expect(cmapss('sensor_12')).toEqual({ short: 'phi', label: 'phi (sensor 12)', meaning: 'ratio of fuel flow to Ps30', unit: 'pps/psi' });
    expect(cmapss('sensor_1').label).toBe('T2 (sensor 1)');
    expect(cmapss('sensor_21').label).toBe('W32 (sensor 21)');
    expect(cmapss('op_setting_1').label).toBe('op_setting_1');
  });

  test('other data keeps its column names, even a column called sensor_12', () => {
    const namer = columnNamer(['machine', 'time', 'sensor_12']);
    expect(namer('sensor_12')).toEqual({ short: 'sensor_12', label: 'sensor_12' });
  });

  test('derived features in words, for every recipe name', () => {
    expect(describeFeature('sensor_12:dev20:mean5', cmapss).text).toBe(
      "phi (sensor 12): deviation from the unit's first 20 readings, mean of the last 5",
    );
    expect(describeFeature('sensor_4:regime:dev20:slope8', cmapss).text).toBe(
      "T50 (sensor 4): standardised within its operating regime, deviation from the unit's first 20 readings, slope over the last 8",
    );
    expect(describeFeature('sensor_7', cmapss)).toEqual({ input: 'sensor_7', label: 'P30 (sensor 7)', steps: '', text: 'P30 (sensor 7)' });
    const recipe = { inputs: ['a:b', 'c'], unitBaseline: 10, window: { size: 3, stats: ['value', 'std'] as const }, regimes: undefined };
    for (const name of derivedNames({ ...recipe, window: { ...recipe.window, stats: [...recipe.window.stats] } })) {
      expect(['a:b', 'c']).toContain(inputOf(name, recipe.inputs));
    }
    expect(describeFeature('a:b:dev10:std3', columnNamer([]), ['a:b']).text).toBe(
      "a:b: deviation from the unit's first 10 readings, standard deviation of the last 3",
    );
  });
});
