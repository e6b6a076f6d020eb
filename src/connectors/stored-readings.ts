// The readings stored in Cosmos DB, back as a dataset to train on: only each reading's own
// fields (not what scoring added, nor Cosmos DB's system fields), read one physical
// partition at a time, a page at a time (continuation tokens), each page turned into
// growing typed columns before the next is fetched, so memory holds the columns and one
// page, never every document. Rows come out ordered by unit, then time: what `train`
// reads from the file those readings came from.
import type { Container, SqlParameter } from '@azure/cosmos';
import { DataError, type Column, type Dataset } from '../data/dataset.js';
import { inferRole } from '../data/roles.js';

/** Fields scoring and storage add to a reading, never part of it. */
const ADDED = new Set(['id', 'anomaly_score', 'is_anomaly', 'alarm', 'shadow', 'scored_at', 'missing_features', 'warming_up']);
const ADDED_PREFIXES = ['model_', 'dq_', 'data_quality', '_']; // model_id/_version, data-quality flags, _rid _self _etag _attachments _ts

export function isReadingField(name: string): boolean {
  return !ADDED.has(name) && !ADDED_PREFIXES.some((p) => name.startsWith(p));
}

export interface StoredQuery {
  /** ISO times, on scored_at: since inclusive, until exclusive. */
  since?: string;
  until?: string;
  units?: number[];
  /** Leave out readings stored with their unit in alarm (alarm: true, as the champion judged them). */
  excludeAlarmed?: boolean;
  unitField: string;
  timeField: string;
  pageSize?: number;
}

export interface StoredReadings {
  dataset: Dataset;
  /** Documents left out because the unit was in alarm. */
  alarmed: number;
  partitions: number;
}

class GrowingColumn {
  values = new Float64Array(1024);
  missing = 0;
  nonNumeric = 0;
  constructor(rowsBefore: number) {
    this.ensure(rowsBefore);
    this.values.fill(NaN, 0, rowsBefore);
    this.missing = rowsBefore;
  }
  ensure(rows: number): void {
    if (rows <= this.values.length) return;
    const next = new Float64Array(Math.max(rows, this.values.length * 2));
    next.set(this.values);
    this.values = next;
  }
}

export async function readStoredReadings(container: Container, q: StoredQuery, name: string): Promise<StoredReadings> {
  const { query, parameters } = sql(q);
  const columns = new Map<string, GrowingColumn>();
  let rows = 0;
  let alarmed = 0;
  // One cross-partition query: the SDK's query options take no feed range, so a query per range read every
  // reading once per physical partition. The count of ranges is only said.
  const ranges = await container.getFeedRanges().then(
    (r) => r.length,
    () => 1,
  );
  const pages = container.items.query<Record<string, unknown>>({ query, parameters }, { maxItemCount: q.pageSize ?? 1000 });
  while (pages.hasMoreResults()) {
    const { resources } = await pages.fetchNext();
    for (const doc of resources) {
      if (q.excludeAlarmed && doc.alarm === true) {
        alarmed++;
        continue;
      }
      for (const key of Object.keys(doc)) {
        if (!isReadingField(key) || columns.has(key)) continue;
        if (key === 'unit_number' && q.unitField !== 'unit_number') continue; // the partition key scoring added
        columns.set(key, new GrowingColumn(rows));
      }
      for (const [key, col] of columns) {
        col.ensure(rows + 1);
        const v = doc[key];
        const x = typeof v === 'number' ? v : NaN;
        if (v === null || v === undefined || v === '') col.missing++;
        else if (!Number.isFinite(x)) col.nonNumeric++;
        col.values[rows] = Number.isFinite(x) ? x : NaN;
      }
      rows++;
    }
  }
  if (!rows) throw new DataError(`no stored readings match (${describe(q)}) in ${name}`);
  return { dataset: ordered(columns, rows, q, name), alarmed, partitions: ranges };
}

function sql(q: StoredQuery): { query: string; parameters: SqlParameter[] } {
  const where: string[] = [];
  const parameters: SqlParameter[] = [];
  if (q.since) {
    where.push('c.scored_at >= @since');
    parameters.push({ name: '@since', value: q.since });
  }
  if (q.until) {
    where.push('c.scored_at < @until');
    parameters.push({ name: '@until', value: q.until });
  }
  if (q.units?.length) {
    where.push(`c.unit_number IN (${q.units.map((_, i) => `@u${i}`).join(', ')})`);
    q.units.forEach((u, i) => parameters.push({ name: `@u${i}`, value: u }));
  }
  return { query: `SELECT * FROM c${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`, parameters };
}

function describe(q: StoredQuery): string {
  const parts = [q.since && `since ${q.since}`, q.until && `until ${q.until}`, q.units?.length && `units ${q.units.join(',')}`];
  return parts.filter(Boolean).join(', ') || 'all readings';
}

/** The columns as a dataset, rows ordered by unit, then time (partitions come back in any order). */
function ordered(columns: Map<string, GrowingColumn>, rows: number, q: StoredQuery, name: string): Dataset {
  const unit = columns.get(q.unitField)?.values;
  const time = columns.get(q.timeField)?.values;
  if (!unit || !time)
    throw new DataError(`the stored readings have no ${!unit ? q.unitField : q.timeField} field (--${!unit ? 'unit' : 'time'}-field)`);
  const order = Int32Array.from({ length: rows }, (_, i) => i).sort((a, b) => unit[a] - unit[b] || time[a] - time[b] || a - b);
  const out: Column[] = [];
  for (const [colName, col] of columns) {
    const values = new Float64Array(rows);
    for (let i = 0; i < rows; i++) values[i] = col.values[order[i]];
    const role = colName === q.unitField ? 'unit' : colName === q.timeField ? 'time' : inferRole(colName, values);
    out.push({ name: colName, role, values, missing: col.missing, nonNumeric: col.nonNumeric });
  }
  return { name, format: 'csv', rows, columns: out, notes: [] };
}
