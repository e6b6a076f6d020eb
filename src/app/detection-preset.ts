// The page's detection settings follow the kind of data loaded, as the CLI's do: a fleet
// gets the fleet defaults, one series (no unit column) the single-stream defaults with a
// window from its healthy readings. Settings the user changed are theirs and stay.
import { detectionDefaults, type DetectionDefaults } from '../features/defaults.js';
import { pct } from './dom.js';
import type { TrainSettings } from './state.js';

export type PresetKind = 'fleet' | 'single';

/** The preset the settings and contamination still equal, or undefined once the user changed any of them. */
export function presetOf(s: TrainSettings, contamination: 'auto' | number, singleWindow: number | undefined): PresetKind | undefined {
  const fits = (d: DetectionDefaults, window: number | undefined) =>
    s.unitBaseline === d.recipe.unitBaseline &&
    s.windowSize === window &&
    sameStats(s.stats, d.recipe.window.stats) &&
    s.regimes === (d.recipe.regimes ?? 'auto') &&
    s.alarm.k === d.alarm.k &&
    s.alarm.n === d.alarm.n &&
    s.alarm.clear === d.alarm.clear &&
    contamination === d.contamination;
  const fleet = detectionDefaults();
  if (fits(fleet, fleet.recipe.window.size)) return 'fleet';
  if (singleWindow !== undefined && fits(detectionDefaults({ healthyReadings: 0 }), singleWindow)) return 'single';
  return undefined;
}

/** The settings with the preset's recipe and alarm rule; forest settings and training rows are kept. */
export function withPreset(s: TrainSettings, d: DetectionDefaults): TrainSettings {
  return {
    ...s,
    unitBaseline: d.recipe.unitBaseline,
    windowSize: d.recipe.window.size,
    stats: [...d.recipe.window.stats],
    regimes: d.recipe.regimes ?? 'auto',
    alarm: { ...d.alarm },
  };
}

/** What step 3 now uses, in one sentence for the load message. */
export function presetWords(kind: PresetKind, d: DetectionDefaults): string {
  const how =
    kind === 'single'
      ? `no own-unit baseline, a window of ${d.recipe.window.size} readings (${d.recipe.window.stats.join(', ')}; a fortieth of the healthy readings)`
      : `each unit against its first ${d.recipe.unitBaseline} readings, a window of ${d.recipe.window.size} (${d.recipe.window.stats.join(', ')})`;
  return `Step 3 now uses the ${kind === 'single' ? 'single-stream' : 'fleet'} defaults: ${how}, contamination ${pct(d.contamination)}, alarm ${d.alarm.k} of ${d.alarm.n}.`;
}

function sameStats(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
