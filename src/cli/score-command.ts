import { windowToFill } from '../model/unscored-words.js';
import { availableParallelism } from 'node:os';
import { columnByRole, featureColumns, type Dataset } from '../data/dataset.js';
import { scoresCsvHeaderLine, scoresCsvRows, type ScoresTable } from '../data/scores-csv.js';
import { alarmTrace } from '../alarms/alarm-trace.js';
import { alarmRule } from '../model/alarm-rule.js';
import { LoadedModel, streamInputsOf } from '../model/loaded-model.js';
import { OutOfOrderError, PieceOrder, PieceScorer, type ScoredPiece } from '../model/piece-scorer.js';
import type { ModelJson } from '../model/types.js';
import type { WasmEngine } from '../engine/wasm-engine.js';
import { int, parseFileCommand } from './args.js';
import { UsageError } from './errors.js';
import { readDataset, readModel, streamDataset } from './files.js';
import { refuseOverwrite, writeText } from './output-file.js';
import { CheckSample, checkedInputs } from './check-sample.js';
import { CMAPSS_COLUMNS } from '../data/cmapss.js';
import { verdictLine } from '../model/model-check.js';
import { OutputSink } from './output-sink.js';
import { ScoreThreads, type ScoredText } from './score-threads.js';
import type { UnitColumnChoice } from '../data/roles.js';
import { unitKeyNote } from '../model/unit-key-note.js';
import { SilenceTracker, silenceWords } from '../data/unit-silence.js';
import { UNIT_COLUMN_OPTION, UNIT_COLUMN_USAGE, unitColumnChoice } from './unit-column.js';

export const SCORE_USAGE = `isoscope score <file> --model model.json [-o scores.csv] [--report check.json] [--threads N] [--timings] [--entry name] ${UNIT_COLUMN_USAGE}`;

/** How the file is read: the zip entry, and the unit column named or recorded by the model. */
interface FileRead {
  entry?: string;
  unitColumn?: UnitColumnChoice;
}

/** Pieces scored ahead of the one being written. */
const IN_FLIGHT = 4;

interface Totals {
  rows: number;
  /** What the model–data check reads of the file. */
  sample: CheckSample;
  unscorable: number;
  parseMs: number;
  scoreMs: number;
  /** The unit column the file was read by, and its columns (from its first piece). */
  units?: { read: string | null; names: string[] };
  /** Units whose readings stopped long before the rest's (on timestamps), and the unit column's text ids. */
  silence: SilenceTracker;
  labels?: string[];
}

/** Each piece's unit and timestamps to the silence tracker; text ids are kept from the latest piece, which has them all. */
function trackSilence(totals: Totals, ds: Dataset): void {
  const time = columnByRole(ds, 'time');
  const unit = columnByRole(ds, 'unit');
  if (!time?.timestamp || !unit) return;
  totals.silence.add(time.values, unit.values);
  totals.labels = unit.labels;
}

function unitsOf(ds: Dataset): Totals['units'] {
  return { read: columnByRole(ds, 'unit')?.name ?? null, names: ds.columns.map((c) => c.name) };
}

export async function scoreCommand(
  argv: string[],
  engine: () => Promise<WasmEngine>,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<void> {
  const parsed = parseFileCommand(
    argv,
    {
      model: { type: 'string' },
      threads: { type: 'string' },
      timings: { type: 'boolean' },
      report: { type: 'string' },
      ...UNIT_COLUMN_OPTION,
    },
    SCORE_USAGE,
    out,
  );
  if (!parsed) return;
  const { values, file } = parsed;
  if (!values.model) throw new UsageError(`score needs --model model.json\nusage: ${SCORE_USAGE}`);
  const threads = int(values.threads, '--threads', availableParallelism(), 1, 256);
  refuseOverwrite(values.output, '-o', [file, values.model]);
  refuseOverwrite(values.report, '--report', [file, values.model], [['-o', values.output]]);
  const model = readModel(values.model);
  const read: FileRead = { entry: values.entry, unitColumn: unitColumnChoice(values['unit-column'], model) };
  const sink = new OutputSink(values.output, out);
  const t0 = performance.now();
  let totals: Totals;
  try {
    totals = await scoreStreamed(file, read, model, threads, engine, sink, err);
  } catch (e) {
    if (!(e instanceof OutOfOrderError)) {
      sink.abandon();
      throw e;
    }
    if (!sink.restartable) {
      throw new OutOfOrderError(`${e.message}; score streams its input, so sort the file by unit and time, or give -o FILE`);
    }
    // Scored whole instead: the readings are put in time order per unit first.
    sink.restart();
    totals = await scoreWhole(file, read, model, engine, sink).catch((e: unknown) => {
      sink.abandon();
      throw e;
    });
  }
  sink.close();
  const units = totals.units;
  const key = units && unitKeyNote(model, units.read, (n) => units.names.includes(n));
  if (key) err(`isoscope: warning: ${key}`);
  const silence = totals.silence.result();
  if (silence) err(`isoscope: note: ${silenceWords(silence, totals.labels)}`);
  const { check, report } = totals.sample.result(totals.rows, totals.rows - totals.unscorable);
  if (check && check.verdict !== 'ok') err(`isoscope: ${verdictLine(check)}`);
  if (values.report) writeText(values.report, JSON.stringify(report, null, 2));
  if (totals.unscorable) err(`isoscope: ${unscoredWords(model, totals.unscorable, totals.rows)}`);
  if (values.timings) {
    const round = (ms: number) => Math.round(ms * 100) / 100;
    err(
      JSON.stringify({
        rows: totals.rows,
        parse_ms: round(totals.parseMs),
        score_ms: round(totals.scoreMs),
        total_ms: round(performance.now() - t0),
        threads,
      }),
    );
  }
}

/** The file read, scored and written piece by piece: memory follows a piece, not the file. */
async function scoreStreamed(
  file: string,
  read: FileRead,
  model: ModelJson,
  threads: number,
  engine: () => Promise<WasmEngine>,
  sink: OutputSink,
  warn: (line: string) => void,
): Promise<Totals> {
  const totals: Totals = { rows: 0, sample: new CheckSample(model), unscorable: 0, parseMs: 0, scoreMs: 0, silence: new SilenceTracker() };
  const order = new PieceOrder();
  const inputs = streamInputsOf(model);
  const pool = threads > 1 ? new ScoreThreads(model, inputs, threads) : undefined;
  const local = pool ? undefined : new LoadedModel(await engine(), model);
  const scorer = local && new PieceScorer(local);
  const queue: Promise<ScoredText>[] = [];
  const writeOldest = async () => {
    const { text, unscorable } = await queue.shift()!;
    sink.write(text);
    totals.unscorable += unscorable;
  };
  let mark = performance.now();
  try {
    await streamDataset(file, { ...read, columns: parsedColumns(model, inputs), warn }, async (ds) => {
      totals.parseMs += performance.now() - mark;
      order.accept(ds);
      totals.units ??= unitsOf(ds);
      totals.sample.add(ds);
      trackSilence(totals, ds);
      featureColumns(ds, inputs); // a missing column is named here, before any thread sees the piece
      if (totals.rows === 0) sink.write(scoresCsvHeaderLine(tableOf(ds, model)));
      if (scorer) {
        const t = performance.now();
        const scored = scorer.score(ds);
        totals.scoreMs += performance.now() - t;
        sink.write(scoresCsvRows(tableOf(ds, model, scored), 0, ds.rows, totals.rows));
        totals.unscorable += scored.unscorable;
      } else {
        queue.push(pool!.score(ds, totals.rows));
        if (queue.length >= IN_FLIGHT) await writeOldest();
      }
      totals.rows += ds.rows;
      mark = performance.now();
    });
    while (queue.length) await writeOldest();
  } finally {
    // Settle what is still in flight before the threads go, so no rejection is left unhandled.
    await Promise.allSettled(queue);
    if (pool) {
      totals.scoreMs = pool.scoreMs;
      await pool.close();
    }
    local?.dispose();
  }
  return totals;
}

/**
 * The C-MAPSS columns score reads: unit, time, the model's inputs and what the data check
 * reads. All of them when the model names a column C-MAPSS lacks, so the error lists the file's.
 */
function parsedColumns(model: ModelJson, inputs: string[]): ((name: string) => boolean) | undefined {
  const needed = new Set([CMAPSS_COLUMNS[0], CMAPSS_COLUMNS[1], ...inputs, ...checkedInputs(model)]);
  return [...needed].every((n) => CMAPSS_COLUMNS.includes(n)) ? (n) => needed.has(n) : undefined;
}

function tableOf(ds: Dataset, model: ModelJson, scored?: ScoredPiece): ScoresTable {
  // One series has its alarm as a fleet's units have theirs.
  const alarm = scored ? scored.alarm : new Uint8Array(0);
  return {
    unit: columnByRole(ds, 'unit'),
    time: columnByRole(ds, 'time'),
    scores: scored?.scores ?? new Float64Array(0),
    offset: model.threshold.offset,
    flags: scored?.flags ?? new Uint8Array(0),
    alarm,
  };
}

/** A file whose units go back in time, scored whole: the readings are ordered per unit first. */
async function scoreWhole(
  file: string,
  read: FileRead,
  model: ModelJson,
  engine: () => Promise<WasmEngine>,
  sink: OutputSink,
): Promise<Totals> {
  const t0 = performance.now();
  const ds = readDataset(file, { ...read, runToFailure: false });
  const parseMs = performance.now() - t0;
  const loaded = new LoadedModel(await engine(), model);
  const t1 = performance.now();
  const { scores, flags, unscorable } = loaded.scoreDataset(ds);
  const scoreMs = performance.now() - t1;
  loaded.dispose();
  const alarm = alarmTrace(ds, flags, alarmRule(model), scores).state;
  const table = tableOf(ds, model, { scores, flags, alarm, unscorable });
  sink.write(scoresCsvHeaderLine(table) + scoresCsvRows(table));
  const sample = new CheckSample(model);
  sample.add(ds);
  const totals: Totals = { rows: ds.rows, sample, unscorable, parseMs, scoreMs, units: unitsOf(ds), silence: new SilenceTracker() };
  trackSilence(totals, ds);
  return totals;
}

/** Why rows went unscored: a window that needs to fill (std over a full window) is the usual cause, not missing values. */
export function unscoredWords(model: ModelJson, unscored: number, rows: number): string {
  const filling = windowToFill(model);
  if (!filling) return `${unscored} row(s) have a missing or non-numeric feature and were not scored (empty score)`;
  const all = unscored === rows ? `none of the ${rows} row(s) was scored` : `${unscored} row(s) were not scored (empty score)`;
  const whose = model.keys?.unit === null ? ['of the series', "the series'"] : ['of a unit', "a unit's"];
  return `${all}: the model's window spread needs ${filling} readings ${whose[0]}, so ${whose[1]} first ${filling - 1} are not scored, nor is a reading with a missing or non-numeric input`;
}
