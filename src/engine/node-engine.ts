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

export function wasmPath(): string {
  return join(packageRoot(), 'wasm', 'build', 'isoscope.wasm');
}

export async function createNodeEngine(): Promise<WasmEngine> {
  const path = wasmPath();
  if (!existsSync(path)) throw new Error(`isoscope: ${path} is missing; run "npm run build:wasm"`);
  return WasmEngine.fromBytes(await readFile(path));
}
