import { basename } from 'node:path';
import { addGroundTruth } from '../data/ingest.js';
import { ProfileAccumulator, type Profile } from '../data/profile.js';
import { withTimeAxis } from '../data/time-axis.js';
import { GAP_FACTOR, type TimeGaps } from '../data/time-gaps.js';
import type { Dataset } from '../data/dataset.js';
import { DataError } from '../data/dataset.js';
import { parse, oneFile } from './args.js';
import { isZipFile, readBytes, readDataset, streamDataset } from './files.js';
import { formatNumber, renderTable } from './table.js';
import { dateAt, dateSpan } from '../data/time-text.js';
import type { UnitColumnChoice } from '../data/roles.js';
import { UNIT_COLUMN_OPTION, UNIT_COLUMN_USAGE, unitColumnChoice } from './unit-column.js';

export const PROFILE_USAGE = `isoscope profile <file> [--rul RUL_file] [--entry name-in-zip] ${UNIT_COLUMN_USAGE} [--json]`;

export async function profileCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const { values, positionals } = parse(
    argv,
    { json: { type: 'boolean' }, rul: { type: 'string' }, entry: { type: 'string' }, ...UNIT_COLUMN_OPTION },
    PROFILE_USAGE,
  );
  if (values.help) return out(PROFILE_USAGE);
  const file = oneFile(positionals, PROFILE_USAGE);
  const unitColumn = unitColumnChoice(values['unit-column']);
  const {
    ds,
    profile,
    coded: codedNames,
  } = isZipFile(file) ? profileWhole(file, { ...values, unitColumn }) : await profileStreamed(file, values.rul, unitColumn);
  const labels = ds.columns.find((c) => c.role === 'unit')?.labels;
  const unitName = (u: number) => labels?.[u - 1] ?? String(u);
  if (values.json) {
    // Text ids are codes here: their min, max, mean and spread are no figures of the ids (null), and a unit is named as written.
    const columns = profile.columns.map((c) => ({
      ...c,
      ...(codedNames.has(c.name) ? { min: null, max: null, mean: null, std: null, textIds: true } : {}),
      longestFlatUnit: labels && Number.isFinite(c.longestFlatUnit) ? unitName(c.longestFlatUnit) : c.longestFlatUnit,
      ...(c.gaps && labels && Number.isFinite(c.gaps.longest.unit)
        ? { gaps: { ...c.gaps, longest: { ...c.gaps.longest, unit: unitName(c.gaps.longest.unit) } } }
        : {}),
    }));
    return out(JSON.stringify({ name: ds.name, format: ds.format, notes: ds.notes, ...profile, columns }, null, 2));
  }
  const flatWords = (c: (typeof profile.columns)[number]) =>
    `flat ${c.longestFlatRun}${Number.isNaN(c.longestFlatUnit) ? '' : ` in unit ${unitName(c.longestFlatUnit)}`}`;
  const gapWords = (g: TimeGaps, dated: boolean) => {
    const span = (d: number) => (dated ? dateSpan(d) : formatNumber(d));
    const where = `${Number.isNaN(g.longest.unit) ? '' : ` in unit ${unitName(g.longest.unit)}`} after ${dated ? dateAt(g.longest.after) : formatNumber(g.longest.after)}`;
    return `${g.count} gap(s) of ${GAP_FACTOR}x the usual step (${span(g.usualStep)}); longest ${span(g.longest.step)}${where}`;
  };
  const rows = profile.columns.map((c) => {
    // A timestamp column holds epoch milliseconds: its figures read as dates and a span (--json keeps the numbers).
    const dated = c.role === 'time' && ds.columns.some((d) => d.name === c.name && d.timestamp);
    // Text ids are coded 1, 2, … in order of appearance: a code's min, mean or spread says nothing about the ids.
    const coded = codedNames.has(c.name);
    const at = (v: number) => (coded ? '-' : dated && Number.isFinite(v) ? dateAt(v) : formatNumber(v));
    return [
      c.name,
      c.role,
      String(c.count),
      String(c.missing + c.nonNumeric),
      at(c.min),
      at(c.max),
      at(c.mean),
      coded ? '-' : dated && Number.isFinite(c.std) ? dateSpan(c.std) : formatNumber(c.std),
      c.distinct >= 10000 ? '10000+' : String(c.distinct),
      [c.constant && 'constant', c.nearConstant && 'near-constant', c.flatLined && flatWords(c), c.gaps && gapWords(c.gaps, dated)]
        .filter(Boolean)
        .join(',') || '-',
      c.feature ? 'yes' : 'no',
      c.reason,
    ];
  });
  const units = ds.columns.some((c) => c.role === 'unit') ? `${profile.units} units` : 'one series (no unit column)';
  out(`${ds.name}: ${ds.format}, ${profile.rows} rows, ${units}, ${profile.columns.length} columns`);
  ds.notes.forEach((n) => out(`note: ${n}`));
  out(renderTable(['column', 'role', 'count', 'missing', 'min', 'max', 'mean', 'std', 'distinct', 'flags', 'feature', 'why'], rows));
}

/** A zip, read whole (its directory is at its end). */
interface Profiled {
  ds: Dataset;
  profile: Profile;
  /** Columns of text ids, coded 1, 2, … (a streamed read keeps only the unit and time columns whole: noted per piece). */
  coded: Set<string>;
}

function codedIn(ds: Dataset, into: Set<string>): Set<string> {
  for (const c of ds.columns) if (c.labels) into.add(c.name);
  return into;
}

function profileWhole(file: string, opts: { rul?: string; entry?: string; unitColumn?: UnitColumnChoice }): Profiled {
  const ds = readDataset(file, { rul: opts.rul, entry: opts.entry, unitColumn: opts.unitColumn });
  const acc = new ProfileAccumulator(ds.rows);
  acc.add(ds);
  return { ds, profile: withTimeAxis(acc.profile(), ds), coded: codedIn(ds, new Set()) };
}

/**
 * Any other file in one streamed pass: memory follows a piece of rows, plus the unit and time
 * columns kept whole for the remaining useful life, which needs each unit's last reading.
 */
async function profileStreamed(file: string, rul: string | undefined, unitColumn?: UnitColumnChoice): Promise<Profiled> {
  const acc = new ProfileAccumulator();
  const coded = new Set<string>();
  const keys = await streamDataset(file, { keep: (c) => c.role === 'unit' || c.role === 'time', unitColumn }, (piece) => {
    codedIn(piece, coded);
    acc.add(piece);
  });
  const truth = addGroundTruth(keys, rul ? { name: basename(rul), bytes: readBytes(rul, 'RUL file') } : undefined);
  const profile = acc.profile();
  const rulColumn = truth.columns.find((c) => c.role === 'rul');
  if (rul && !rulColumn) throw new DataError(`${rul}: a RUL file pairs only with C-MAPSS data that has unit and cycle columns`);
  if (rulColumn) {
    // Profiled with its unit column, as in one pass over the whole dataset (runs are within a unit).
    const derived = new ProfileAccumulator();
    const unit = truth.columns.filter((c) => c.role === 'unit');
    derived.add({ ...truth, columns: [...unit, rulColumn] });
    profile.columns.push(derived.profile().columns.find((c) => c.role === 'rul')!);
  }
  // The unit and time columns are kept whole: the time axis's gaps are found as on the page.
  return { ds: truth, profile: withTimeAxis(profile, truth), coded };
}
