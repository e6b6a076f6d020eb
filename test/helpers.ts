import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNodeEngine } from '../src/engine/node-engine.js';
import type { WasmEngine } from '../src/engine/wasm-engine.js';
import { ingestFiles } from '../src/data/ingest.js';
import type { ColumnRole, Dataset } from '../src/data/dataset.js';
import type { ModelJson } from '../src/model/types.js';

export const CMAPSS_DIR = join(import.meta.dirname, '..', '..', 'shared', 'data', 'cmapss');
export const cmapssPath = (name: string) => join(CMAPSS_DIR, name);

let engine: Promise<WasmEngine> | undefined;
export const getEngine = () => (engine ??= createNodeEngine());

export function loadFd001(name = 'train_FD001.txt'): Dataset {
  return ingestFiles([{ name, bytes: readFileSync(cmapssPath(name)) }]);
}

export function csvDataset(text: string, name = 'data.csv'): Dataset {
  return ingestFiles([{ name, bytes: new TextEncoder().encode(text) }]);
}

/** A dataset of whole columns, each [name, role, values], nothing missing. */
/** A complete column of `rows` values, value i = at(i). */
export function filledColumn(name: string, role: ColumnRole, rows: number, at: (i: number) => number) {
  return { name, role, values: Float64Array.from({ length: rows }, (_, i) => at(i)), missing: 0, nonNumeric: 0 };
}

export function columnsDataset(name: string, columns: [string, ColumnRole, Float64Array][]): Dataset {
  return {
    name,
    format: 'csv',
    rows: columns[0][2].length,
    notes: [],
    columns: columns.map(([n, role, values]) => ({ name: n, role, values, missing: 0, nonNumeric: 0 })),
  };
}

/** A deterministic LCG for test data (independent of the engine's RNG). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Polls until `check` holds, failing with `what` after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

/** The shipped default model (models/fd001-baseline.json), validated. */
export async function shippedModel(): Promise<ModelJson> {
  const { parseModelText } = await import('../src/model/validate.js');
  return parseModelText(readFileSync(join(import.meta.dirname, '..', 'models', 'fd001-baseline.json'), 'utf8')).model;
}
