// The model–data check of a file read in pieces: it reads every model input of each unit in
// time order, so it keeps the columns it needs for the first CHECK_ROWS rows (bounded memory
// whatever the file's size) and checks those; the report says when it checked a sample.
import { columnByRole, type Column, type Dataset } from '../data/dataset.js';
import { ColumnBuilder } from '../data/numbers.js';
import { CMAPSS_COLUMNS } from '../data/cmapss.js';
import { checkModelData, dataReport, type DataReport } from '../model/model-check.js';
import type { DataCheck } from '../model/data-check.js';
import type { ModelJson } from '../model/types.js';

/** About 150 MB of kept values for a C-MAPSS model (19 columns). */
export const CHECK_ROWS = 1_000_000;

/** The columns the check reads besides unit and time: the envelope's inputs and the regime settings. */
export function checkedInputs(model: ModelJson): Set<string> {
  return new Set([...(model.envelope?.inputs.map((i) => i.name) ?? []), ...(model.recipe?.regimes?.settings ?? [])]);
}

export class CheckSample {
  private readonly model: ModelJson;
  private readonly needed: Set<string>;
  private kept?: { column: Column; builder: ColumnBuilder }[];
  private first?: Dataset;
  private rows = 0;
  /** null: checked, and the model has nothing to check against. */
  private check?: DataCheck | null;

  constructor(model: ModelJson) {
    this.model = model;
    this.needed = checkedInputs(model);
  }

  add(ds: Dataset): void {
    // Sized to at most CHECK_ROWS, so the check takes the columns as they are, without a trimming copy.
    if (!this.model.envelope || this.rows >= CHECK_ROWS || this.check !== undefined) return;
    this.first ??= ds;
    const unit = columnByRole(ds, 'unit')?.name;
    const time = columnByRole(ds, 'time')?.name;
    this.kept ??= ds.columns
      .filter((c) => this.needed.has(c.name) || c.name === unit || c.name === time)
      .map((column) => ({ column, builder: new ColumnBuilder(CHECK_ROWS) }));
    const n = Math.min(ds.rows, CHECK_ROWS - this.rows);
    for (const k of this.kept) {
      const values = ds.columns.find((c) => c.name === k.column.name)!.values;
      k.builder.append(values.subarray(0, n));
    }
    this.rows += n;
  }

  /**
   * The check of what was kept, done once: a caller may do it as soon as the sample is
   * complete (full), while the rest of the file is still being scored.
   */
  settle(): DataCheck | undefined {
    if (this.check === undefined && this.kept && this.first) {
      const columns = this.kept.map(({ column, builder }) => ({ ...column, values: builder.finish() }));
      const sample: Dataset = { ...this.first, rows: this.rows, columns };
      this.check =
        checkModelData(
          this.model,
          sample,
          // A C-MAPSS file always has its 26 columns, also when a streamed read parsed only some of them.
          this.first.format === 'cmapss' ? [...CMAPSS_COLUMNS] : this.first.columns.map((c) => c.name),
        ) ?? null;
      this.kept = [];
    }
    return this.check ?? undefined;
  }

  /** True once it holds all the rows it checks. */
  get full(): boolean {
    return this.rows >= CHECK_ROWS;
  }

  /** The check of what was kept (undefined for a model without an envelope) and the report on the whole file. */
  result(rows: number, scored: number): { check?: DataCheck; report: DataReport } {
    const check = this.settle();
    if (!check) return { report: dataReport(undefined, rows, scored) };
    const reasons = [...check.reasons];
    if (this.rows < rows)
      reasons.push(`Checked on the first ${this.rows.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} readings.`);
    const full = { ...check, reasons };
    return { check: full, report: dataReport(full, rows, scored) };
  }
}
