// Data-quality profile: per-column statistics in one pass (plus a capped distinct
// count), constant / near-constant / flat-lined flags, and the default feature set
// with a reason for every column in or out.
import { columnByRole, type ColumnRole, type Dataset } from './dataset.js';
import { DistinctCounter, type DistinctState } from './distinct.js';
import { IO, IO_SLOTS, type ProfileKernel } from './profile-kernel.js';
import { isBatchName, isIdName, isMachineWord } from './roles.js';
import type { TimeGaps } from './time-gaps.js';

export const DISTINCT_CAP = 10000;
/** A non-constant column whose most common value covers this share of rows is near-constant. */
export const NEAR_CONSTANT_SHARE = 0.95;
/** A run of identical consecutive values (within a unit) this long or longer is a flat line. */
export const FLAT_RUN_MIN = 20;
/** A column that rises at every one of at least this many readings (within a unit) is a counter. */
export const COUNTER_MIN = 10;

export interface ColumnProfile {
  name: string;
  role: ColumnRole;
  count: number;
  missing: number;
  nonNumeric: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  /** Exact up to DISTINCT_CAP; DISTINCT_CAP means "at least". */
  distinct: number;
  constant: boolean;
  nearConstant: boolean;
  /** Longest run of one repeated value within a unit. */
  longestFlatRun: number;
  /** The unit of that run (NaN without a unit column), so a stuck sensor is named with its machine. */
  longestFlatUnit: number;
  flatLined: boolean;
  /** Every reading is present and higher than the one before it in its unit: a row number, clock or running total. */
  counter: boolean;
  /** Every value a whole number (an id, a code, a count), none with a fraction; false without values. */
  whole: boolean;
  /** The time axis only: steps within a unit far longer than the usual one (time-gaps.ts). */
  gaps?: TimeGaps;
  feature: boolean;
  reason: string;
}

export interface Profile {
  rows: number;
  units: number;
  columns: ColumnProfile[];
  defaultFeatures: string[];
}

export function profileDataset(ds: Dataset, kernel?: ProfileKernel): Profile {
  // A column has at most ds.rows distinct values: a table sized for that counts the same, and a wide one-row file stays fast.
  const acc = new ProfileAccumulator(ds.rows, kernel);
  acc.add(ds);
  return acc.profile();
}

/** One column's running statistics (mean and variance joined piece by piece), flat runs within a unit, and distinct values. */
class ColumnStats {
  count = 0;
  missing = 0;
  nonNumeric = 0;
  mean = 0;
  m2 = 0;
  min = Infinity;
  max = -Infinity;
  run = 0;
  longest = 0;
  /** The units of the current run and of the longest. */
  runUnit = NaN;
  longestUnit = NaN;
  prev = NaN;
  /** No value so far was missing or at or below the one before it in its unit. */
  rising = true;
  /** Readings compared with the one before them in their unit (a counter must be seen rising, not just never falling). */
  steps = 0;
  /** Every value so far a whole number (a code or a count, not a measurement with fractions). */
  whole = true;
  readonly seen: DistinctCounter;

  constructor(distinctSlots: number, from?: ColumnState) {
    this.seen = new DistinctCounter(distinctSlots, from?.seen);
    if (from) Object.assign(this, { ...from, seen: this.seen });
  }

  state(): ColumnState {
    const { count, missing, nonNumeric, mean, m2, min, max, run, longest, runUnit, longestUnit, prev, rising, steps, whole } = this;
    return {
      whole,
      count,
      missing,
      nonNumeric,
      mean,
      m2,
      min,
      max,
      run,
      longest,
      runUnit,
      longestUnit,
      prev,
      rising,
      steps,
      seen: this.seen.state(),
    };
  }

  /**
   * Takes in the statistics of the rows that follow in file order (Chan's update for the
   * mean and variance). A flat run may cross the seam: `lead` is how many of the later
   * rows repeat this part's last value in the same unit, and `all` whether that is all of them;
   * `seam` how the later rows' first value compares with this part's last in the same unit.
   */
  follow(next: ColumnState, lead: number, all: boolean, seam: 'rises' | 'falls' | 'apart'): void {
    this.rising = this.rising && next.rising && seam !== 'falls';
    this.whole = this.whole && next.whole;
    this.steps += next.steps + (seam === 'apart' ? 0 : 1);
    if (next.count) this.join(next.count, next.mean, next.m2);
    this.missing += next.missing;
    this.nonNumeric += next.nonNumeric;
    // As one pass compares (0 and -0 keep whichever came first).
    if (next.min < this.min) this.min = next.min;
    if (next.max > this.max) this.max = next.max;
    const joined = lead ? this.run + lead : 0;
    // The longest run's unit: a run joined across the seam is this part's last run's unit.
    const longest = Math.max(this.longest, next.longest, joined);
    this.longestUnit =
      longest === joined && joined > this.longest ? this.runUnit : longest > this.longest ? next.longestUnit : this.longestUnit;
    this.longest = longest;
    this.run = all && lead ? joined : next.run;
    this.runUnit = next.runUnit;
    this.prev = next.prev;
    this.seen.merge(next.seen);
  }

  add(v: Float64Array, unit: Float64Array | undefined, unitBefore: number, kernel?: ProfileKernel): void {
    if (kernel) return this.addWith(kernel, v, unit, unitBefore);
    // The piece's sums around its first value (no division per value), joined to the running
    // mean and variance with Chan's update, as pieces from another worker are.
    let n = 0;
    let shift = NaN;
    let sum = 0;
    let sq = 0;
    let { min, max, run, longest, runUnit, longestUnit, prev, rising, steps, whole } = this;
    const seen = this.seen;
    // Without a unit column every reading is in the one unit (0 here); the unit before is carried, not read again.
    let lastUnit = unit ? unitBefore : 0;
    for (let i = 0, length = v.length; i < length; i++) {
      const u = unit ? unit[i] : 0;
      const sameUnit = u === lastUnit;
      lastUnit = u;
      const x = v[i];
      if (x !== x) {
        prev = NaN;
        run = 0;
        rising = false;
        continue;
      }
      if (n++ === 0) shift = x;
      const d = x - shift;
      sum += d;
      sq += d * d;
      if (x < min) min = x;
      if (x > max) max = x;
      if (sameUnit && prev === prev) {
        steps++;
        if (x <= prev) rising = false;
      }
      if (x === prev && sameUnit) {
        if (++run > longest) {
          longest = run;
          longestUnit = runUnit;
        }
      } else {
        run = 1;
        runUnit = unit ? u : NaN;
        if (longest < 1) {
          longest = 1;
          longestUnit = runUnit;
        }
      }
      // Within this piece the value before was counted just now: count it again without hashing.
      if (x === prev && i > 0) seen.repeat();
      else {
        seen.add(x);
        if (whole && x !== Math.floor(x)) whole = false;
      }
      prev = x;
    }
    Object.assign(this, { min, max, run, longest, runUnit, longestUnit, prev, rising, steps, whole });
    if (n) this.join(n, shift + sum / n, Math.max(0, sq - (sum * sum) / n));
  }

  /** As add, the loop run by the kernel on the same figures. */
  private addWith(kernel: ProfileKernel, v: Float64Array, unit: Float64Array | undefined, unitBefore: number): void {
    const io = new Float64Array(IO_SLOTS);
    io[IO.shift] = NaN;
    io[IO.min] = this.min;
    io[IO.max] = this.max;
    io[IO.run] = this.run;
    io[IO.longest] = this.longest;
    io[IO.runUnit] = this.runUnit;
    io[IO.longestUnit] = this.longestUnit;
    io[IO.prev] = this.prev;
    io[IO.rising] = this.rising ? 1 : 0;
    io[IO.steps] = this.steps;
    io[IO.whole] = this.whole ? 1 : 0;
    io[IO.lastUnit] = unit ? unitBefore : 0;
    kernel.addValues(v, unit, io, this.seen);
    this.min = io[IO.min];
    this.max = io[IO.max];
    this.run = io[IO.run];
    this.longest = io[IO.longest];
    this.runUnit = io[IO.runUnit];
    this.longestUnit = io[IO.longestUnit];
    this.prev = io[IO.prev];
    this.rising = io[IO.rising] !== 0;
    this.steps = io[IO.steps];
    this.whole = io[IO.whole] !== 0;
    const n = io[IO.n];
    const sum = io[IO.sum];
    if (n) this.join(n, io[IO.shift] + sum / n, Math.max(0, io[IO.sq] - (sum * sum) / n));
  }

  /** Chan's update: n more values of this mean and sum of squared deviations. */
  private join(n: number, mean: number, m2: number): void {
    const total = this.count + n;
    const delta = mean - this.mean;
    this.m2 += m2 + (delta * delta * this.count * n) / total;
    this.mean += (delta * n) / total;
    this.count = total;
  }
}

interface ColumnState {
  count: number;
  missing: number;
  nonNumeric: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
  run: number;
  longest: number;
  runUnit: number;
  longestUnit: number;
  prev: number;
  rising: boolean;
  steps: number;
  whole: boolean;
  seen: DistinctState;
}

/** A profile in progress as plain data, to cross a worker boundary. */
export interface AccumulatorState {
  names: string[];
  roles: ColumnRole[];
  stats: ColumnState[];
  rows: number;
  units: Float64Array;
  unitBefore: number;
  distinctSlots: number;
}

/**
 * The profile of a dataset given whole or in pieces of rows in file order (a file larger than
 * memory): every statistic carries from one piece to the next, so the result is the same.
 * Pieces accumulated apart (in two workers) join with `follow`.
 */
export class ProfileAccumulator {
  private names: string[] = [];
  private roles: ColumnRole[] = [];
  private stats: ColumnStats[] = [];
  private rows = 0;
  private units = new Set<number>();
  private unitBefore = NaN;
  private distinctSlots: number;
  private readonly kernel?: ProfileKernel;

  /**
   * rows: how many rows the data has at most, when known (sizes the distinct-value tables);
   * kernel: the loop's fast path (the ingest workers' Wasm), with the same figures.
   */
  constructor(rows = DISTINCT_CAP, kernel?: ProfileKernel) {
    this.distinctSlots = Math.min(DISTINCT_CAP, Math.max(1, rows));
    this.kernel = kernel;
  }

  state(): AccumulatorState {
    const { names, roles, rows, unitBefore, distinctSlots } = this;
    return { names, roles, rows, unitBefore, distinctSlots, stats: this.stats.map((s) => s.state()), units: Float64Array.from(this.units) };
  }

  static fromState(s: AccumulatorState): ProfileAccumulator {
    const acc = new ProfileAccumulator(s.distinctSlots);
    acc.names = s.names;
    acc.roles = s.roles;
    acc.rows = s.rows;
    acc.unitBefore = s.unitBefore;
    acc.stats = s.stats.map((c) => new ColumnStats(s.distinctSlots, c));
    for (const u of s.units) acc.units.add(u);
    return acc;
  }

  /**
   * Takes in the profile of the rows that follow these in file order, accumulated apart
   * (`next`, over `later`'s rows): the figures one pass over all rows gives (the mean and
   * std up to rounding). `later` is read only where a flat run may cross the seam.
   */
  follow(next: AccumulatorState, later: Dataset): void {
    if (next.rows === 0) return;
    if (this.rows === 0) return void Object.assign(this, ProfileAccumulator.fromState(next), { kernel: this.kernel });
    if (next.names.join('\n') !== this.names.join('\n')) throw new Error('profiles of different columns cannot join');
    const unit = columnByRole(later, 'unit')?.values;
    const sameUnit = !unit || unit[0] === this.unitBefore;
    this.stats.forEach((st, k) => {
      const v = later.columns[k].values;
      let lead = 0;
      if (sameUnit && st.prev === st.prev) while (lead < v.length && v[lead] === st.prev && (!unit || unit[lead] === unit[0])) lead++;
      const seam = !sameUnit || st.prev !== st.prev || v[0] !== v[0] ? 'apart' : v[0] > st.prev ? 'rises' : 'falls';
      st.follow(next.stats[k], lead, lead === v.length, seam);
    });
    for (const u of next.units) this.units.add(u);
    this.unitBefore = next.unitBefore;
    this.rows += next.rows;
  }

  add(ds: Dataset): void {
    if (this.rows === 0) {
      this.names = ds.columns.map((c) => c.name);
      this.roles = ds.columns.map((c) => c.role);
      this.stats = ds.columns.map(() => new ColumnStats(this.distinctSlots));
    }
    const unit = columnByRole(ds, 'unit')?.values;
    ds.columns.forEach((c, k) => {
      const st = this.stats[k];
      st.missing += c.missing;
      st.nonNumeric += c.nonNumeric;
      st.add(c.values, unit, this.unitBefore, this.kernel);
    });
    if (unit) {
      // A unit's rows come together: each run is added once.
      for (let i = 0; i < unit.length; i++) if (unit[i] !== unit[i - 1] && !Number.isNaN(unit[i])) this.units.add(unit[i]);
      if (unit.length) this.unitBefore = unit[unit.length - 1];
    }
    this.rows += ds.rows;
  }

  profile(): Profile {
    const rows = this.rows;
    const columns = this.stats.map((st, k) => {
      const role = this.roles[k];
      const { count, min, max } = st;
      const distinct = st.seen.size;
      const constant = count > 0 && min === max;
      const top = st.seen.topCount();
      const nearConstant = !constant && count > 0 && distinct < DISTINCT_CAP && top / count >= NEAR_CONSTANT_SHARE;
      const flatLined = (role === 'feature' || role === 'setting') && !constant && st.longest >= FLAT_RUN_MIN && distinct > 2;
      // Seen rising at most readings: readings of machines interleaved in time are rarely next to their own unit's.
      const counter = st.rising && count === rows && st.steps >= COUNTER_MIN && st.steps * 2 >= rows;
      const base = {
        name: this.names[k],
        role,
        count,
        missing: st.missing,
        nonNumeric: st.nonNumeric,
        min: count ? min : NaN,
        max: count ? max : NaN,
        // Values near ±1.8e308 overflow the running sums: an infinite mean or spread is none, and the reason says why.
        mean: count && Number.isFinite(st.mean) ? st.mean : NaN,
        std: count && Number.isFinite(st.m2) ? Math.sqrt(st.m2 / count) : NaN,
        distinct,
        constant,
        nearConstant,
        longestFlatRun: st.longest,
        longestFlatUnit: st.longestUnit,
        flatLined,
        counter,
        whole: count > 0 && st.whole,
      };
      return { ...base, ...defaultInclusion(base, rows) };
    });
    return { rows, units: this.units.size, ...withDefaults(columns) };
  }
}

/**
 * The profile of `ds` from an accumulator that has seen all its rows but not every column
 * (ground truth derived after the read): the columns it lacks are profiled here.
 */
export function profileAdding(acc: ProfileAccumulator, ds: Dataset, kernel?: ProfileKernel): Profile {
  const known = acc.profile();
  const lacking = ds.columns.filter((c) => !known.columns.some((k) => k.name === c.name));
  if (!lacking.length) return known;
  const unit = columnByRole(ds, 'unit');
  const extra = profileDataset({ ...ds, columns: [...(unit ? [unit] : []), ...lacking] }, kernel);
  const columns = ds.columns.map((c) => known.columns.find((k) => k.name === c.name) ?? extra.columns.find((k) => k.name === c.name)!);
  return { ...known, ...withDefaults(columns) };
}

type Stats = Omit<ColumnProfile, 'feature' | 'reason'>;

/**
 * Values an id column would hold: whole numbers, at most 1,000 of them, each over 20 rows or
 * more on average (a sensor's readings take many values, a machine's number few).
 */
export function fewWholeValues(c: Pick<ColumnProfile, 'whole' | 'distinct'>, rows: number): boolean {
  return c.whole && c.distinct <= 1000 && c.distinct * 20 <= rows;
}

/** A column missing in more than this share of rows is left out by default (unless every candidate is). */
const OFTEN_MISSING = 0.05;
const OFTEN_MISSING_WORDS = 'often missing';

/**
 * The default features: every column defaultInclusion takes, or, when it takes none and some
 * were left out only for being often missing (sensors logged in turns, one per row), those.
 */
function withDefaults(columns: ColumnProfile[]): { columns: ColumnProfile[]; defaultFeatures: string[] } {
  if (!columns.some((c) => c.feature)) {
    const often = (c: ColumnProfile) => c.reason.startsWith(`${OFTEN_MISSING_WORDS} (`);
    columns = columns.map((c) =>
      often(c)
        ? {
            ...c,
            feature: true,
            reason: `sensor; note ${c.reason.slice(0, c.reason.indexOf(')') + 1)}: a reading that lacks it is not scored`,
          }
        : c,
    );
  }
  return { columns, defaultFeatures: columns.filter((c) => c.feature).map((c) => c.name) };
}

function defaultInclusion(c: Stats, rows: number): { feature: boolean; reason: string } {
  switch (c.role) {
    case 'unit':
      return { feature: false, reason: 'unit id: identifies the machine, not its health' };
    case 'time':
      // Readings that share a time in one unit: several tags in one column (long format), or machines without a unit column.
      return c.longestFlatRun > 1
        ? {
            feature: false,
            reason: `time axis; note up to ${c.longestFlatRun} readings in a row share a time: several tags in one column, or machines without a unit column?`,
          }
        : { feature: false, reason: 'time axis: orders readings, not a health signal' };
    case 'label':
      return { feature: false, reason: 'label: ground truth for evaluation, never a feature' };
    case 'rul':
      return { feature: false, reason: 'remaining useful life: ground truth, never a feature' };
    case 'setting':
      return { feature: false, reason: 'operating setting: a condition, not a health signal' };
  }
  if (c.count === 0) return { feature: false, reason: 'no numeric values' };
  if (Number.isNaN(c.mean) || Number.isNaN(c.std))
    return {
      feature: false,
      reason: `values as large as ${Math.max(-c.min, c.max).toExponential(1)} overflow float64 sums (no mean or spread): rescale the column (other units) to use it`,
    };
  if (c.constant) return { feature: false, reason: `constant (always ${c.min})` };
  if (c.nearConstant) return { feature: false, reason: `near-constant (one value in ≥${NEAR_CONSTANT_SHARE * 100}% of rows)` };
  if (c.count < rows * 0.5) return { feature: false, reason: `mostly missing (${rows - c.count} of ${rows} cells)` };
  // A row number or running total makes late readings look unusual for being late.
  if (isIdName(c.name))
    return {
      feature: false,
      reason: 'an id that is not the unit column (every value differs, or not whole numbers): it names, it does not measure',
    };
  if (c.counter) return { feature: false, reason: 'rises at every reading: a row number, clock or running total, not a health signal' };
  // Batches run for many readings each; a state of charge or a count with fractions is a reading.
  if (isBatchName(c.name) && c.whole && c.distinct * 20 <= rows)
    return {
      feature: false,
      reason: 'numbers a batch, lot or order: what was made, not how the machine is (tick it if it is a reading)',
    };
  // "Turbine" or "Pump" over a few whole numbers is most likely the machine's number, not a reading (two values may be a state: on/off).
  if (isMachineWord(c.name) && c.distinct >= 3 && fewWholeValues(c, rows))
    return {
      feature: false,
      reason: `names a machine? (${c.distinct} whole numbers): choose it as the unit column (step 1; --unit-column), or tick it if it is a reading`,
    };
  // A reading that lacks an input is not scored: one sensor often blank would leave that many readings unscored.
  if (c.count < rows * (1 - OFTEN_MISSING))
    return {
      feature: false,
      reason: `${OFTEN_MISSING_WORDS} (${rows - c.count} of ${rows} cells, ${((1 - c.count / rows) * 100).toFixed(0)}%): a reading that lacks it is not scored; tick it to use it anyway`,
    };
  if (c.flatLined) return { feature: true, reason: `sensor; note a flat line of ${c.longestFlatRun} readings` };
  return { feature: true, reason: 'varying sensor' };
}
