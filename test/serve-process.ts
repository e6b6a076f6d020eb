// `isoscope serve` and `isoscope consume` as child processes, as a deployment runs them:
// started on a free port, serve's address read from the line it prints, stopped with a signal.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { until } from './helpers.js';

export const REPO = join(import.meta.dirname, '..');
export const SHIPPED_MODEL = join(REPO, 'models', 'fd001-baseline.json');

export interface ServeProcess {
  url: string;
  stderr(): string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServe(args: string[], env: Record<string, string> = {}, root = REPO): Promise<ServeProcess> {
  const child = spawn('node', [join(root, 'bin', 'isoscope.js'), 'serve', '--port', '0', ...args], {
    env: { PATH: process.env.PATH, TZ: 'UTC', ...env },
    cwd: root,
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((ok) => child.on('close', ok));
  let code: number | null | undefined;
  void exited.then((c) => (code = c));
  await until(() => /listening on (http:\/\/\S+)/.test(stderr) || code !== undefined, 30_000, 'isoscope serve to listen');
  const m = /listening on (http:\/\/\S+)/.exec(stderr);
  if (!m) throw new Error(`isoscope serve exited (${code}): ${stderr}`);
  return {
    url: m[1],
    stderr: () => stderr,
    stop: (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
  };
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: r.status, json: await r.json() };
}

export function freePort(): Promise<number> {
  return new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => ok(p));
    });
  });
}

export interface ConsumeProcess {
  /** Its Prometheus text, or '' while it does not answer yet. */
  metrics(): Promise<string>;
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `isoscope consume ARGS --metrics-port <free>`, with only PATH, TZ and `env` in its environment. */
export async function startConsume(args: string[], env: Record<string, string>, root = REPO): Promise<ConsumeProcess> {
  const port = await freePort();
  const child = spawn('node', [join(root, 'bin', 'isoscope.js'), 'consume', ...args, '--metrics-port', String(port)], {
    env: { PATH: process.env.PATH, TZ: 'UTC', ...env },
    cwd: root,
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((ok) => child.on('close', ok));
  return {
    metrics: () =>
      fetch(`http://127.0.0.1:${port}/metrics`).then(
        (r) => r.text(),
        () => '',
      ),
    stderr: () => stderr,
    stop: (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
  };
}
