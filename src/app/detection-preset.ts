// The page's detection settings follow the kind of data loaded, as the CLI's do: a fleet
// gets the fleet defaults, one series (no unit column) the single-stream defaults with a
// window from its healthy readings. Settings the user changed are theirs and stay.
import { detectionDefaults, type DetectionDefaults } from '../features/defaults.js';
import { pct } from './dom.js';
import type { TrainSettings } from './state.js';

export type PresetKind = 'fleet' | 'single';

/**
 * The preset the detection settings still equal, or undefined once the user changed any of
 * them. The contamination is not among them: it belongs to the slider and the model it thresholds.
 */
export function presetOf(s: TrainSettings): PresetKind | undefined {
  const fits = (d: DetectionDefaults, window: number | undefined) =>
    s.unitBaseline === d.recipe.unitBaseline &&
    s.windowSize === window &&
    sameStats(s.stats, d.recipe.window.stats) &&
    s.regimes === (d.recipe.regimes ?? 'auto') &&
    s.alarm.k === d.alarm.k &&
    s.alarm.n === d.alarm.n &&
    s.alarm.clear === d.alarm.clear;
  const fleet = detectionDefaults();
  if (fits(fleet, fleet.recipe.window.size)) return 'fleet';
  if (s.presetWindow !== undefined && fits(detectionDefaults({ healthyReadings: 0 }), s.presetWindow)) return 'single';
  return undefined;
}

/** The settings with the preset's recipe and alarm rule; forest settings and training rows are kept. */
export function withPreset(s: TrainSettings, kind: PresetKind, d: DetectionDefaults): TrainSettings {
  return {
    ...s,
    unitBaseline: d.recipe.unitBaseline,
    windowSize: d.recipe.window.size,
    stats: [...d.recipe.window.stats],
    regimes: d.recipe.regimes ?? 'auto',
    alarm: { ...d.alarm },
    presetWindow: kind === 'single' ? d.recipe.window.size : undefined,
  };
}

/** What step 3 now uses, in one sentence for the load message (the contamination when it was set too). */
export function presetWords(kind: PresetKind, d: DetectionDefaults, contamination = true): string {
  const how =
    kind === 'single'
      ? `no own-unit baseline, a window of ${d.recipe.window.size} readings (${d.recipe.window.stats.join(', ')}; a fortieth of the healthy readings)`
      : `each unit against its first ${d.recipe.unitBaseline} readings, a window of ${d.recipe.window.size} (${d.recipe.window.stats.join(', ')})`;
  return `Step 3 now uses the ${kind === 'single' ? 'single-stream' : 'fleet'} defaults: ${how}${contamination ? `, contamination ${pct(d.contamination)}` : ''}, alarm ${d.alarm.k} of ${d.alarm.n}.`;
}

function sameStats(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
