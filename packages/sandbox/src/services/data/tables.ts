/**
 * One SQLite table per catalogue dataset: real typed columns (STRICT), the dataset's primary key as
 * the table key, an index per sortable or selective column and on the region column, and a sample
 * bucket for estimated counts. Identifiers come from the fixture definitions only — never from a
 * request — and are still checked against a strict pattern before they reach SQL.
 */
import {
  datasetCatalogue,
  generateDatasetRows,
  type CellValue,
  type ColumnType,
  type DatasetColumnDef,
  type DatasetDefinition,
  type DatasetRow,
  type RowContext,
} from '@citybrain/domain';
import type { Db } from '../../db.js';

/** Rows whose `_sample` bucket is 0 form a 1 % systematic sample, used to estimate large counts. */
export const SAMPLE_BUCKETS = 100;
/** Below this many rows in scope a COUNT is cheap enough to always be exact. */
export const EXACT_COUNT_LIMIT = 50_000;
/** Tables at least this big get the sample index; smaller ones are always counted exactly. */
const SAMPLE_INDEX_MIN_ROWS = EXACT_COUNT_LIMIT;
const INSERT_BATCH_ROWS = 5_000;

const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`Refusing SQL identifier ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/** `registeredCapital` → `registered_capital`. */
export function sqlNameOf(columnName: string): string {
  return columnName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

type SqlType = 'INTEGER' | 'REAL' | 'TEXT';

const SQL_TYPE: Record<ColumnType, SqlType> = {
  string: 'TEXT', text: 'TEXT', integer: 'INTEGER', number: 'REAL', money: 'REAL', percent: 'REAL', date: 'TEXT',
  datetime: 'TEXT', 'year-month': 'TEXT', boolean: 'INTEGER', enum: 'TEXT', 'region-code': 'TEXT', 'area-sqm': 'REAL',
  'area-mu': 'REAL', 'length-km': 'REAL', 'id-number': 'TEXT', uscc: 'TEXT', phone: 'TEXT', 'person-name': 'TEXT',
  address: 'TEXT', longitude: 'REAL', latitude: 'REAL', 'geometry-ref': 'TEXT',
};

/** A dataset column with its quoted SQL identifier. */
export interface TableColumn {
  def: DatasetColumnDef;
  /** Quoted identifier, safe to splice into SQL. */
  sql: string;
  sqlType: SqlType;
}

/** What the query layer needs to know about one dataset's table. */
export interface DatasetTable {
  dataset: DatasetDefinition;
  /** Quoted table name. */
  sql: string;
  columns: TableColumn[];
  byName: Map<string, TableColumn>;
  primaryKey: TableColumn[];
  region: TableColumn;
}

function describeTable(dataset: DatasetDefinition): DatasetTable {
  const columns = dataset.columns.map((def) => ({ def, sql: identifier(sqlNameOf(def.name)), sqlType: SQL_TYPE[def.type] }));
  const byName = new Map(columns.map((c) => [c.def.name, c]));
  const primaryKey = dataset.primaryKey.map((name) => {
    const column = byName.get(name);
    if (!column) throw new Error(`${dataset.id}: primary key ${name} is not a column`);
    return column;
  });
  const region = byName.get(dataset.regionColumn);
  if (!region) throw new Error(`${dataset.id}: region column ${dataset.regionColumn} is not a column`);
  return { dataset, sql: identifier(dataset.tableName), columns, byName, primaryKey, region };
}

/** Every dataset's table description, in catalogue order. */
export const DATASET_TABLES: ReadonlyMap<string, DatasetTable> = new Map(
  datasetCatalogue.map((dataset) => [dataset.id, describeTable(dataset)]),
);

/**
 * A single integer key becomes the rowid (INTEGER PRIMARY KEY); any other key makes the table
 * WITHOUT ROWID. Either way every secondary index ends with the primary key, so an index on a sort
 * column already orders ties by the key, which is exactly the keyset order.
 */
function createTableSql(table: DatasetTable): string {
  const rowidKey = table.primaryKey.length === 1 && table.primaryKey[0]!.sqlType === 'INTEGER';
  const definitions = table.columns.map((c) => {
    const notNull = c.def.nullable ? '' : ' NOT NULL';
    const key = rowidKey && c === table.primaryKey[0] ? ' PRIMARY KEY' : '';
    return `${c.sql} ${c.sqlType}${key}${notNull}`;
  });
  definitions.push('"_sample" INTEGER NOT NULL');
  if (!rowidKey) definitions.push(`PRIMARY KEY (${table.primaryKey.map((c) => c.sql).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${table.sql} (\n  ${definitions.join(',\n  ')}\n) STRICT${rowidKey ? '' : ', WITHOUT ROWID'}`;
}

export function migrateDataTables(db: Db): void {
  db.exec(`CREATE TABLE IF NOT EXISTS data_region_counts (
    dataset_id TEXT NOT NULL,
    region_code TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    PRIMARY KEY (dataset_id, region_code)
  ) STRICT, WITHOUT ROWID`);
  for (const table of DATASET_TABLES.values()) db.exec(createTableSql(table));
}

function toSqlValue(value: CellValue | undefined): string | number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/**
 * Fills one table from its generator and then indexes it. Rows stream from the generator in
 * batches of a few thousand, each inserted in its own transaction (a savepoint when the caller —
 * the sandbox's seeding — already holds one), so a million-row table never sits in memory.
 * Indexes are built after the load: building a B-tree once is several times faster than
 * maintaining it row by row.
 */
export function seedDatasetTable(db: Db, table: DatasetTable, ctx: RowContext): number {
  const names = [...table.columns.map((c) => c.sql), '"_sample"'];
  const insert = db.prepare(`INSERT INTO ${table.sql} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`);
  let inserted = 0;
  const insertBatch = db.transaction((batch: DatasetRow[]) => {
    for (const row of batch) {
      const values = table.columns.map((column) => toSqlValue(row[column.def.name]));
      values.push(inserted % SAMPLE_BUCKETS);
      insert.run(values);
      inserted++;
    }
  });
  let batch: DatasetRow[] = [];
  for (const row of generateDatasetRows(table.dataset, ctx)) {
    batch.push(row);
    if (batch.length === INSERT_BATCH_ROWS) {
      insertBatch(batch);
      batch = [];
    }
  }
  if (batch.length) insertBatch(batch);
  indexDatasetTable(db, table, inserted);
  recordRegionCounts(db, table);
  return inserted;
}

function indexDatasetTable(db: Db, table: DatasetTable, rowCount: number): void {
  const tableName = table.dataset.tableName;
  const keyNames = new Set(table.primaryKey.map((c) => c.def.name));
  const indexed = table.columns.filter((c) => (c.def.indexed || c === table.region) && !(keyNames.has(c.def.name) && table.primaryKey.length === 1));
  for (const column of indexed) {
    const indexName = identifier(`ix_${tableName}_${sqlNameOf(column.def.name)}`.slice(0, 63));
    db.exec(`CREATE INDEX IF NOT EXISTS ${indexName} ON ${table.sql} (${column.sql})`);
  }
  if (rowCount >= SAMPLE_INDEX_MIN_ROWS) {
    // Partial: only the 1 % sample is indexed (by region), so the estimate reads a few thousand entries
    // and the index costs a hundredth of a full one. Queries must spell the predicate `"_sample" = 0`.
    const indexName = identifier(`ix_${tableName}__sample`.slice(0, 63));
    db.exec(`CREATE INDEX IF NOT EXISTS ${indexName} ON ${table.sql} (${table.region.sql}) WHERE "_sample" = 0`);
  }
}

/** Rows per village, so that unfiltered counts in any region scope are a lookup, not a scan. */
function recordRegionCounts(db: Db, table: DatasetTable): void {
  db.prepare('DELETE FROM data_region_counts WHERE dataset_id = ?').run(table.dataset.id);
  db.prepare(
    `INSERT INTO data_region_counts (dataset_id, region_code, row_count)
     SELECT ?, ${table.region.sql}, COUNT(*) FROM ${table.sql} GROUP BY ${table.region.sql}`,
  ).run(table.dataset.id);
}

export function seedDataTables(db: Db, ctx: RowContext, log: (message: string) => void): void {
  for (const table of DATASET_TABLES.values()) {
    const started = performance.now();
    const rows = seedDatasetTable(db, table, ctx);
    log(`data: ${table.dataset.id} ${rows} rows in ${Math.round(performance.now() - started)} ms`);
  }
  // Planner statistics: without them SQLite cannot tell a selective index from a useless one.
  db.exec('ANALYZE');
}
