// Scoring on every engine worker: the dataset is split by whole units (a unit's window,
// baseline and alarm state live in one engine only, so its scores equal a one-worker
// run's), each part is scored where it is sent, and the scores are stitched back in row
// order. The primary engine worker owns the dataset: it plans the parts and copies each
// helper's part out once (transferred, so that copy is the only one across the boundary).
import { columnByRole, type Column, type Dataset } from '../data/dataset.js';
import { portableToDataset, type PortableDataset } from '../data/compact-columns.js';
import { forEachUnitRun } from '../data/unit-runs.js';
import type { ModelJson } from '../model/types.js';
import { LoadedModel } from '../model/loaded-model.js';
import type { WasmEngine } from '../engine/wasm-engine.js';
import { transferring } from './transfer.js';

export interface PieceScores {
  scores: Float64Array;
  unscorable: number;
}

export interface ScorePlan {
  /** Each part's rows in file order; part 0 is the primary's own. */
  rows: Int32Array[];
  /** The helpers' parts (1, 2, …) as datasets of their own: only the columns the model reads, readings as their codes. */
  pieces: PortableDataset[];
  /** Which model and data the plan is of: the primary keeps scored parts only of the ones it still holds. */
  token: number;
}

/** Where the parts go: the primary (which owns the data) and the helpers, each call rejecting if its worker dies. */
export interface ScoreEndpoints {
  planParts(parts: number): Promise<ScorePlan>;
  scoreRows(rows: Int32Array): Promise<PieceScores>;
  helpers: { scorePiece(model: ModelJson, piece: PortableDataset): Promise<PieceScores> }[];
  /** Hands the parts back to the primary once stitched (they are garbage here), so it holds the scores shown without a copy from the page. */
  keep?(parts: ScoredParts): void;
}

/** Each part's rows and their scores, in the same order, and the plan's token. */
export interface ScoredParts {
  token: number;
  rows: Int32Array[];
  scores: Float64Array[];
}

/** The parts' scores in row order. */
export function stitchParts({ rows, scores }: ScoredParts, total: number): Float64Array {
  const out = new Float64Array(total);
  rows.forEach((r, k) => {
    const s = scores[k];
    if (r.length > 0 && r[r.length - 1] - r[0] === r.length - 1) out.set(s, r[0]);
    else for (let j = 0; j < r.length; j++) out[r[j]] = s[j];
  });
  return out;
}

/**
 * Each row's part: units (in order of first appearance) go whole to parts of about equal
 * rows, one after another, so a file sorted by unit gives each part one contiguous run.
 * Rows without a unit (NaN) are one group, as the scorer treats them.
 */
export function assignParts(unit: Float64Array | undefined, rows: number, parts: number): { of: Uint8Array; counts: Int32Array } {
  const of = new Uint8Array(rows);
  if (!unit || parts <= 1) return { of, counts: Int32Array.of(rows) };
  const size = new Map<number, number>();
  // A run of one unit's rows counts at once: a file sorted by unit costs one map update per unit, not per row.
  forEachUnitRun(unit, rows, (u, from, to) => size.set(u, (size.get(u) ?? 0) + to - from));
  const n = Math.min(parts, size.size);
  const partOf = new Map<number, number>();
  let done = 0;
  for (const [u, count] of size) {
    // The part whose share of the rows this unit's middle falls in.
    partOf.set(u, Math.min(n - 1, Math.floor(((done + count / 2) * n) / rows)));
    done += count;
  }
  // A unit bigger than a share can leave a part empty: number the parts in use 0, 1, ….
  const used = [...new Set(partOf.values())].sort((a, b) => a - b);
  for (const [u, k] of partOf) partOf.set(u, used.indexOf(k));
  const counts = new Int32Array(used.length);
  let last = 0;
  let k = 0;
  for (let i = 0; i < rows; i++) {
    const u = unit[i];
    if (i === 0 || !Object.is(u, last)) k = partOf.get((last = u))!;
    of[i] = k;
    counts[k]++;
  }
  return { of, counts };
}

/** The row numbers of each part, in file order. */
export function partRows(of: Uint8Array, counts: Int32Array): Int32Array[] {
  const rows = Array.from(counts, (c) => new Int32Array(c));
  const at = new Int32Array(counts.length);
  for (let i = 0; i < of.length; i++) rows[of[i]][at[of[i]]++] = i;
  return rows;
}

/** The unit and time columns and the columns a model reads, as a part of the data needs them. */
export function partColumns(ds: Dataset, inputs: readonly string[]): Column[] {
  const unit = columnByRole(ds, 'unit');
  const time = columnByRole(ds, 'time');
  const names = new Set([...(unit ? [unit.name] : []), ...(time ? [time.name] : []), ...inputs]);
  return ds.columns.filter((c) => names.has(c.name));
}

/** A helper's copy of the model it was last sent, compiled once for the parts that follow. */
export class PieceModels {
  private key?: string;
  private loaded?: LoadedModel;
  private readonly engine: () => WasmEngine;

  constructor(engine: () => WasmEngine) {
    this.engine = engine;
  }

  score(model: ModelJson, piece: PortableDataset): PieceScores {
    const key = JSON.stringify(model);
    if (key !== this.key || !this.loaded) {
      this.loaded?.dispose();
      this.loaded = undefined;
      this.loaded = new LoadedModel(this.engine(), model);
      this.key = key;
    }
    const { scores, unscorable } = this.loaded.scoreDataset(portableToDataset(piece));
    return transferring({ scores, unscorable });
  }
}

/**
 * Scores the primary's data on every engine worker and stitches the scores in row order.
 * A helper that dies has its part scored by the primary instead (from the primary's own
 * copy of the data), so a crash costs time, never scores.
 */
export async function scoreInParts(to: ScoreEndpoints, model: ModelJson, totalRows: number): Promise<PieceScores & { parts: number }> {
  const plan = await to.planParts(1 + to.helpers.length);
  const jobs = [to.scoreRows(plan.rows[0])];
  plan.pieces.forEach((piece, i) => {
    const rows = plan.rows[i + 1];
    const sent = transferring(piece);
    jobs.push(
      Promise.resolve()
        .then(() => to.helpers[i].scorePiece(model, sent))
        .catch(() => to.scoreRows(rows)),
    );
  });
  const parts = await Promise.all(jobs);
  const scored = { token: plan.token, rows: plan.rows, scores: parts.map((p) => p.scores) };
  const scores = stitchParts(scored, totalRows);
  to.keep?.(transferring(scored));
  return { scores, unscorable: parts.reduce((n, p) => n + p.unscorable, 0), parts: parts.length };
}
