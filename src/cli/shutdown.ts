// Stopping a long-running command (consume, serve) on SIGINT or SIGTERM: the steps run in
// order (stop accepting, finish what is in flight, flush metrics), but never for longer than a
// deadline. Container Apps kills a replica 30 s after SIGTERM; past the deadline the command
// says which step it was waiting for and exits 1 itself, rather than hanging or being killed
// with nothing said. A second signal exits at once.

export const DEFAULT_STOP_SECONDS = 20;

/** Resolves with the first SIGINT or SIGTERM. */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

export interface StopStep {
  /** What the command is waiting for while this step runs, e.g. "the requests in flight". */
  waitingFor: string;
  run: () => unknown;
}

/**
 * Runs the steps one after another. Resolves when all are done; after `seconds`, or at a second
 * signal, it logs the step still running and calls exit(1) instead.
 */
export async function stopWithin(
  command: string,
  seconds: number,
  steps: StopStep[],
  log: (line: string) => void,
  exit: (code: number) => void = (code) => process.exit(code),
): Promise<void> {
  let current = 'nothing';
  const giveUp = (why: string) => {
    log(`isoscope ${command}: ${why} while waiting for ${current}; exiting without it`);
    exit(1);
  };
  const timer = setTimeout(() => giveUp(`not stopped within ${seconds} s`), seconds * 1000);
  const again = () => giveUp('a second stop signal');
  process.once('SIGINT', again);
  process.once('SIGTERM', again);
  try {
    for (const step of steps) {
      current = step.waitingFor;
      await step.run();
    }
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', again);
    process.off('SIGTERM', again);
  }
}
