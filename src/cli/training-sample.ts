// Training from a file bigger than memory: one streamed pass keeps a bounded, seeded
// sample of whole units (src/data/unit-sample.ts) and profiles every reading, so the
// default features are chosen on the whole file, as a whole read would choose them.
import { ProfileAccumulator } from '../data/profile.js';
import { UnitSample, type SampleFigures } from '../data/unit-sample.js';
import { addGroundTruth } from '../data/ingest.js';
import type { Dataset } from '../data/dataset.js';
import { streamDataset } from './files.js';
import type { UnitColumnChoice } from '../data/roles.js';

/** Readings kept for training when a file is streamed: about 130 MB of C-MAPSS columns; training on them peaks near 0.7 GB. */
export const DEFAULT_SAMPLE_READINGS = 600_000;
/** Files above this size are streamed and sampled; smaller ones are read whole. */
export const SAMPLE_ABOVE_BYTES = 256 * 1024 ** 2;

export interface TrainingSample {
  ds: Dataset;
  /** The default features of the whole file (what a whole read's profile picks). */
  defaultFeatures: string[];
  figures: SampleFigures;
}

/**
 * Reads `path` once. Units stay whole: the threshold's calibration also scores each unit's
 * healthy readings after its baseline, and a run-to-failure file's remaining life is
 * counted from each unit's last reading.
 */
export async function readTrainingSample(
  path: string,
  opts: { entry?: string; budget: number; seed: number; warn?: (line: string) => void; unitColumn?: UnitColumnChoice },
): Promise<TrainingSample> {
  const sample = new UnitSample(opts.budget, opts.seed);
  const profile = new ProfileAccumulator();
  await streamDataset(path, { entry: opts.entry, warn: opts.warn, unitColumn: opts.unitColumn }, (piece) => {
    profile.add(piece);
    sample.add(piece);
  });
  const { ds, figures } = sample.finish();
  return { ds: addGroundTruth(ds), figures, defaultFeatures: profile.profile().defaultFeatures };
}

/** The line train prints when it trained on a sample, so nobody mistakes it for the whole file. */
export function sampleLine(f: SampleFigures, budget: number): string | undefined {
  if (f.rows === f.ofRows) return undefined;
  const n = (x: number) => x.toLocaleString('en-US');
  if (f.units === f.ofUnits) {
    return `isoscope: the file is one unit of ${n(f.ofRows)} readings; trained on its first ${n(f.rows)} (--sample-readings ${n(budget)})`;
  }
  return (
    `isoscope: the file holds ${n(f.ofRows)} readings of ${n(f.ofUnits)} unit${f.ofUnits === 1 ? '' : 's'}; ` +
    `trained on a seeded sample of ${n(f.units)} whole unit${f.units === 1 ? '' : 's'} (${n(f.rows)} readings; --sample-readings ${n(budget)})`
  );
}
