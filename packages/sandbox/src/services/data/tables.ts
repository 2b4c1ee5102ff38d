/**
 * One table per catalogue dataset: real typed columns, the dataset's primary key as the table key,
 * an index per sortable or selective column and on the region column, and a sample bucket for
 * estimated counts. On SQLite the tables are STRICT (and WITHOUT ROWID unless the key is one
 * integer); on PostgreSQL they are plain tables with the same keys, text compared byte by byte
 * (`COLLATE "C"`, SQLite's BINARY order) so both stores sort, page and range-match alike.
 * Identifiers come from the fixture definitions only — never from a request — and are still
 * checked against a strict pattern before they reach SQL.
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
import type { Dialect } from '../../storage/sql.js';

/** Rows whose `_sample` bucket is 0 form a 1 % systematic sample, used to estimate large counts. */
export const SAMPLE_BUCKETS = 100;
/** Below this many rows in scope a COUNT is cheap enough to always be exact. */
export const EXACT_COUNT_LIMIT = 50_000;
/** Tables at least this big get the sample index; smaller ones are always counted exactly. */
const SAMPLE_INDEX_MIN_ROWS = EXACT_COUNT_LIMIT;
const INSERT_BATCH_ROWS = 5_000;
/** Rows `fillDatasetRows` writes per statement: one statement must finish well within the store's wait. */
const FILL_BATCH_ROWS = 1_000_000;
/** Generator rows a fill draws its rows from: enough for realistic spreads of every column. */
const FILL_SAMPLE_ROWS = 10_000;
/** Sort memory for building a filled table's indexes on PostgreSQL (its default is 64 MB). */
const FILL_INDEX_MEMORY = '512MB';

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

/** The storage type on PostgreSQL: 64-bit integers, doubles, and text ordered by code point as in SQLite. */
const POSTGRES_TYPE: Record<SqlType, string> = { INTEGER: 'BIGINT', REAL: 'DOUBLE PRECISION', TEXT: 'TEXT COLLATE "C"' };
/** Element types of the arrays a PostgreSQL batch insert unnests, per column type. */
const POSTGRES_ARRAY: Record<SqlType, string> = { INTEGER: 'BIGINT[]', REAL: 'DOUBLE PRECISION[]', TEXT: 'TEXT[]' };

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
 * SQLite: a single integer key becomes the rowid (INTEGER PRIMARY KEY); any other key makes the
 * table WITHOUT ROWID. Either way every secondary index ends with the primary key, so an index on a
 * sort column already orders ties by the key, which is exactly the keyset order. PostgreSQL: a
 * plain table with the same key; its indexes name the key columns themselves (`datasetIndexes`).
 */
function createTableSql(table: DatasetTable, dialect: Dialect): string {
  const rowidKey = dialect === 'sqlite' && table.primaryKey.length === 1 && table.primaryKey[0]!.sqlType === 'INTEGER';
  const definitions = table.columns.map((c) => {
    const notNull = c.def.nullable ? '' : ' NOT NULL';
    const key = rowidKey && c === table.primaryKey[0] ? ' PRIMARY KEY' : '';
    return `${c.sql} ${dialect === 'postgres' ? POSTGRES_TYPE[c.sqlType] : c.sqlType}${key}${notNull}`;
  });
  definitions.push('"_sample" INTEGER NOT NULL');
  if (!rowidKey) definitions.push(`PRIMARY KEY (${table.primaryKey.map((c) => c.sql).join(', ')})`);
  const options = dialect === 'postgres' ? '' : ` STRICT${rowidKey ? '' : ', WITHOUT ROWID'}`;
  return `CREATE TABLE IF NOT EXISTS ${table.sql} (\n  ${definitions.join(',\n  ')}\n)${options}`;
}

export function migrateDataTables(db: Db): void {
  const text = db.dialect === 'postgres' ? POSTGRES_TYPE.TEXT : 'TEXT';
  db.exec(`CREATE TABLE IF NOT EXISTS data_region_counts (
    dataset_id ${text} NOT NULL,
    region_code ${text} NOT NULL,
    row_count ${db.dialect === 'postgres' ? 'BIGINT' : 'INTEGER'} NOT NULL,
    PRIMARY KEY (dataset_id, region_code)
  )${db.dialect === 'postgres' ? '' : ' STRICT, WITHOUT ROWID'}`);
  for (const table of DATASET_TABLES.values()) db.exec(createTableSql(table, db.dialect));
}

function toSqlValue(value: CellValue | undefined): string | number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/**
 * Inserts generated rows, `_sample` of each given by `sampleOf(position in the batch)`. SQLite runs
 * one prepared INSERT per row (each is a call into the library, not a round trip); PostgreSQL gets
 * the whole batch as one statement, a column array each, unnested into rows.
 */
function insertRows(db: Db, table: DatasetTable, tableSql: string, rows: readonly DatasetRow[], sampleOf: (position: number) => number): void {
  const names = [...table.columns.map((c) => c.sql), '"_sample"'].join(', ');
  if (db.dialect === 'postgres') {
    const arrays: unknown[][] = table.columns.map((column) => rows.map((row) => toSqlValue(row[column.def.name])));
    arrays.push(rows.map((_row, position) => sampleOf(position)));
    const types = [...table.columns.map((c) => POSTGRES_ARRAY[c.sqlType]), 'INTEGER[]'];
    db.prepare(`INSERT INTO ${tableSql} (${names}) SELECT * FROM unnest(${types.map((type) => `CAST(? AS ${type})`).join(', ')})`).run(arrays);
    return;
  }
  const insert = db.prepare(`INSERT INTO ${tableSql} (${names}) VALUES (${[...table.columns, null].map(() => '?').join(', ')})`);
  rows.forEach((row, position) => {
    const values = table.columns.map((column) => toSqlValue(row[column.def.name]));
    values.push(sampleOf(position));
    insert.run(values);
  });
}

/**
 * Fills one table from its generator and then indexes it. Rows stream from the generator in
 * batches of a few thousand, each inserted in its own transaction (a savepoint when the caller —
 * the sandbox's seeding — already holds one), so a million-row table never sits in memory.
 * Indexes are built after the load: building a B-tree once is several times faster than
 * maintaining it row by row.
 */
export function seedDatasetTable(db: Db, table: DatasetTable, ctx: RowContext): number {
  let inserted = 0;
  const insertBatch = db.transaction((batch: DatasetRow[]) => {
    insertRows(db, table, table.sql, batch, (position) => (inserted + position) % SAMPLE_BUCKETS);
    inserted += batch.length;
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
  createDatasetIndexes(db, table, inserted);
  recordRegionCounts(db, table);
  return inserted;
}

/**
 * The secondary indexes of a table of `rowCount` rows. On PostgreSQL each ends with the primary key
 * (SQLite's do by themselves), so that a sort column's index delivers the keyset order, ties
 * included; a nullable column's index keeps NULLs first, as SQLite orders them, which serves
 * ascending pages forwards and descending ones backwards.
 */
function datasetIndexes(table: DatasetTable, dialect: Dialect, rowCount: number): { name: string; sql: string }[] {
  const tableName = table.dataset.tableName;
  const keyNames = new Set(table.primaryKey.map((c) => c.def.name));
  const indexed = table.columns.filter((c) => (c.def.indexed || c === table.region) && !(keyNames.has(c.def.name) && table.primaryKey.length === 1));
  const indexes = indexed.map((column) => {
    const name = identifier(`ix_${tableName}_${sqlNameOf(column.def.name)}`.slice(0, 63));
    const lead = dialect === 'postgres' && column.def.nullable ? `${column.sql} NULLS FIRST` : column.sql;
    const key = dialect === 'postgres' ? table.primaryKey.filter((c) => c !== column).map((c) => `, ${c.sql}`).join('') : '';
    return { name, sql: `CREATE INDEX IF NOT EXISTS ${name} ON ${table.sql} (${lead}${key})` };
  });
  if (rowCount >= SAMPLE_INDEX_MIN_ROWS) {
    // Partial: only the 1 % sample is indexed (by region), so the estimate reads a few thousand entries
    // and the index costs a hundredth of a full one. Queries must spell the predicate `"_sample" = 0`.
    const name = identifier(`ix_${tableName}__sample`.slice(0, 63));
    indexes.push({ name, sql: `CREATE INDEX IF NOT EXISTS ${name} ON ${table.sql} (${table.region.sql}) WHERE "_sample" = 0` });
  }
  return indexes;
}

function createDatasetIndexes(db: Db, table: DatasetTable, rowCount: number): void {
  for (const index of datasetIndexes(table, db.dialect, rowCount)) db.exec(index.sql);
}

/** Rows per village, so that unfiltered counts in any region scope are a lookup, not a scan. */
function recordRegionCounts(db: Db, table: DatasetTable): void {
  db.prepare('DELETE FROM data_region_counts WHERE dataset_id = ?').run(table.dataset.id);
  db.prepare(
    `INSERT INTO data_region_counts (dataset_id, region_code, row_count)
     SELECT CAST(? AS TEXT), ${table.region.sql}, COUNT(*) FROM ${table.sql} GROUP BY ${table.region.sql}`,
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

/**
 * Replaces the rows of one dataset's table with `count` rows made in SQL, for scale benchmarks
 * (ten million rows and more) where the JavaScript generator would take too long. The values come
 * from the generator all the same: it makes `FILL_SAMPLE_ROWS` rows spread over the full-size table
 * into a scratch table, and row `n` of the fill copies the non-key columns of sample row
 * `n × 2654435761 mod samples` (a whole row, so a region code and its address still agree, and every
 * column keeps the spread of values the generator gives it). Keys are made unique from `n`: an
 * integer key is `n + 1`, a text key a sample key's leading characters followed by `n`, zero-padded
 * to the key's length. The indexes are dropped for the load and built after it, the per-village
 * counts and planner statistics recomputed. Datasets keyed by their region column (one row per
 * village) cannot grow and are refused. Fill a database no sandbox is serving (a running one keeps
 * the catalogue's row counts from its start), outside a transaction: each million rows commits.
 */
export function fillDatasetRows(db: Db, datasetId: string, count: number, ctx: RowContext = { seed: 'citybrain', size: 'full' }): number {
  const table = DATASET_TABLES.get(datasetId);
  if (!table) throw new Error(`No dataset ${datasetId}`);
  if (table.primaryKey.includes(table.region)) throw new Error(`${datasetId} has one row per village and cannot be filled`);
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`fillDatasetRows: ${count} is not a row count`);
  const generated = table.dataset.rowCount(ctx);
  const sampleSize = Math.max(1, Math.min(FILL_SAMPLE_ROWS, generated));
  const sample = Array.from({ length: sampleSize }, (_unused, i) => table.dataset.row(Math.floor((i * generated) / sampleSize), ctx));
  const postgres = db.dialect === 'postgres';

  for (const index of datasetIndexes(table, db.dialect, Number.POSITIVE_INFINITY)) db.exec(`DROP INDEX IF EXISTS ${index.name}`);
  db.exec(postgres ? `TRUNCATE ${table.sql}` : `DELETE FROM ${table.sql}`);
  db.exec(`DROP TABLE IF EXISTS fill_sample`);
  // The scratch table has the target's columns; `_sample` holds the sample row's position.
  db.exec(`CREATE TEMP TABLE fill_sample AS SELECT * FROM ${table.sql} WHERE 1 = 0`);
  insertRows(db, table, 'fill_sample', sample, (position) => position);
  db.exec('CREATE INDEX fill_sample_position ON fill_sample ("_sample")');
  // Scratch tables get no automatic statistics; without them the fill may join row by row.
  db.exec('ANALYZE fill_sample');

  const digits = String(Math.max(0, count - 1)).length;
  const keyParams: string[] = [];
  const values = table.columns.map((column) => {
    if (!table.primaryKey.includes(column)) return `s.${column.sql}`;
    if (column.sqlType === 'INTEGER') return 'g.n + 1';
    const longest = Math.max(...sample.map((row) => String(row[column.def.name] ?? '').length));
    const width = Math.max(digits, Math.min(longest, 10));
    keyParams.push(String(sample[0]![column.def.name] ?? '').slice(0, Math.max(0, longest - width)));
    return postgres ? `? || lpad(CAST(g.n AS TEXT), ${width}, '0')` : `? || printf('%0${width}d', g.n)`;
  });
  const names = [...table.columns.map((c) => c.sql), '"_sample"'].join(', ');
  const select = `SELECT ${values.join(', ')}, g.n % ${SAMPLE_BUCKETS}
    FROM g JOIN fill_sample s ON s."_sample" = (g.n * 2654435761) % ${sampleSize}`;
  const rowNumbers = postgres
    ? 'g AS (SELECT n FROM generate_series(CAST(? AS BIGINT), CAST(? AS BIGINT)) AS series(n))'
    : 'g(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM g WHERE n < ?)';
  const fill = db.prepare(`WITH ${postgres ? '' : 'RECURSIVE '}${rowNumbers} INSERT INTO ${table.sql} (${names}) ${select}`);
  for (let from = 0; from < count; from += FILL_BATCH_ROWS) {
    const to = Math.min(count, from + FILL_BATCH_ROWS) - 1;
    db.transaction(() => fill.run(from, to, ...keyParams))();
  }
  db.exec('DROP TABLE fill_sample');

  // Each index is one sort of the whole table, which PostgreSQL's default sort memory (64 MB) sends to disk.
  if (postgres) db.exec(`SET maintenance_work_mem = '${FILL_INDEX_MEMORY}'`);
  createDatasetIndexes(db, table, count);
  if (postgres) db.exec('RESET maintenance_work_mem');
  recordRegionCounts(db, table);
  db.exec(`ANALYZE ${table.sql}`);
  return count;
}
