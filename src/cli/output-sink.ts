// Where a command's long output goes: a file (written as it is produced, waiting for the
// disk so memory stays bounded, and put in place whole when the command ends) or standard output through the command's `out`. The first
// few MiB are held back, so a command that has to start over (a file that cannot be
// streamed) can still take back what it wrote.
import { OutputFile } from './output-file.js';

const HOLD_BYTES = 8 * 1024 ** 2;

export class OutputSink {
  private held: string[] = [];
  private heldBytes = 0;
  private file?: OutputFile;
  /** True once text has left for standard output, where it cannot be taken back. */
  private committed = false;
  private readonly path?: string;
  private readonly out: (s: string) => void;

  constructor(path: string | undefined, out: (s: string) => void) {
    this.path = path;
    this.out = out;
  }

  /** Text ending in a line break. */
  write(text: string): void {
    this.held.push(text);
    this.heldBytes += text.length;
    if (this.heldBytes >= HOLD_BYTES) this.flush();
  }

  /** Whether what was written can still be taken back (restart()). */
  get restartable(): boolean {
    return !this.committed;
  }

  /** Forgets everything written so far: a file starts over empty. */
  restart(): void {
    if (this.committed) throw new Error('output already sent to standard output');
    this.held = [];
    this.heldBytes = 0;
    this.file?.abandon();
    this.file = undefined;
  }

  /** Puts the whole file in place (or, on standard output, sends the rest). */
  close(): void {
    this.flush();
    if (this.path !== undefined) (this.file ??= new OutputFile(this.path)).commit();
    this.file = undefined;
  }

  /** The command failed: a file being written is dropped, and the one there before stays. */
  abandon(): void {
    this.file?.abandon();
    this.file = undefined;
  }

  private flush(): void {
    const text = this.held.join('');
    this.held = [];
    this.heldBytes = 0;
    if (this.path === undefined) {
      if (text) this.out(text.replace(/\n$/, ''));
      this.committed = true;
      return;
    }
    (this.file ??= new OutputFile(this.path)).write(text);
  }
}
