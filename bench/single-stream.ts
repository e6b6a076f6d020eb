// npm run bench:single -- --dir DIR: the CLI's defaults on labelled single-stream
// recordings (no unit column), out of sample. Every *.csv in DIR is one recording with a
// 0/1 `anomaly` column (bench/single-stream-prepare.ts makes them from public data).
// Protocol, the same for every file and never tuned per file:
//   - the training part is the recording's healthy start: its first 30%, or fewer readings
//     when a labelled anomaly starts earlier (training on healthy readings only, as a
//     maintenance team would; 30% leaves most of the recording to score);
//   - `isoscope train FILE --baseline first:N` with no other flag;
//   - the rest of the recording, written as a file of its own (so no state carries over from
//     training), is scored by `isoscope evaluate REST --label-column anomaly`: every figure
//     is OUT OF SAMPLE, on readings the model never saw.
// --flags="..." adds train flags (to compare settings; the = keeps a value that starts with --);
// --keep leaves the files in a temp dir.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/engine/node-engine.js';

export const TRAIN_SHARE = 0.3;

interface Outcome {
  file: string;
  readings: number;
  trained: number;
  scored: number;
  positives: number;
  rocAuc: number;
  f1: number;
  falseAlarmRate: number;
  missedAlarmRate: number;
}

/** Readings in the healthy start: the first TRAIN_SHARE, cut before the first labelled anomaly. */
export function trainingPart(labels: number[]): number {
  const first = labels.indexOf(1);
  const share = Math.floor(labels.length * TRAIN_SHARE);
  return first < 0 ? share : Math.min(share, first);
}

function runFile(path: string, work: string, flags: string[]): Outcome {
  const cli = join(packageRoot(), 'bin', 'isoscope.js');
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  const header = lines[0].split(',');
  const at = header.indexOf('anomaly');
  if (at < 0) throw new Error(`${path}: no "anomaly" column`);
  const labels = lines.slice(1).map((l) => Number(l.split(',')[at]));
  const n = trainingPart(labels);
  if (n < 50) throw new Error(`${path}: only ${n} healthy readings before the first anomaly`);
  const name = basename(path, '.csv');
  const rest = join(work, `${name}-rest.csv`);
  writeFileSync(rest, [lines[0], ...lines.slice(1 + n)].join('\n') + '\n');
  const model = join(work, `${name}.model.json`);
  execFileSync(process.execPath, [cli, 'train', path, '--baseline', `first:${n}`, ...flags, '-o', model], { stdio: 'pipe' });
  const ev = JSON.parse(
    execFileSync(process.execPath, [cli, 'evaluate', rest, '--model', model, '--label-column', 'anomaly', '--json'], {
      maxBuffer: 1 << 28,
    }).toString(),
  ) as { readings: number; positives: number; rocAuc: number; f1: number; falseAlarmRate: number; missedAlarmRate: number };
  return { ...ev, file: name, readings: labels.length, trained: n, scored: ev.readings };
}

const pc = (x: number) => `${(x * 100).toFixed(1)}%`;

function main(): void {
  const { values } = parseArgs({ options: { dir: { type: 'string' }, flags: { type: 'string' }, keep: { type: 'boolean' } } });
  if (!values.dir) {
    console.error('usage: npm run bench:single -- --dir DIR [--flags="--window 30"] [--keep]');
    process.exit(2);
  }
  const files = readdirSync(values.dir)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  if (!files.length) throw new Error(`no *.csv recordings in ${values.dir}`);
  const flags = values.flags?.split(/\s+/).filter(Boolean) ?? [];
  const work = mkdtempSync(join(tmpdir(), 'isoscope-single-'));
  const out: Outcome[] = [];
  try {
    console.log(
      `## Single-stream recordings, CLI defaults${flags.length ? ` + ${flags.join(' ')}` : ''} (OUT OF SAMPLE: scored readings come after the training part)\n`,
    );
    console.log('| recording | readings | trained on (first) | scored | anomalous scored | ROC AUC | F1 | false-alarm rate | missed |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const f of files) {
      const o = runFile(join(values.dir, f), work, flags);
      out.push(o);
      console.log(
        `| ${o.file} | ${o.readings} | ${o.trained} | ${o.scored} | ${o.positives} | ${o.rocAuc.toFixed(3)} | ${o.f1.toFixed(3)} | ${pc(o.falseAlarmRate)} | ${pc(o.missedAlarmRate)} |`,
      );
    }
    const mean = (k: 'rocAuc' | 'f1' | 'falseAlarmRate' | 'missedAlarmRate') => out.reduce((s, o) => s + o[k], 0) / out.length;
    console.log(
      `| **mean of ${out.length}** | | | | | ${mean('rocAuc').toFixed(3)} | ${mean('f1').toFixed(3)} | ${pc(mean('falseAlarmRate'))} | ${pc(mean('missedAlarmRate'))} |`,
    );
    console.log(`\nissue 11's floor for the held-out benchmark: F1 >= 0.80 at a false-alarm rate <= 15%`);
  } finally {
    if (values.keep) console.log(`files kept in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main();
