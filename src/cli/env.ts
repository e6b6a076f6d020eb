// Settings come from the environment; a .env file in the working directory fills in
// what is not set (Node's own parser: no dependency).
import { existsSync } from 'node:fs';

export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
