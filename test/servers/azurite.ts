// Azurite's blob service on a free loopback port, in memory, telemetry off (it would
// call out), for Event Hubs checkpoints.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const AZURITE_ACCOUNT = 'devstoreaccount1';
// Azurite's fixed, published development key: not a secret.
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface LocalBlob {
  connectionString: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

export async function startAzurite(): Promise<LocalBlob> {
  const port = await freePort();
  const bin = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'azurite-blob');
  const child: ChildProcess = spawn(
    bin,
    [
      '--inMemoryPersistence',
      '--disableTelemetry',
      '--silent',
      '--skipApiVersionCheck',
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(port),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('azurite did not start within 20 s')), 20_000);
    const check = async () => {
      try {
        await fetch(`http://127.0.0.1:${port}/${AZURITE_ACCOUNT}?comp=list`);
        clearTimeout(timer);
        ok();
      } catch {
        setTimeout(() => void check(), 200);
      }
    };
    child.once('exit', (code) => fail(new Error(`azurite exited with ${code}`)));
    void check();
  });
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${DEV_KEY};BlobEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((ok) => child.once('exit', ok));
    },
  };
}
