// Runs in the ingest worker: streams dropped files through the readers with
// progress and cancel, profiles the result, and hands the columns over by transfer.
// A big C-MAPSS file is read together with a partner ingest worker (ingest-split.ts).
import * as Comlink from 'comlink';
import { addGroundTruth, ingestFiles, type IngestChoice } from '../data/ingest.js';
import type { UnitColumnChoice } from '../data/roles.js';
import { TextIngest, type NamedBytes } from '../data/text-ingest.js';
import { DataError, type Dataset } from '../data/dataset.js';
import { WasmEngine } from '../engine/wasm-engine.js';
import { MAX_PAGE_VALUES } from '../data/limits.js';
import { profileAdding, profileDataset, type Profile } from '../data/profile.js';
import { withTimeAxis } from '../data/time-axis.js';
import { cutFor, pump, readShare, readSplit, SPLIT_ABOVE, type FastPaths, type Share, type SharePartner } from './ingest-split.js';
import { transferring } from './transfer.js';

export interface IngestProgress {
  file: string;
  bytesRead: number;
  bytesTotal: number;
}

export interface IngestResult {
  dataset: Dataset;
  profile: Profile;
  /** How many workers read the file (2: a big C-MAPSS file split with the partner). */
  parts: number;
}

const ZIP_MAGIC = 0x04034b50;
const RUL_NAME = /^RUL_FD\d{3}\.txt$/i;

export class IngestService {
  private cancelled = false;
  private partner?: Comlink.Remote<SharePartner>;
  private partnerLost?: () => void;
  /** Files from this size on are split with the partner (tests set it lower). */
  private splitAbove = SPLIT_ABOVE;
  /** The C-MAPSS reader's and the profile's fast paths; without them (not loaded, or failed to load) the same loops run in JS. */
  private fast: FastPaths = {};

  private fastLoad?: Promise<void>;

  /**
   * Loads the Wasm engine for the C-MAPSS reader's and the profile's fast paths; a read started meanwhile
   * waits for it. Should it fail, the error goes to the caller and reads go on without it.
   */
  init(wasm: string | BufferSource): Promise<void> {
    this.fastLoad ??= (typeof wasm === 'string' ? WasmEngine.fromUrl(wasm) : WasmEngine.fromBytes(wasm)).then((engine) => {
      this.fast = { scanner: engine.cmapssScanner(), profiler: engine.columnProfiler() };
    });
    return this.fastLoad;
  }

  /** The fast paths once loaded (none if they never were, or failed). */
  private async fastPaths(): Promise<FastPaths> {
    await this.fastLoad?.catch(() => undefined);
    return this.fast;
  }

  cancel(): void {
    this.cancelled = true;
    void this.partner?.cancel().catch(() => undefined);
  }

  /** This worker reads shares for another ingest worker, over `port`. */
  servePartner(port: MessagePort): void {
    const partner: SharePartner = {
      readShare: async (file, name, from, to, onBytes) => {
        this.cancelled = false;
        return readShare(file, name, from, to, onBytes, () => this.cancelled, await this.fastPaths());
      },
      cancel: () => this.cancel(),
    };
    Comlink.expose(partner, port);
  }

  /** The partner worker's end (a new partner replaces a lost one). */
  usePartner(port: MessagePort): void {
    this.partner = Comlink.wrap<SharePartner>(port);
  }

  /** The partner died: a share it was reading is read here instead. */
  partnerGone(): void {
    this.partner = undefined;
    this.partnerLost?.();
  }

  setSplitAbove(bytes: number): void {
    this.splitAbove = bytes;
  }

  /**
   * One data file streams through the readers chunk by chunk; zips, RUL pairs and
   * several files go through ingestFiles (small by nature: C-MAPSS zips are ~12 MB).
   */
  async ingest(
    files: File[],
    onProgress: (p: IngestProgress) => void,
    entry?: string,
    unitColumn?: UnitColumnChoice,
  ): Promise<IngestResult> {
    this.cancelled = false;
    if (files.length === 0) throw new DataError('no files given');
    const streamable = files.length === 1 && !(await isZip(files[0])) && !RUL_NAME.test(files[0].name);
    if (!streamable) {
      const dataset = await this.readAll(files, onProgress, { entry, unitColumn });
      return transferring({ dataset, profile: withTimeAxis(profileDataset(dataset, this.fast.profiler), dataset), parts: 1 });
    }
    const file = files[0];
    if (file.size === 0) throw new DataError(`${file.name}: the file is empty`);
    await this.fastPaths();
    const report = throttle((bytesRead: number) => onProgress({ file: file.name, bytesRead, bytesTotal: file.size }));
    // Only a plain C-MAPSS file is split, and its unit column is fixed: one the user names is read whole, where it is refused.
    const partner = unitColumn?.required ? undefined : this.partner;
    const cut = partner ? await cutFor(file, this.splitAbove) : undefined;
    const read =
      partner && cut
        ? await this.readWithPartner(partner, file, cut, report)
        : { dataset: await this.readOne(file, report, unitColumn), parts: 1 };
    onProgress({ file: file.name, bytesRead: file.size, bytesTotal: file.size });
    const dataset = addGroundTruth(read.dataset);
    const { profiler } = this.fast;
    const profile = withTimeAxis(
      read.profile ? profileAdding(read.profile, dataset, profiler) : profileDataset(dataset, profiler),
      dataset,
    );
    return transferring({ dataset, profile, parts: read.parts });
  }

  private async readOne(file: File, report: (n: number) => void, unitColumn?: UnitColumnChoice): Promise<Dataset> {
    const ingest = new TextIngest(file.name, { maxValues: MAX_PAGE_VALUES, bytesHint: file.size, unitColumn, scanner: this.fast.scanner });
    await pump(file, ingest, report, () => this.cancelled);
    return ingest.finish();
  }

  private async readWithPartner(
    partner: Comlink.Remote<SharePartner>,
    file: File,
    cut: number,
    report: (n: number) => void,
  ): ReturnType<typeof readSplit> {
    let own = 0;
    let theirs = 0;
    let heard = Date.now();
    // The partner's reports count until its share is settled or given up (then this worker may read that half itself).
    let listening = true;
    const lost =
      this.partner === partner ? new Promise<undefined>((ok) => (this.partnerLost = () => ok(undefined))) : Promise.resolve(undefined);
    const share: Promise<Share | undefined> = Promise.race([
      partner
        .readShare(
          file,
          file.name,
          cut,
          file.size,
          Comlink.proxy((n: number) => {
            if (!listening) return;
            theirs = n;
            heard = Date.now();
            report(Math.min(file.size, own + theirs));
          }),
        )
        .catch(() => undefined),
      lost,
    ]).finally(() => (listening = false));
    let used = false;
    try {
      const read = await readSplit(
        file,
        cut,
        { share, silentFor: () => Date.now() - heard },
        (n) => {
          own = n;
          if (n === cut) heard = Date.now();
          // Past the cut this worker reads the far half itself: the partner's count no longer adds.
          if (n > cut) listening = false;
          report(Math.min(file.size, n > cut ? n : own + theirs));
        },
        () => this.cancelled,
        this.fast,
      );
      used = read.parts === 2;
      return read;
    } finally {
      listening = false;
      this.partnerLost = undefined;
      // A share not joined (an error here, a fallback, a cancel) stops being read there: it would only compete for the cores.
      if (!used) void partner.cancel().catch(() => undefined);
    }
  }

  private async readAll(files: File[], onProgress: (p: IngestProgress) => void, choice: IngestChoice): Promise<Dataset> {
    const total = files.reduce((s, f) => s + f.size, 0);
    let read = 0;
    const named: NamedBytes[] = [];
    for (const f of files) {
      if (this.cancelled) throw new DataError('loading cancelled');
      named.push({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
      read += f.size;
      onProgress({ file: f.name, bytesRead: read, bytesTotal: total });
    }
    return ingestFiles(named, choice);
  }
}

/** At most one progress report per 100 ms. */
function throttle(report: (n: number) => void): (n: number) => void {
  let last = 0;
  return (n) => {
    const now = performance.now();
    if (now - last > 100) {
      last = now;
      report(n);
    }
  };
}

async function isZip(file: File): Promise<boolean> {
  const head = new DataView(await file.slice(0, 4).arrayBuffer());
  return head.byteLength === 4 && head.getUint32(0, true) === ZIP_MAGIC;
}
