// Loading files on the page: the ingest worker parses them with progress; Cancel stops
// at once (a worker that does not stop within 300 ms is replaced). A failed or cancelled
// load leaves the loaded data, model and scores as they were. A file whose columns are
// mostly empty does not replace loaded data until the user says so.
import * as Comlink from 'comlink';
import type { Dataset } from '../data/dataset.js';
import type { Profile } from '../data/profile.js';
import type { ModelJson } from '../model/types.js';
import { isIdName, type UnitColumnChoice } from '../data/roles.js';
import type { IngestProgress } from '../services/ingest-service.js';
import type { Bus } from './bus.js';
import { plural } from './dom.js';
import type { Workers } from './engine-client.js';
import type { Busy } from './model-controller.js';
import { withPartsColumns } from '../data/parts-column.js';

/**
 * 'score': the user asked to score the file with the current model, so a file it cannot score is
 * refused. 'import': the loaded file read again by the unit column of a model being imported,
 * which scores it next (the model in use does not).
 */
export type LoadIntent = 'load' | 'score' | 'import';

export interface IngestHost {
  readonly bus: Bus;
  readonly workers: Workers;
  busy: Busy;
  progress?: IngestProgress;
  readonly dataName?: string;
  readonly model?: ModelJson;
  /** The unit column recorded by a model file waiting for the first data (null: one series; undefined: none waiting). */
  readonly heldUnitColumn?: string | null;
  /** Settles once a model file being checked to wait for the first data is held (or refused). */
  modelChecked(): Promise<void>;
  adoptDataset(dataset: Dataset, profile: Profile, unitColumn?: UnitColumnChoice, intent?: LoadIntent): Promise<void>;
  saveFiles(files: File[], entry?: string, unitColumn?: UnitColumnChoice): Promise<void>;
  /** Saves the work state shortly (saving new files clears the old state). */
  saveSoon(): void;
}

/** The files now loaded, as they were read: re-read when the user picks another unit column. */
interface Source {
  files: File[];
  entry?: string;
}

/** A parsed file waiting for the user's yes before it replaces the loaded data. */
export interface PendingReplace {
  name: string;
  /** Why it waits: "24 of 26 columns have no numbers". */
  reason: string;
  accept(): Promise<void>;
  reject(): void;
}

/** A column counts as empty when at least this share of its cells is missing or not a number. */
const EMPTY_SHARE = 0.9;
/** Reads at least this big leave enough garbage in the ingest workers to replace them. */
const FRESH_WORKERS_AFTER_BYTES = 32 * 1024 * 1024;

export class IngestController {
  pending?: PendingReplace;
  private source?: Source;
  private cancelLoad?: () => void;
  private readonly host: IngestHost;
  /** A file refused because the page was busy, told again in the past tense once it is not. */
  private refused?: { text: string; names: string; busy: Busy };

  constructor(host: IngestHost) {
    this.host = host;
    host.bus.on('status', () => this.retellRefusal());
  }

  private retellRefusal(): void {
    const h = this.host;
    const r = this.refused;
    if (!r || h.busy) return;
    this.refused = undefined;
    // Only while the refusal is still what step 1 shows: a newer message has already moved on.
    if (h.bus.messages.get('data')?.text !== r.text) return;
    const kept = h.dataName ? ` ${h.dataName} is still loaded.` : '';
    h.bus.fail('data', `${r.names} was not opened: the page was busy ${r.busy}. It is free now: open the file again.${kept}`);
  }

  /** Whether the loaded files can be read again with another unit column. */
  get canReread(): boolean {
    return !!this.source;
  }

  /**
   * Reads the loaded files again with the unit column the user picked (a name, null for one
   * series, undefined to go back to the column found by its name). Fails as any load does,
   * leaving the loaded data as it was.
   */
  reread(unitColumn: UnitColumnChoice | undefined, intent: LoadIntent = 'load'): Promise<void> {
    const s = this.source;
    if (!s) {
      this.host.bus.fail('data', 'Load a file first: the unit column is chosen for the loaded data.');
      return Promise.resolve();
    }
    return this.load(s.files, s.entry, true, intent, unitColumn);
  }

  /**
   * unitColumn: the user's choice; without one, a model's recorded unit column reads the file
   * when the file has that column, as `isoscope score` does.
   */
  async load(files: File[], entry?: string, persist = true, intent: LoadIntent = 'load', unitColumn?: UnitColumnChoice): Promise<void> {
    const h = this.host;
    if (h.busy) {
      const names = files.map((f) => f.name).join(', ') || 'The file';
      const text = `${names} was not opened: ${h.busy} is running. Open it again when ${h.busy} has finished; the data now loaded stays.`;
      this.refused = { text, names, busy: h.busy };
      return h.bus.fail('data', text);
    }
    this.dismiss();
    h.busy = 'loading';
    const names = files.map((f) => f.name).join(', ');
    h.bus.say('data', `Reading ${names}…`);
    const ingest = h.workers.ingest;
    // A model file dropped just before the data: its unit column reads the data.
    await h.modelChecked();
    const recorded = h.model ? h.model.keys?.unit : h.heldUnitColumn;
    const reading = unitColumn ?? (recorded ? { name: recorded, required: false } : undefined);
    let cancelled = false;
    /** A model imported with this data (one chosen before it) that tells units apart by a column the data was not read by. */
    let again: UnitColumnChoice | undefined;
    const stop = new Promise<never>((_, reject) => {
      this.cancelLoad = () => {
        cancelled = true;
        reject(new Error('cancelled'));
      };
    });
    try {
      const result = await Promise.race([
        stop,
        h.workers.call(ingest, (api) =>
          api.ingest(
            files,
            Comlink.proxy((p: IngestProgress) => {
              h.progress = p;
              h.bus.emit('progress');
            }),
            entry,
            reading,
          ),
        ),
      ]);
      const { profile, parts } = result;
      // A big file's readings arrive in two parts (data/parts-column.ts): they go on to the engine worker as they are.
      const dataset = withPartsColumns(result.dataset);
      h.workers.lastIngestParts = parts;
      const missing = intent === 'score' ? absentInputs(h.model, dataset) : [];
      if (missing.length) {
        h.bus.fail(
          'data',
          `${names} cannot be scored with model ${h.model?.id}: it has no column ${missing
            .slice(0, 4)
            .map((c) => `“${c}”`)
            .join(', ')}${missing.length > 4 ? ', …' : ''}. ${still(h)}`,
        );
        return;
      }
      const empty = emptyColumns(profile);
      // The column the file was read by when not found by its name: the user's pick, or a model's when the file has it
      // (a C-MAPSS unit_number or a pump_id is found by its name: the model's key changed nothing there).
      const read = dataset.columns.find((c) => c.role === 'unit')?.name;
      const byModel = reading && reading.name === read && dataset.format === 'csv' && !isIdName(read);
      const applied = unitColumn ?? (byModel ? reading : undefined);
      const adopt = async () => {
        // Known before the views draw the new data (they offer to read it again), and taken back if it is not adopted.
        const before = this.source;
        this.source = { files, entry };
        try {
          await h.adoptDataset(dataset, profile, applied, intent);
        } catch (e) {
          this.source = before;
          throw e;
        }
        if (persist) {
          await h.saveFiles(files, entry, applied);
          // The state goes with the files: a model kept (one unable to score these files included) outlives a reload.
          h.saveSoon();
        }
      };
      if (h.dataName && empty * 2 > profile.columns.length)
        return this.ask(names, `${empty} of ${profile.columns.length} columns have no numbers`, adopt);
      await adopt();
      const wanted = h.model?.keys?.unit;
      // Once only: a read by the model's column that still finds another unit (its cells all empty) is not tried again.
      if (!unitColumn && wanted && reading?.name !== wanted && wanted !== read && profile.columns.some((c) => c.name === wanted))
        again = { name: wanted, required: false };
      if (empty * 2 > profile.columns.length)
        h.bus.fail(
          'data',
          `${names}: ${empty} of ${plural(profile.columns.length, 'column')} have no numbers; check the delimiter and decimal separator.`,
        );
    } catch (e) {
      if (cancelled) h.bus.say('data', `Cancelled loading ${names}. ${still(h)}`);
      else h.bus.fail('data', `Could not load ${names}: ${sentence(withoutName((e as Error).message, names))} ${still(h)}`);
    } finally {
      this.cancelLoad = undefined;
      // An idle worker never collects its garbage: after a big read (about 660 MB left from a
      // 1 GB file) fresh ingest workers hand that memory back at once.
      if (!cancelled && files.reduce((n, f) => n + f.size, 0) >= FRESH_WORKERS_AFTER_BYTES && h.workers.ingest === ingest)
        h.workers.spawnIngest();
      h.busy = '';
      h.progress = undefined;
      h.bus.emit('progress', 'status');
    }
    if (again) await this.load(files, entry, persist, 'load', again);
  }

  /** Stops a load at once; a worker that does not stop within 300 ms (a long synchronous parse) is replaced. */
  cancel(): void {
    if (!this.cancelLoad) return;
    const { workers } = this.host;
    const worker = workers.ingest;
    const stopped = worker.api.cancel();
    this.cancelLoad();
    const timer = setTimeout(() => {
      if (workers.ingest === worker) workers.spawnIngest();
    }, 300);
    void stopped.then(
      () => clearTimeout(timer),
      () => undefined,
    );
  }

  private ask(name: string, reason: string, adopt: () => Promise<void>): void {
    const h = this.host;
    this.pending = {
      name,
      reason,
      accept: async () => {
        this.dismiss();
        h.busy = 'loading';
        try {
          await adopt();
        } finally {
          h.busy = '';
          h.bus.emit('status');
        }
      },
      reject: () => {
        this.dismiss();
        h.bus.say('data', `Kept ${h.dataName}; ${name} was not loaded.`);
      },
    };
    h.bus.fail('data', `${name}: ${reason}. Replace ${h.dataName} with it?`);
  }

  private dismiss(): void {
    this.pending = undefined;
    this.host.bus.emit('progress');
  }
}

/** A reader's message as a sentence, so the next one does not run on from it. */
function sentence(text: string): string {
  return /[.!?…]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}

function still(h: IngestHost): string {
  return h.dataName ? `Still showing ${h.dataName}.` : 'No data loaded.';
}

/** Reader messages start with the file's name; the page already says it. */
function withoutName(message: string, names: string): string {
  return message.startsWith(`${names}: `)
    ? message.slice(names.length + 2)
    : message.startsWith(`${names}, `)
      ? message.slice(names.length + 2)
      : message;
}

function emptyColumns(profile: Profile): number {
  return profile.columns.filter((c) => c.missing + c.nonNumeric >= EMPTY_SHARE * profile.rows).length;
}

/** The raw columns a model reads that the dataset lacks. */
export function absentInputs(model: ModelJson | undefined, ds: { columns: readonly { name: string }[] }): string[] {
  if (!model) return [];
  const have = new Set(ds.columns.map((c) => c.name));
  return [...(model.recipe?.inputs ?? model.features), ...(model.recipe?.regimes?.settings ?? [])].filter((n) => !have.has(n));
}
