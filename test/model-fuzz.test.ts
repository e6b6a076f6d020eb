// Property tests over mutated models (issue 10, item 1). A mutant is refused with a
// clear one-line model error, or it loads, scores every finite reading with a proper
// score and explains it finitely; either way the model loaded before it keeps scoring
// bit for bit and the shared engine never traps. bench/fuzz-models.ts runs the same
// judge over 100,000 mutants with a timeout per input.
import { describe, expect, test, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { CMAPSS_DIR, getEngine } from './helpers.js';
import type { WasmEngine } from '../src/engine/wasm-engine.js';
import { Reference, fuzzInput, inputText, judge, trainedBases, type Base, type Verdict } from '../bench/model-mutations.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261124);

let engine: WasmEngine;
let generation: number;
let reference: Reference;
let bases: Base[];

beforeAll(async () => {
  engine = await getEngine();
  bases = await trainedBases(engine, join(import.meta.dirname, '..', 'models', 'fd001-baseline.json'), CMAPSS_DIR);
  // Loaded first and checked after every mutant: nothing a mutant does may change its scores.
  reference = new Reference(engine, bases[0].model);
  generation = engine.generation;
});

afterAll(() => reference?.loaded.dispose());

const tally = new Map<string, number>();
function holds(v: Verdict): boolean {
  const key = v.kind === 'rejected' ? `${v.stage}:${v.code}` : v.kind;
  tally.set(key, (tally.get(key) ?? 0) + 1);
  if (v.kind === 'wrong' || v.kind === 'unclear') throw new Error(v.why);
  return true;
}

describe('mutated models', () => {
  test('trained models (axis, extended, with regimes and windows) and the shipped model, mutated', () => {
    expect(bases.find((b) => b.name === 'regimes-window')?.model.recipe?.regimes).toBeDefined();
    // The shipped model is 280 KB (about 12 ms a mutant): an eighth of the runs, the small models the rest.
    const input = fuzzInput({ bases: bases.length, heavy: false, shippedShare: 1 / 8, syntheticShare: 0, maxSyntheticValues: 0 });
    fc.assert(
      fc.property(input, (i) => holds(judge(engine, inputText(bases, i), reference))),
      { numRuns: 2500, seed: SEED },
    );
    // Not vacuous: plenty of mutants got past validation and were scored.
    expect(tally.get('accepted') ?? 0).toBeGreaterThan(150);
  });

  test('extended forests of many features and deep trees, with big normals, then mutated', () => {
    const input = fuzzInput({ bases: bases.length, heavy: false, shippedShare: 0, syntheticShare: 1, maxSyntheticValues: 150_000 });
    fc.assert(
      fc.property(input, (i) => holds(judge(engine, inputText(bases, i), reference))),
      { numRuns: 300, seed: SEED },
    );
  });

  test('the shared engine never trapped, and the reference still scores as it did', () => {
    expect(reference.drift()).toBeUndefined();
    expect(engine.generation).toBe(generation);
    // One line per outcome, so a change in what validation catches shows in the log.
    console.log(
      [...tally]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', '),
    );
  });
});
