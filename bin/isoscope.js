#!/usr/bin/env node
// Entry point: the CLI is compiled to dist/ by `npm run build` (run by npm install).
import { run } from '../dist/src/cli/main.js';

// `isoscope score … | head` closes the pipe early: that is not an error.
// Any other failure of standard output (a full disk behind `> file`) ends the command with one line.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  process.stderr.write(`isoscope: cannot write standard output: ${e.code === 'ENOSPC' ? 'the disk is full' : e.message}\n`);
  process.exit(1);
});

// The Event Hubs SDK names a TLS server by the endpoint's host, an IP address for a local hub:
// Node's DEP0123 about that says nothing a user can act on. Other warnings print as Node prints them.
// Dropped where it is raised, so --no-warnings, --trace-warnings and the rest keep working for the others.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const code = typeof rest[0] === 'object' ? rest[0]?.code : rest[1];
  if (code !== 'DEP0123') emitWarning(warning, ...rest);
};

const code = await run(process.argv.slice(2), {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
});
// A command that failed may leave a server or an SDK client open: the failure ends the process, never a hang.
// Output still queued (a pipe on some systems) is written before the exit.
if (code !== 0) {
  const drained = (stream) => new Promise((done) => stream.write('', done));
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}
