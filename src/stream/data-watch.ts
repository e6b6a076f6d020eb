// The rolling data check as a stream scorer runs it: readings arrive as rows of the model's
// stream inputs (recipe inputs, then regime settings), each with its unit's slot. Picks the
// envelope's inputs out of a row (copying only when the row's order differs) and keeps the
// alert edges and each reading's flags for the documents, a unit's named by its id.
import { RollingDataCheck, type DataAlert, type DataFlag } from '../model/rolling-check.js';
import type { ModelJson } from '../model/types.js';
import { UNIT_WINDOW } from '../model/unit-window.js';
import type { UnitKey } from './unit-table.js';

export type { DataAlert, DataFlag } from '../model/rolling-check.js';

/** Readings the fleet's alert shares are taken over. */
export const DATA_WINDOW = 200;

export class DataWatch {
  readonly check: RollingDataCheck;
  /** Where each checked value sits in a stream row; null when rows already start with them in order. */
  private readonly index: Int32Array | null;
  private readonly row: Float64Array;
  private readonly keyOf: (slot: number) => UnitKey | undefined;

  private constructor(check: RollingDataCheck, index: Int32Array | null, keyOf: (slot: number) => UnitKey | undefined) {
    this.check = check;
    this.index = index;
    this.keyOf = keyOf;
    this.row = new Float64Array(index?.length ?? 0);
  }

  /**
   * The watch for a model's stream, or undefined when the model records no envelope (or its inputs are
   * not streamed). `keyOf` names a unit slot's unit in alerts and flags.
   */
  static for(
    model: ModelJson,
    streamInputs: string[],
    keyOf: (slot: number) => UnitKey | undefined = (s) => s,
    window = DATA_WINDOW,
  ): DataWatch | undefined {
    const env = model.envelope;
    if (!env) return undefined;
    const regimes = model.recipe?.regimes;
    const wanted = [...env.inputs.map((i) => i.name), ...(regimes?.settings ?? [])];
    const index = Int32Array.from(wanted, (name) => streamInputs.indexOf(name));
    if (index.some((i) => i < 0)) return undefined;
    const inOrder = index.every((at, i) => at === i);
    return new DataWatch(new RollingDataCheck(env, regimes, window), inOrder ? null : index, keyOf);
  }

  /** One reading at `at` in `block`; edges go to `edges`. Returns the raised alerts the reading itself shows. */
  push(block: Float64Array, at: number, slot: number, edges: DataAlert[]): DataFlag[] | undefined {
    const from = edges.length;
    if (this.index) {
      for (let j = 0; j < this.index.length; j++) this.row[j] = block[at + this.index[j]];
      this.check.push(this.row, slot, edges);
    } else this.check.push(block, slot, edges, at);
    for (let e = from; e < edges.length; e++) this.named(edges[e]);
    const flags = this.check.flags();
    flags?.forEach(this.named);
    return flags;
  }

  private readonly named = (a: DataFlag): void => {
    if (a.unit !== undefined) a.unit = this.keyOf(a.unit as number) ?? a.unit;
  };

  /** Bytes of check state per unit (the unit cap's memory budget). */
  get unitBytes(): number {
    return this.check.unitBytes;
  }

  forget(slot: number): void {
    this.check.forget(slot);
  }

  reset(): void {
    this.check.reset();
  }

  /** Alerts in force: the fleet's, then each unit's with its id. */
  get raised(): DataFlag[] {
    const out = this.check.raised;
    out.forEach(this.named);
    return out;
  }
}

const KIND_WORDS: Record<DataFlag['kind'], string> = {
  missing: 'missing',
  below: 'below the training range',
  above: 'above the training range',
  flat: 'stuck (flat longer than in training)',
  unknown_regime: 'in no training regime',
};

/**
 * One line per edge: "sensor_7 stuck (flat longer than in training): raised, 12% of the last 200 readings",
 * or for a unit's own alert "sensor_7 above the training range on unit 17: raised, 10% of its last 50 readings".
 */
export function dataAlertLine(a: DataAlert, window = DATA_WINDOW, unitWindow = UNIT_WINDOW): string {
  const share = Math.round(a.share * 100);
  const of = a.unit === undefined ? `${share}% of the last ${window} readings` : `${share}% of its last ${unitWindow} readings`;
  const why = a.covered ? ' (the fleet-wide alert covers it now)' : '';
  return `${a.input} ${KIND_WORDS[a.kind]}${unitWords(a)}: ${a.raised ? 'raised' : 'cleared'}, ${of}${why}`;
}

/** " on unit 17" for a unit's own alert, "" for the fleet's. */
export function unitWords(a: DataFlag): string {
  return a.unit === undefined ? '' : ` on unit ${a.unit}`;
}

/** What the kind means, in words (the live panel). */
export function dataKindWords(kind: DataFlag['kind']): string {
  return KIND_WORDS[kind];
}
