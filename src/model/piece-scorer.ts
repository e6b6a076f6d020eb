// Scores a file piece by piece in file order with exactly the results of scoring it whole:
// each unit's window state and k-of-n alarm carry from one piece to the next. That holds
// while every unit's readings come in time order, as files usually do; PieceOrder stops a
// read whose unit goes back in time (scoring that file whole sorts it first).
import { columnByRole, DataError, WHOLE_SERIES, type Dataset } from '../data/dataset.js';
import { TimeOrderCheck } from '../data/order.js';
import { KofN } from '../alarms/k-of-n.js';
import { flagAnomalies } from '../alarms/threshold.js';
import { alarmRule } from './alarm-rule.js';
import type { LoadedModel } from './loaded-model.js';

export class OutOfOrderError extends DataError {}

export interface ScoredPiece {
  scores: Float64Array;
  flags: Uint8Array;
  /** The unit's (or the one series') alarm state right after each reading. */
  alarm: Uint8Array;
  unscorable: number;
}

/** Checks the pieces of one file, in turn, for units whose time goes back. */
export class PieceOrder {
  private readonly check = new TimeOrderCheck();
  private rows = 0;

  accept(ds: Dataset): void {
    const unit = columnByRole(ds, 'unit')?.values;
    const time = columnByRole(ds, 'time')?.values;
    const back = time ? this.check.firstBackstep(time, unit, ds.rows) : -1;
    if (back >= 0) {
      throw new OutOfOrderError(
        `${ds.name}, data row ${this.rows + back + 1}: ${unit ? `unit ${unit[back]}'s` : 'the'} time goes back (to ${time![back]})`,
      );
    }
    this.rows += ds.rows;
  }
}

export class PieceScorer {
  private readonly loaded: LoadedModel;
  private readonly debounce: KofN;

  constructor(loaded: LoadedModel) {
    this.loaded = loaded;
    this.debounce = new KofN(alarmRule(loaded.model));
  }

  /** The next piece of the file (in time order per unit: see PieceOrder). */
  score(ds: Dataset): ScoredPiece {
    const unit = columnByRole(ds, 'unit')?.values;
    const { scores, unscorable } = this.loaded.scoreStreamColumns(ds);
    const flags = flagAnomalies(scores, this.loaded.offset);
    return { scores, flags, alarm: this.alarms(unit, scores, flags), unscorable };
  }

  /** As alarmTrace: an unscored reading neither raises nor clears. */
  private alarms(unit: Float64Array | undefined, scores: Float64Array, flags: Uint8Array): Uint8Array {
    const d = this.debounce;
    const state = new Uint8Array(scores.length);
    for (let i = 0; i < scores.length; i++) {
      const u = unit ? unit[i] : WHOLE_SERIES;
      if (!Number.isNaN(scores[i])) d.push(u, flags[i]);
      state[i] = d.inAlarm(u) ? 1 : 0;
    }
    return state;
  }
}
