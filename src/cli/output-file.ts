// A command's output file appears whole or not at all: it is written beside its final name and
// renamed into place when complete, so a full disk or an interrupted run never leaves half a model
// or half a score file where the last good one was. Special files (/dev/stdout, a pipe) are
// written in place: they cannot be renamed over, and they keep nothing to protect.
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DataError } from '../data/dataset.js';
import { UsageError } from './errors.js';

/** Device and process files: written in place, never renamed over. */
const SPECIAL = /^\/(dev|proc|sys)\//;

export class OutputFile {
  private fd?: number;
  private writeTo: string;
  /** The file written (a link's target). */
  private readonly path: string;
  /** The path as the user gave it, for messages. */
  private readonly shown: string;
  /** An existing file's permissions, which the file put in its place keeps (a private 0600 file stays private). */
  private readonly mode?: number;

  constructor(path: string) {
    // A link is followed to the file it names (the link stays); /dev/stdout, a pipe or anything not
    // a regular file is written in place: renaming over it would replace the device, not fill it.
    let target = path;
    // /dev/stdout on a pipe resolves to "/proc/…/fd/pipe:[…]", which no file is at: the name as given is opened.
    let inPlace = SPECIAL.test(resolve(path));
    try {
      const real = realpathSync(path);
      const st = statSync(real);
      target = real;
      inPlace ||= !st.isFile() || SPECIAL.test(real);
      if (st.isFile()) this.mode = st.mode & 0o7777;
    } catch {
      // Not there yet: it is made through the temporary file.
    }
    this.path = target;
    this.shown = path;
    this.writeTo = inPlace ? target : join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
  }

  /** Writes every byte or throws: a short write is followed until the disk says why it stopped. */
  write(text: string): void {
    try {
      this.fd ??= this.open();
      const bytes = Buffer.from(text);
      for (let at = 0; at < bytes.length;) {
        const n = writeSync(this.fd, bytes, at);
        if (n <= 0) throw new Error('the disk took no more bytes');
        at += n;
      }
    } catch (e) {
      this.abandon();
      throw this.failure(e);
    }
  }

  /** Puts the complete file in place. */
  commit(): void {
    try {
      this.fd ??= this.open();
      if (this.writeTo !== this.path) fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = undefined;
      if (this.writeTo !== this.path) renameSync(this.writeTo, this.path);
    } catch (e) {
      this.abandon();
      throw this.failure(e);
    }
  }

  /** A folder that takes no new files but holds a writable one (a shared drop folder): that file is written in place. */
  private open(): number {
    try {
      const fd = openSync(this.writeTo, 'w');
      if (this.mode !== undefined && this.writeTo !== this.path) fchmodSync(fd, this.mode);
      return fd;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (this.writeTo === this.path || (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS')) throw e;
      this.writeTo = this.path;
      return openSync(this.path, 'w');
    }
  }

  /** Drops what was written; the file at the final name, if any, is untouched. */
  abandon(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.writeTo !== this.path) {
      try {
        unlinkSync(this.writeTo);
      } catch {
        // Never made, or already gone.
      }
    }
  }

  private failure(e: unknown): DataError {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOSPC'
        ? 'the disk is full'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'ENOENT'
            ? `folder ${dirname(this.shown)} does not exist`
            : (e as Error).message.replace(this.writeTo, this.shown);
    const kept = this.writeTo !== this.path && code !== 'ENOENT' ? ' (nothing was written there)' : '';
    return new DataError(`cannot write ${this.shown}: ${why}${kept}`);
  }
}

/** Writes a whole text file through OutputFile. */
export function writeText(path: string, text: string): void {
  const file = new OutputFile(path);
  file.write(text);
  file.commit();
}

/**
 * An output flag naming one of the command's inputs (or another output) would overwrite it, and one
 * in a folder that does not exist would fail after all the work: both are refused before anything is read.
 */
export function refuseOverwrite(
  output: string | undefined,
  flag: string,
  inputs: (string | undefined)[],
  outputs: [string, string | undefined][] = [],
): void {
  if (output === undefined) return;
  if (SPECIAL.test(resolve(output))) return;
  if (!existsSync(dirname(resolve(output)))) throw new UsageError(`${flag} ${output}: folder ${dirname(output)} does not exist`);
  let st;
  try {
    st = statSync(output);
  } catch {
    // A new file.
  }
  if (st?.isDirectory()) throw new UsageError(`${flag} ${output} is a folder; name a file in it`);
  if (st?.isFile()) {
    try {
      accessSync(output, constants.W_OK);
    } catch {
      // Renaming a new file over it would get past its write protection.
      throw new UsageError(`${flag} ${output}: the file is read-only; make it writable or write to another file`);
    }
  }
  const same = (a: string, b: string) => {
    try {
      return realpathSync(a) === realpathSync(b);
    } catch {
      return resolve(a) === resolve(b);
    }
  };
  const input = inputs.find((i) => i !== undefined && same(output, i));
  if (input !== undefined) throw new UsageError(`${flag} ${output} is an input of this command; write the output to another file`);
  const other = outputs.find(([, o]) => o !== undefined && same(output, o));
  if (other) throw new UsageError(`${flag} ${output} is also the ${other[0]} file; give each output its own file`);
}
