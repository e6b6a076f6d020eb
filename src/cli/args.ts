// Flag parsing shared by the commands: node's parseArgs plus typed conversions.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;
import { UsageError } from './errors.js';

const HELP_FLAG = { help: { type: 'boolean', short: 'h' } } as const;

/** Flags whose empty value means something: no inputs left out, a version without a note. */
const MAY_BE_EMPTY: ReadonlySet<string> = new Set(['exclude', 'note']);

export function parse<const O extends ParseArgsOptionsConfig>(argv: string[], options: O, usage: string) {
  // The usage line is the only documentation of a command's flags (the help text is built from it): a flag it
  // leaves out is a bug, caught by any test that runs the command.
  const undocumented = Object.entries(options).filter(
    ([k, o]) => !usage.includes(`--${k}`) && !(o.short && usage.includes(`-${o.short} `)),
  );
  if (undocumented.length) throw new Error(`usage of "${usage.split(' ')[1]}" lacks ${undocumented.map(([k]) => `--${k}`).join(', ')}`);
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv, options),
      options: { ...options, ...HELP_FLAG },
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (e) {
    // Node's own words for an unknown flag speak of positionals after "--": a typo wants the flag it missed.
    const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec((e as Error).message);
    if (unknown) throw new UsageError(`unknown flag ${unknown[1]}${nearest(unknown[1], Object.keys(options))}\nusage: ${usage}`);
    // "--features --exclude a": Node calls the flag's value ambiguous, as it starts with a dash; it is missing.
    const ambiguous = /^Option '(-{1,2}[^', ]+)[^']*' argument is ambiguous/.exec((e as Error).message);
    if (ambiguous) throw new UsageError(`${ambiguous[1]} needs a value, and the next word is a flag\nusage: ${usage}`);
    const missing = /^Option '(-{1,2}[^', ]+)[^']*' argument missing/.exec((e as Error).message);
    if (missing) throw new UsageError(`${missing[1]} needs a value\nusage: ${usage}`);
    throw new UsageError(`${(e as Error).message.split('\n')[0]}\nusage: ${usage}`);
  }
  // parseArgs keeps the last of a repeated flag: "--model a.json --model b.json" would score with b.json without a word.
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option' || t.value === undefined) continue;
    if (seen.has(t.name)) throw new UsageError(`${t.rawName} is given more than once; give it once\nusage: ${usage}`);
    // An empty value ("-o ''", an unset shell variable) would write to no file or be dropped after all the work.
    if (t.value.trim() === '' && !MAY_BE_EMPTY.has(t.name))
      throw new UsageError(`${t.rawName} needs a value, got an empty one\nusage: ${usage}`);
    seen.add(t.name);
  }
  const { values, positionals } = parsed;
  return { values, positionals };
}

/** The -o and --entry flags every command that reads one data file takes. */
export const FILE_OPTIONS = { output: { type: 'string', short: 'o' }, entry: { type: 'string' } } as const;

/**
 * A command on one data file: its flags plus FILE_OPTIONS, and the file. Undefined after --help
 * (the usage line went to out).
 */
export function parseFileCommand<const O extends ParseArgsOptionsConfig>(
  argv: string[],
  options: O,
  usage: string,
  out: (s: string) => void,
) {
  const { values, positionals } = parse(argv, { ...FILE_OPTIONS, ...options }, usage);
  if ((values as { help?: boolean }).help) {
    out(usage);
    return undefined;
  }
  return { values, file: oneFile(positionals, usage) };
}

/**
 * parseArgs reads "--contamination -1" as a flag followed by the short option "-1" and calls it ambiguous;
 * a number after a flag that takes a value is that value, so the range check can say what is wrong with it.
 */
function joinNegativeValues(argv: string[], options: ParseArgsOptionsConfig): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = /^--([^=]+)$/.exec(a)?.[1] ?? Object.entries(options).find(([, o]) => o.short && a === `-${o.short}`)?.[0];
    const next = argv[i + 1];
    if (name && options[name]?.type === 'string' && next !== undefined && /^-(\d|\.\d|Infinity\b)/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export function oneFile(positionals: string[], usage: string): string {
  if (positionals.length !== 1) throw new UsageError(`expected one data file, got ${positionals.length}\nusage: ${usage}`);
  return positionals[0];
}

export function num(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v)) throw new UsageError(`${flag} expects a number, got "${value}"`);
  return v;
}

/** A whole number from min to max. */
export function int(value: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  const v = num(value, flag, fallback);
  if (!Number.isInteger(v) || v < min || v > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got ${value}`);
  return v;
}

/** A flag's value read by the product's own parser or check: a value it refuses is a usage error that names the flag. */
export function fromFlag<T>(flag: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof Error && (e.name === 'ParamError' || e.name === 'DataError')) throw new UsageError(`${flag}: ${e.message}`);
    throw e;
  }
}

/** A flag's value through the engine's own check for it (see fromFlag). */
export function checked<T>(flag: string, value: T, check: (v: T) => void): T {
  return fromFlag(flag, () => {
    check(value);
    return value;
  });
}

export function autoOrNum(value: string | undefined, flag: string, fallback: 'auto' | number): 'auto' | number {
  if (value === undefined) return fallback;
  return value === 'auto' ? 'auto' : num(value, flag, 0);
}

/** A comma-separated flag value; a name given twice is refused, naming the flag (it was a model field error at the end). */
export function list(value: string | undefined, flag?: string): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (flag && twice !== undefined) throw new UsageError(`${flag} names "${twice}" twice`);
  return names;
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** A size such as 10mb, 512kb or 1048576 (bytes), in bytes; units are powers of 1024. */
export function byteSize(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?) *(b|kb|mb|gb)?$/i.exec(value.trim());
  const bytes = m ? Math.floor(Number(m[1]) * BYTE_UNITS[(m[2] ?? '').toLowerCase()]) : NaN;
  if (!(bytes >= 1)) throw new UsageError(`${flag} expects a size like 10mb, 512kb or 1048576, got "${value}"`);
  return bytes;
}

/** "; did you mean --model?" for the flag nearest a mistyped one (at most two edits away), else nothing. */
function nearest(given: string, names: string[]): string {
  const word = given.replace(/^-+/, '');
  let best = '';
  let bestDistance = 3;
  for (const name of names) {
    const d = editDistance(word, name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best ? `; did you mean --${best}?` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(prev[j] + 1, next[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = next;
  }
  return prev[b.length];
}
