// The rolling data check as a stream scorer runs it: readings arrive as rows of the model's
// stream inputs (recipe inputs, then regime settings), each with its unit's slot. Picks the
// envelope's inputs out of a row (copying only when the row's order differs) and keeps the
// alert edges and each reading's flags for the documents.
import { RollingDataCheck, type DataAlert, type DataFlag } from '../model/rolling-check.js';
import type { ModelJson } from '../model/types.js';

export type { DataAlert, DataFlag } from '../model/rolling-check.js';

/** Readings the alert shares are taken over. */
export const DATA_WINDOW = 200;

export class DataWatch {
  private readonly check: RollingDataCheck;
  /** Where each checked value sits in a stream row; null when rows already start with them in order. */
  private readonly index: Int32Array | null;
  private readonly row: Float64Array;

  private constructor(check: RollingDataCheck, index: Int32Array | null) {
    this.check = check;
    this.index = index;
    this.row = new Float64Array(index?.length ?? 0);
  }

  /** The watch for a model's stream, or undefined when the model records no envelope (or its inputs are not streamed). */
  static for(model: ModelJson, streamInputs: string[], window = DATA_WINDOW): DataWatch | undefined {
    const env = model.envelope;
    if (!env) return undefined;
    const regimes = model.recipe?.regimes;
    const wanted = [...env.inputs.map((i) => i.name), ...(regimes?.settings ?? [])];
    const index = Int32Array.from(wanted, (name) => streamInputs.indexOf(name));
    if (index.some((i) => i < 0)) return undefined;
    const inOrder = index.every((at, i) => at === i);
    return new DataWatch(new RollingDataCheck(env, regimes, window), inOrder ? null : index);
  }

  /** One reading at `at` in `block`; edges go to `edges`. Returns the raised alerts the reading itself shows. */
  push(block: Float64Array, at: number, slot: number, edges: DataAlert[]): DataFlag[] | undefined {
    if (this.index) {
      for (let j = 0; j < this.index.length; j++) this.row[j] = block[at + this.index[j]];
      this.check.push(this.row, slot, edges);
    } else this.check.push(block, slot, edges, at);
    return this.check.flags();
  }

  forget(slot: number): void {
    this.check.forget(slot);
  }

  reset(): void {
    this.check.reset();
  }

  get raised(): DataFlag[] {
    return this.check.raised;
  }
}

const KIND_WORDS: Record<DataFlag['kind'], string> = {
  missing: 'missing',
  below: 'below the training range',
  above: 'above the training range',
  flat: 'stuck (flat longer than in training)',
  unknown_regime: 'in no training regime',
};

/** "sensor_7 stuck (flat longer than in training): raised, 12% of the last 200 readings" — one line per edge. */
export function dataAlertLine(a: DataAlert, window = DATA_WINDOW): string {
  const share = `${Math.round(a.share * 100)}% of the last ${window} readings`;
  return `${a.input} ${KIND_WORDS[a.kind]}: ${a.raised ? 'raised' : 'cleared'}, ${share}`;
}

/** What the kind means, in words (the live panel). */
export function dataKindWords(kind: DataFlag['kind']): string {
  return KIND_WORDS[kind];
}
