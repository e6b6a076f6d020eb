// Node-only: finds the built Wasm next to the package, wherever this file was compiled to.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WasmEngine } from './wasm-engine.js';

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'wasm'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('isoscope: cannot find the package root (wasm/ beside package.json)');
    dir = up;
  }
}

/** release: the optimised build the CLI and the page use; debug: asserts on, unoptimised (npm run build:wasm:debug). */
export type WasmFlavour = 'release' | 'debug';

const WASM_FILES: Record<WasmFlavour, { file: string; script: string }> = {
  release: { file: 'isoscope.wasm', script: 'build:wasm' },
  debug: { file: 'isoscope.debug.wasm', script: 'build:wasm:debug' },
};

export function wasmPath(flavour: WasmFlavour = 'release'): string {
  return join(packageRoot(), 'wasm', 'build', WASM_FILES[flavour].file);
}

/** An engine on the release build, on another flavour, or on a given .wasm file. */
export async function createNodeEngine(from: WasmFlavour | { path: string } = 'release'): Promise<WasmEngine> {
  const path = typeof from === 'string' ? wasmPath(from) : from.path;
  const hint = typeof from === 'string' ? `; run "npm run ${WASM_FILES[from].script}"` : '';
  if (!existsSync(path)) throw new Error(`isoscope: ${path} is missing${hint}`);
  return WasmEngine.fromBytes(await readFile(path));
}
