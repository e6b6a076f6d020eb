// The isoscope CLI: the same Wasm engine as the workbench, run in Node.
import { createNodeEngine } from '../engine/node-engine.js';
import type { WasmEngine } from '../engine/wasm-engine.js';
import { isUserError, UsageError } from './errors.js';
import { profileCommand } from './profile-command.js';
import { trainCommand } from './train-command.js';
import { scoreCommand } from './score-command.js';
import { evaluateCommand } from './evaluate-command.js';
import { cosmosSetupCommand, replayCommand } from './stream-commands.js';
import { consumeCommand } from './consume-command.js';
import { listModelsCommand, publishModelCommand } from './model-commands.js';

const HELP = `isoscope — Isolation Forest anomaly detection for sensor data (Wasm engine)

  isoscope profile <file> [--json]
  isoscope train <file> [--features a,b] [--exclude c] [--baseline first:30|first:50%] [--trees 100]
                 [--max-samples auto] [--max-features 1.0] [--contamination auto|0.002 | --threshold-quantile 0.998]
                 [--seed 42] [--recipe default|raw] [--unit-baseline 20] [--window 5] [--stats mean,std,slope,value]
                 [--regimes auto|off] [--alarm 5/8] [--alarm-clear 1] [--extension-level N|full] -o model.json
  isoscope score <file> --model model.json [-o scores.csv] [--timings]
  isoscope evaluate <file> --model model.json [--rul RUL_file] [--label-column anomaly] [--horizon 30] [--json]
  isoscope replay <file> --to eventhub [--rate N] [--limit N]
  isoscope consume --model model.json|--model-from cosmos [--to cosmos] [--checkpoint-container NAME]
                   [--metrics-port 9464] [--start earliest|latest|<ISO time>] [--model-poll 30]
  isoscope cosmos-setup
  isoscope publish-model <model.json> [--note TEXT]
  isoscope models

Event Hubs and Cosmos DB settings come from the environment or a .env file (see .env.example).

Files: C-MAPSS text, CSV (, ; tab |), .gz, or a .zip (--entry picks a file inside).
Run "isoscope <command> --help" for a command's flags.`;

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

export async function run(argv: string[], io: Io): Promise<number> {
  let engine: Promise<WasmEngine> | undefined;
  const getEngine = () => (engine ??= createNodeEngine());
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'profile':
        await profileCommand(rest, io.out);
        break;
      case 'train':
        await trainCommand(rest, getEngine, io.out, io.err);
        break;
      case 'score':
        await scoreCommand(rest, getEngine, io.out, io.err);
        break;
      case 'evaluate':
        await evaluateCommand(rest, getEngine, io.out);
        break;
      case 'replay':
        await replayCommand(rest, io.out, io.err);
        break;
      case 'consume':
        await consumeCommand(rest, getEngine, io.out, io.err);
        break;
      case 'cosmos-setup':
        await cosmosSetupCommand(rest, io.out);
        break;
      case 'publish-model':
        await publishModelCommand(rest, io.out);
        break;
      case 'models':
        await listModelsCommand(rest, io.out);
        break;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.out(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(
          `unknown command "${command}"; commands: profile, train, score, evaluate, replay, consume, cosmos-setup, publish-model, models`,
        );
    }
    return 0;
  } catch (e) {
    if (isUserError(e)) {
      io.err(`isoscope: ${e.message}`);
      return e.name === 'UsageError' ? 2 : 1;
    }
    io.err(`isoscope: internal error: ${(e as Error).stack ?? e}`);
    return 70;
  }
}
