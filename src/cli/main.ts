// The isoscope CLI: the same Wasm engine as the workbench, run in Node.
import { createNodeEngine } from '../engine/node-engine.js';
import type { WasmEngine } from '../engine/wasm-engine.js';
import { isUserError, UsageError } from './errors.js';
import { redact } from '../connectors/settings.js';
import { profileCommand, PROFILE_USAGE } from './profile-command.js';
import { trainCommand, TRAIN_USAGE } from './train-command.js';
import { scoreCommand, SCORE_USAGE } from './score-command.js';
import { evaluateCommand, EVALUATE_USAGE } from './evaluate-command.js';
import { cosmosSetupCommand, replayCommand, REPLAY_USAGE, SETUP_USAGE } from './stream-commands.js';
import { consumeCommand, CONSUME_USAGE } from './consume-command.js';
import { serveCommand, SERVE_USAGE } from './serve-command.js';
import { listModelsCommand, MODELS_USAGE, promoteCommand, PROMOTE_USAGE, publishModelCommand, PUBLISH_USAGE } from './model-commands.js';
import { retrainCommand, RETRAIN_USAGE } from './retrain-command.js';
import { productVersion } from './version.js';

interface Command {
  usage: string;
  run(argv: string[], engine: () => Promise<WasmEngine>, io: Io): Promise<void>;
}

/** Every command once: the dispatch below and the help text are both built from this table. */
const COMMANDS: Record<string, Command> = {
  profile: { usage: PROFILE_USAGE, run: (a, _e, io) => profileCommand(a, io.out) },
  train: { usage: TRAIN_USAGE, run: (a, e, io) => trainCommand(a, e, io.out, io.err) },
  score: { usage: SCORE_USAGE, run: (a, e, io) => scoreCommand(a, e, io.out, io.err) },
  evaluate: { usage: EVALUATE_USAGE, run: (a, e, io) => evaluateCommand(a, e, io.out, io.err) },
  replay: { usage: REPLAY_USAGE, run: (a, _e, io) => replayCommand(a, io.out, io.err) },
  consume: { usage: CONSUME_USAGE, run: (a, e, io) => consumeCommand(a, e, io.out, io.err) },
  serve: { usage: SERVE_USAGE, run: (a, e, io) => serveCommand(a, e, io.out, io.err) },
  'cosmos-setup': { usage: SETUP_USAGE, run: (a, _e, io) => cosmosSetupCommand(a, io.out) },
  'publish-model': { usage: PUBLISH_USAGE, run: (a, _e, io) => publishModelCommand(a, io.out) },
  models: { usage: MODELS_USAGE, run: (a, _e, io) => listModelsCommand(a, io.out) },
  promote: { usage: PROMOTE_USAGE, run: (a, _e, io) => promoteCommand(a, io.out) },
  retrain: { usage: RETRAIN_USAGE, run: (a, e, io) => retrainCommand(a, e, io.out, io.err) },
};

export const HELP = [
  'isoscope — Isolation Forest anomaly detection for sensor data (Wasm engine)',
  '',
  ...Object.values(COMMANDS).map((c) => wrap(c.usage)),
  '',
  'Event Hubs, Cosmos DB, ISOSCOPE_API_KEY and DD_* settings come from the environment or a .env file (see .env.example).',
  '',
  'Files: C-MAPSS text, CSV (, ; tab |; UTF-8 or UTF-16), .gz, or a .zip (--entry picks a file inside).',
  'Run "isoscope <command> --help" for a command\'s flags, "isoscope --version" for the version.',
  'Exit status: 0 done; 1 the data, a model or a service failed; 2 the command line is wrong (flag, value, missing setting).',
].join('\n');

/** Breaks a usage line before a flag group so it reads in an 110-column terminal, continuation lines indented. */
function wrap(usage: string, width = 110): string {
  const lines = [`  ${usage.split(' ').slice(0, 2).join(' ')}`];
  for (const part of usage
    .split(' ')
    .slice(2)
    .join(' ')
    .split(/ (?=\[|-o |--model )/)) {
    const last = lines.length - 1;
    if (lines[last].length + part.length + 1 > width) lines.push(`      ${part}`);
    else lines[last] += ` ${part}`;
  }
  return lines.join('\n');
}

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

export async function run(argv: string[], io: Io): Promise<number> {
  let engine: Promise<WasmEngine> | undefined;
  const getEngine = () => (engine ??= createNodeEngine());
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === '-V' || command === 'version') {
      io.out(`isoscope ${productVersion()}`);
      return 0;
    }
    const cmd = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!cmd) throw new UsageError(`unknown command "${command}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
    await cmd.run(rest, getEngine, io);
    return 0;
  } catch (e) {
    if (isUserError(e)) {
      io.err(`isoscope: ${e.message}`);
      return e.name === 'UsageError' ? 2 : 1;
    }
    // An SDK's own message may quote a connection string: the key never reaches the terminal or a log.
    io.err(`isoscope: internal error: ${redact((e as Error).stack ?? String(e))}`);
    return 70;
  }
}
