// The product's version, from the package.json beside the built CLI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../engine/node-engine.js';

export function productVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
