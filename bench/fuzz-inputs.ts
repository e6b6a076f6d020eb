// Fuzz inputs for the readers, each rebuilt from (seed, index) alone, so the driver
// can save the input of a hang it had to kill without having kept it. A case is a
// seed text (real C-MAPSS lines, generated CSV, other text or bytes), mutated at
// the byte level, sometimes grown past the 16/64 KiB sniffing windows or given a
// long run that a quadratic scan would choke on, then plain, gzipped or zipped,
// intact or damaged.
import { gzipSync, zipSync } from 'fflate';

export interface Corpus {
  /** Lines of real C-MAPSS files (train, test) and RUL values. */
  cmapss: string[];
  rul: string[];
}

export interface FuzzCase {
  files: { name: string; bytes: Uint8Array }[];
  /** Chunk sizes, in turn, for the chunked read. */
  chunks: number[];
  kind: string;
}

type Rng = () => number;

function rng(seed: number, index: number): Rng {
  let s = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const int = (r: Rng, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, xs.length)];
const encode = (s: string) => new TextEncoder().encode(s);

const TOKENS = [
  '"',
  '""',
  ',',
  ';',
  '\t',
  '|',
  '\r',
  '\n',
  '\r\n',
  ' ',
  '0',
  '-',
  '+',
  '.',
  'e',
  'E',
  'e+',
  '1e999',
  '-0',
  'NaN',
  'n/a',
  '?',
  '\uFEFF',
  'é',
  '€',
  '\u2028',
  '\u0000',
  '\x1f\x8b\x08',
  'PK\x03\x04',
  'PK\x05\x06',
  '2024-01-01T00:00:00Z',
  'unit',
  'id',
];
const NAMES = ['timestamp', 'time', 'unit', 'engine_id', 'id', 'temp', 'vib', 'pressure', 'anomaly', 'label', 'rul', 'op_setting_1', 'x'];

function number(r: Rng): string {
  switch (int(r, 6)) {
    case 0:
      return String(int(r, 2000) - 1000);
    case 1:
      return ((r() - 0.5) * 10 ** int(r, 8)).toFixed(int(r, 7));
    case 2:
      return (r() * 1e6).toExponential(int(r, 6));
    case 3:
      return pick(r, ['', 'NaN', 'NA', 'null', '?', '-', 'foo', '1.2.3', '.5', '5.', '+3', '1e999', '0x1f']);
    case 4:
      return `2024-0${1 + int(r, 9)}-1${int(r, 10)}${pick(r, ['', ' 00:00:00', 'T01:02:03Z', 'T01:02:03.5+02:00'])}`;
    default:
      return String(r());
  }
}

function csvSeed(r: Rng): string {
  const d = pick(r, [',', ';', '\t', '|']);
  const eol = pick(r, ['\n', '\r\n', '\r']);
  const width = 1 + int(r, 6);
  const lines: string[] = [];
  if (r() < 0.7) lines.push(Array.from({ length: width }, () => pick(r, NAMES)).join(d));
  for (let k = int(r, 40); k > 0; k--) {
    const cells = Array.from({ length: width }, () => {
      const c = number(r);
      return r() < 0.15 ? `"${(c + pick(r, ['', d, '\n', '""', '\r\n'])).replaceAll('"', '""')}"` : c;
    });
    lines.push(cells.join(d));
  }
  return (r() < 0.1 ? '\uFEFF' : '') + lines.join(eol) + (r() < 0.7 ? eol : '');
}

function cmapssSeed(r: Rng, corpus: Corpus): string {
  if (!corpus.cmapss.length || r() < 0.2) {
    return Array.from({ length: 1 + int(r, 20) }, (_, i) =>
      [1 + (i >> 3), i + 1, ...Array.from({ length: 24 }, () => (r() * 1000).toFixed(int(r, 5)))].join(' '),
    ).join('\n');
  }
  const from = int(r, corpus.cmapss.length);
  return corpus.cmapss.slice(from, from + 1 + int(r, 60)).join(pick(r, ['\n', '\r\n']));
}

function seedText(r: Rng, corpus: Corpus): { text: Uint8Array; kind: string } {
  const k = r();
  if (k < 0.4) return { text: encode(cmapssSeed(r, corpus)), kind: 'cmapss' };
  if (k < 0.85) return { text: encode(csvSeed(r)), kind: 'csv' };
  if (k < 0.93) return { text: encode(pick(r, [corpus.rul.join('\n'), '{"a": [1, 2]}', 'hello\nworld\n', ''])), kind: 'text' };
  return { text: Uint8Array.from({ length: int(r, 3000) }, () => int(r, 256)), kind: 'bytes' };
}

/** A long run that a backtracking pattern or a re-scanned carry would take quadratic time over. */
function longRun(r: Rng): Uint8Array {
  const unit = pick(r, ['1', '9', '"', ' ', ',', '\r', '1.', 'e', 'a', '""']);
  return encode(unit.repeat(Math.ceil((1000 + int(r, 120_000)) / unit.length)) + pick(r, ['', 'a', '.', 'e', '"', '\n']));
}

function splice(b: Uint8Array, at: number, cut: number, insert: Uint8Array): Uint8Array {
  cut = Math.min(cut, b.length - at);
  const out = new Uint8Array(b.length - cut + insert.length);
  out.set(b.subarray(0, at));
  out.set(insert, at);
  out.set(b.subarray(at + cut), at + insert.length);
  return out;
}

function mutate(r: Rng, b: Uint8Array): Uint8Array {
  for (let n = int(r, 7); n > 0; n--) {
    const at = int(r, b.length + 1);
    switch (int(r, 8)) {
      case 0:
        if (at < b.length) b[at] ^= 1 << int(r, 8);
        break;
      case 1:
        if (at < b.length) b[at] = int(r, 256);
        break;
      case 2:
      case 3:
        b = splice(b, at, 0, encode(pick(r, TOKENS)));
        break;
      case 4:
        b = splice(b, at, 1 + int(r, 20), new Uint8Array(0));
        break;
      case 5:
        b = splice(b, at, 0, b.slice(int(r, b.length + 1), int(r, b.length + 1)));
        break;
      case 6:
        b = b.subarray(0, at);
        break;
      default:
        b = splice(
          b,
          at,
          0,
          Uint8Array.from({ length: 1 + int(r, 8) }, () => int(r, 256)),
        );
    }
  }
  return b;
}

function grow(b: Uint8Array, target: number): Uint8Array {
  if (!b.length) return b;
  const out = new Uint8Array(target);
  for (let at = 0; at < target; at += b.length) out.set(b.subarray(0, target - at), at);
  return out;
}

function damage(r: Rng, b: Uint8Array): Uint8Array {
  if (r() < 0.5) return b.subarray(0, int(r, b.length));
  const out = b.slice();
  for (let n = 1 + int(r, 4); n > 0; n--) out[int(r, out.length)] = int(r, 256);
  return out;
}

export function makeCase(seed: number, index: number, corpus: Corpus): FuzzCase {
  const r = rng(seed, index);
  const base = seedText(r, corpus);
  let bytes = r() < 0.85 ? mutate(r, base.text) : base.text;
  let kind = base.kind;
  if (r() < 0.03) {
    bytes = grow(bytes, 66_000 + int(r, 200_000));
    kind += '+grown';
  }
  if (r() < 0.02) {
    bytes = splice(bytes, int(r, bytes.length + 1), 0, longRun(r));
    kind += '+run';
  }
  let name = kind.startsWith('cmapss')
    ? pick(r, ['train_FD001.txt', 'test_FD001.txt', 'x.txt'])
    : pick(r, ['data.csv', 'data.tsv', 'x.txt']);
  const files = [];
  const w = r();
  if (w < 0.15) {
    bytes = gzipSync(bytes, { level: int(r, 10) as 0 });
    if (r() < 0.3) bytes = damage(r, bytes);
    name += '.gz';
    kind += '/gzip';
  } else if (w < 0.25) {
    const entries: Record<string, Uint8Array> = { [`dir/${name}`]: bytes };
    if (r() < 0.3) entries['RUL_FD001.txt'] = encode(corpus.rul.join('\n'));
    if (r() < 0.2) entries['inner.csv.gz'] = gzipSync(bytes);
    bytes = zipSync(entries, { level: int(r, 10) as 0 });
    if (r() < 0.3) bytes = damage(r, bytes);
    name = 'data.zip';
    kind += '/zip';
  } else if (w < 0.28 && name === 'test_FD001.txt') {
    files.push({ name: 'RUL_FD001.txt', bytes: mutate(r, encode(corpus.rul.join('\n'))) });
    kind += '/pair';
  }
  files.unshift({ name, bytes });
  const small = [1, 2, 3, 5, 7, 13, 64, 1000];
  const chunks = Array.from({ length: 1 + int(r, 4) }, () => (r() < 0.5 ? pick(r, small) : 1 + int(r, 70_000)));
  // 1-byte chunks over a big input only measure call overhead.
  if (bytes.length > 20_000) for (let i = 0; i < chunks.length; i++) chunks[i] = Math.max(chunks[i], 997);
  return { files, chunks, kind };
}
