// Reloads a model file when it changes. It polls the file's mtime, size and inode: unlike
// fs.watch, polling survives editors and deploy tools that replace the file by a rename, and
// behaves the same on every file system (network and container volumes included).
import { readFile, stat } from 'node:fs/promises';
import { parseModelText } from '../model/validate.js';
import type { ModelJson } from '../model/types.js';

export interface FileWatcherOptions {
  intervalMs: number;
  log: (line: string) => void;
  /** Told of every change that was not loaded (for a metric). */
  onRejected?: () => void;
}

export class ModelFileWatcher {
  private timer?: ReturnType<typeof setTimeout>;
  private running?: Promise<void>;
  private seen = '';
  private readonly path: string;
  private readonly onChange: (model: ModelJson) => void;
  private readonly opts: FileWatcherOptions;

  /** onChange may throw (the engine refused the model): the change is then reported and the current model kept. */
  constructor(path: string, onChange: (model: ModelJson) => void, opts: FileWatcherOptions) {
    this.path = path;
    this.onChange = onChange;
    this.opts = opts;
  }

  /** Remembers the file as it is now (the model in use was read from it), then polls. */
  async start(): Promise<void> {
    this.seen = await this.signature().catch(() => '');
    const tick = () => {
      this.running = this.check().finally(() => {
        if (this.running) this.timer = setTimeout(tick, this.opts.intervalMs);
      });
    };
    this.timer = setTimeout(tick, this.opts.intervalMs);
  }

  /** One poll: loads the file if it changed since the last one. */
  async check(): Promise<void> {
    let now: string;
    try {
      now = await this.signature();
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file is gone' : (e as Error).message;
      if (this.seen !== 'gone') this.opts.log(`isoscope serve: cannot read ${this.path} (${why}); still scoring with the current model`);
      this.seen = 'gone';
      return;
    }
    if (now === this.seen) return;
    this.seen = now;
    try {
      this.onChange(parseModelText(await readFile(this.path, 'utf8')).model);
    } catch (e) {
      // A half-written file lands here too; its next write changes the mtime and it is read again.
      this.opts.onRejected?.();
      this.opts.log(
        `isoscope serve: ${this.path} changed but was not loaded, still scoring with the current model: ${(e as Error).message.split('\n')[0]}`,
      );
    }
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    clearTimeout(this.timer);
    await running;
  }

  private async signature(): Promise<string> {
    const st = await stat(this.path);
    return `${st.mtimeMs}:${st.size}:${st.ino}`;
  }
}
