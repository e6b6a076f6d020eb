// The Event Hubs SDK's AMQP layer (rhea) expects Node's Buffer and process in the browser
// too. Imported first by the engine worker, before anything pulls in the SDK.
import { Buffer } from 'buffer';
import process from 'process';

const g = globalThis as unknown as { Buffer?: typeof Buffer; process?: unknown };
g.Buffer ??= Buffer;
g.process ??= process;
