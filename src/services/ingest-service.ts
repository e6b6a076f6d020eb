// Runs in the ingest worker: streams dropped files through the readers with
// progress and cancel, profiles the result, and hands the columns over by transfer.
import { addGroundTruth, ingestFiles } from '../data/ingest.js';
import { TextIngest, type NamedBytes } from '../data/text-ingest.js';
import { DataError, type Dataset } from '../data/dataset.js';
import { MAX_PAGE_VALUES } from '../data/limits.js';
import { profileDataset, type Profile } from '../data/profile.js';
import { transferring } from './transfer.js';

export interface IngestProgress {
  file: string;
  bytesRead: number;
  bytesTotal: number;
}

export interface IngestResult {
  dataset: Dataset;
  profile: Profile;
}

const CHUNK = 4 * 1024 * 1024;
const ZIP_MAGIC = 0x04034b50;
const RUL_NAME = /^RUL_FD\d{3}\.txt$/i;

export class IngestService {
  private cancelled = false;

  cancel(): void {
    this.cancelled = true;
  }

  /**
   * One data file streams through the readers chunk by chunk; zips, RUL pairs and
   * several files go through ingestFiles (small by nature: C-MAPSS zips are ~12 MB).
   */
  async ingest(files: File[], onProgress: (p: IngestProgress) => void, entry?: string): Promise<IngestResult> {
    this.cancelled = false;
    if (files.length === 0) throw new DataError('no files given');
    const streamable = files.length === 1 && !(await isZip(files[0])) && !RUL_NAME.test(files[0].name);
    const dataset = streamable ? await this.streamOne(files[0], onProgress) : await this.readAll(files, onProgress, entry);
    return transferring({ dataset, profile: profileDataset(dataset) });
  }

  private async streamOne(file: File, onProgress: (p: IngestProgress) => void): Promise<Dataset> {
    if (file.size === 0) throw new DataError(`${file.name}: the file is empty`);
    const ingest = new TextIngest(file.name, { maxValues: MAX_PAGE_VALUES, bytesHint: file.size });
    const reader = file.stream().getReader();
    let read = 0;
    let lastReport = 0;
    for (;;) {
      if (this.cancelled) {
        await reader.cancel();
        throw new DataError('loading cancelled');
      }
      const { done, value } = await reader.read();
      if (done) break;
      // Re-chunk: browsers hand out 64 KiB pieces; the readers like bigger ones.
      for (let at = 0; at < value.length; at += CHUNK) ingest.pushBytes(value.subarray(at, at + CHUNK));
      read += value.length;
      // Let queued messages (a cancel) run: buffered file reads resolve without yielding.
      await new Promise((ok) => setTimeout(ok, 0));
      const now = performance.now();
      if (now - lastReport > 100) {
        lastReport = now;
        onProgress({ file: file.name, bytesRead: read, bytesTotal: file.size });
      }
    }
    ingest.pushBytes(new Uint8Array(0), true);
    onProgress({ file: file.name, bytesRead: file.size, bytesTotal: file.size });
    return addGroundTruth(ingest.finish());
  }

  private async readAll(files: File[], onProgress: (p: IngestProgress) => void, entry?: string): Promise<Dataset> {
    const total = files.reduce((s, f) => s + f.size, 0);
    let read = 0;
    const named: NamedBytes[] = [];
    for (const f of files) {
      if (this.cancelled) throw new DataError('loading cancelled');
      named.push({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
      read += f.size;
      onProgress({ file: f.name, bytesRead: read, bytesTotal: total });
    }
    return ingestFiles(named, { entry });
  }
}

async function isZip(file: File): Promise<boolean> {
  const head = new DataView(await file.slice(0, 4).arrayBuffer());
  return head.byteLength === 4 && head.getUint32(0, true) === ZIP_MAGIC;
}
