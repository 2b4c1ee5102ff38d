/**
 * The data service's SQL on both stores at once: tables filled in SQL by `fillDatasetRows` hold the
 * same rows in SQLite and in PostgreSQL, and the same query — sorts with ties, NULLs and groups,
 * filters, region scopes — reads the same rows from both: page by page, on a deep keyset page, in a
 * streamed export and in its counts. PostgreSQL is the cluster of `CITYBRAIN_TEST_POSTGRES_URL` or a
 * private one started here.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, type Db } from '../src/db.js';
import { PostgresDatabase } from '../src/storage/postgres.js';
import { concurrentReads, type ConcurrentReads } from '../src/storage/reads.js';
import { buildPlan, countRows, exportBatches, readPage, type QueryPlan, type SqlValue } from '../src/services/data/query.js';
import { DATASET_TABLES, fillDatasetRows, migrateDataTables } from '../src/services/data/tables.js';
import { createTestDatabase, dropTestDatabase } from './harness.js';
import { startPostgresCluster } from '../../../scripts/postgres-cluster.mjs';

const ROWS = 24_000;
const SHISHAN = '440605124';
const GUICHENG = '440605011';

type Row = Record<string, SqlValue>;

/** Queries whose SQL differs between the stores or walks an index in an unusual way. */
const QUERIES: { name: string; datasetId: string; region: string; sort?: string; filter?: string[] }[] = [
  { name: 'default sort, district-wide', datasetId: 'market-enterprises', region: '440605' },
  { name: 'led by a code column (read group by group), in a town', datasetId: 'market-enterprises', region: SHISHAN, sort: 'status,-registeredCapital', filter: ['industry:in:C,F'] },
  { name: 'Chinese text ordered by code point', datasetId: 'market-enterprises', region: GUICHENG, sort: 'companyName' },
  { name: 'not-equal, like and prefix filters', datasetId: 'market-enterprises', region: '440605', sort: '-registeredCapital', filter: ['status:ne:1', 'companyName:like:有限', 'uscc:prefix:9144'] },
  { name: 'a nullable column ascending (NULLs first)', datasetId: 'homestead-ledger', region: '440605', sort: 'approvalDate' },
  { name: 'a nullable column descending (NULLs last)', datasetId: 'homestead-ledger', region: SHISHAN, sort: '-approvalDate' },
];

function planFor(db: Db, query: (typeof QUERIES)[number]): QueryPlan {
  return buildPlan(db.dialect, DATASET_TABLES.get(query.datasetId)!, query.region, { sort: query.sort, filter: query.filter }, () => true);
}

/** Every batch of an export (Node 20 has no Array.fromAsync). */
async function collect<T>(batches: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const batch of batches) all.push(batch);
  return all;
}

/** Every row of the query, following keyset pages of `limit`. */
async function walk(reads: ConcurrentReads, plan: QueryPlan, limit: number): Promise<Row[]> {
  const rows: Row[] = [];
  let after: SqlValue[] | null = null;
  do {
    const page = await readPage(reads, plan, after, limit);
    rows.push(...page.rows);
    after = page.nextAfter;
  } while (after);
  return rows;
}

describe('the data service on SQLite and PostgreSQL', () => {
  let cluster: Awaited<ReturnType<typeof startPostgresCluster>> | undefined;
  let sqlite: Db;
  let postgres: PostgresDatabase;
  /** The reads the service pages and counts through: the store itself on SQLite, a pool on PostgreSQL. */
  let sqliteReads: ConcurrentReads;
  let postgresReads: ConcurrentReads;

  const adminUrl = process.env.CITYBRAIN_TEST_POSTGRES_URL;
  let testDatabase: string | undefined;
  before(async () => {
    if (adminUrl) testDatabase = await createTestDatabase(adminUrl);
    else cluster = await startPostgresCluster();
    postgres = new PostgresDatabase(testDatabase ?? (await cluster!.createDatabase()));
    sqlite = openDatabase(':memory:');
    for (const db of [sqlite, postgres]) {
      migrateDataTables(db);
      for (const datasetId of ['market-enterprises', 'homestead-ledger']) fillDatasetRows(db, datasetId, ROWS, { seed: 'stores', size: 'full' });
    }
    sqliteReads = concurrentReads(sqlite, null, 1);
    postgresReads = concurrentReads(postgres, postgres.url, 4);
  });
  after(async () => {
    await postgresReads?.close();
    sqlite?.close();
    postgres?.close();
    if (testDatabase) await dropTestDatabase(adminUrl!, testDatabase);
    await cluster?.stop();
  });

  it('fills a table in SQL with unique keys, the generator’s values and per-village counts', () => {
    for (const db of [sqlite, postgres]) {
      const table = DATASET_TABLES.get('market-enterprises')!;
      const stats = db.prepare(`SELECT COUNT(*) AS n, COUNT(DISTINCT uscc) AS keys, COUNT(DISTINCT region_code) AS villages, MIN(registered_capital) AS low FROM ${table.sql}`).get() as Record<string, number>;
      assert.equal(stats.n, ROWS, db.dialect);
      assert.equal(stats.keys, ROWS, `${db.dialect}: every key once`);
      assert.ok(stats.villages > 100, `${db.dialect}: rows spread over the villages`);
      assert.ok(stats.low! > 0, `${db.dialect}: capital as the generator makes it`);
      const counted = db.prepare("SELECT SUM(row_count) AS n FROM data_region_counts WHERE dataset_id = 'market-enterprises'").get() as { n: number };
      assert.equal(counted.n, ROWS, `${db.dialect}: region counts recomputed`);
    }
    const sample = `SELECT uscc, company_name, registered_capital, established_date, region_code FROM "jc_scjg_scztdjxx" WHERE uscc IN (SELECT uscc FROM "jc_scjg_scztdjxx" ORDER BY uscc LIMIT 5 OFFSET 12000) ORDER BY uscc`;
    assert.deepEqual(postgres.prepare(sample).all(), sqlite.prepare(sample).all(), 'the same rows in both stores');
  });

  for (const query of QUERIES) {
    it(`reads the same rows page by page and on a deep keyset page: ${query.name}`, async () => {
      const [onSqlite, onPostgres] = [sqlite, postgres].map((db) => planFor(db, query)) as [QueryPlan, QueryPlan];
      const all = await walk(sqliteReads, onSqlite, 997);
      assert.ok(all.length > 400, `${all.length} rows is too few to go deep`);
      assert.deepEqual(await walk(postgresReads, onPostgres, 997), all);

      // The page after the row 80 % of the way down, reached by its cursor alone.
      const depth = Math.floor(all.length * 0.8);
      const after = onSqlite.sort.map((k) => all[depth - 1]![k.column.def.name] ?? null);
      const deepOnSqlite = await readPage(sqliteReads, onSqlite, after, 50);
      assert.deepEqual(deepOnSqlite.rows, all.slice(depth, depth + 50));
      assert.deepEqual(await readPage(postgresReads, onPostgres, after, 50), deepOnSqlite);
    });
  }

  it('streams the same export from both stores (a server-side cursor on PostgreSQL), cut at maxRows', async () => {
    const query = QUERIES[1]!;
    const [onSqlite, onPostgres] = [sqlite, postgres].map((db) => planFor(db, query)) as [QueryPlan, QueryPlan];
    const whole = await collect(exportBatches(sqlite, sqliteReads, onSqlite, Number.POSITIVE_INFINITY, 500));
    assert.ok(whole.length > 1, 'several batches');
    assert.deepEqual(await collect(exportBatches(postgres, postgresReads, onPostgres, Number.POSITIVE_INFINITY, 500)), whole);
    assert.deepEqual(whole.flat(), await walk(sqliteReads, onSqlite, 997));
    const cut = (await collect(exportBatches(postgres, postgresReads, onPostgres, 1_234, 500))).flat();
    assert.deepEqual(cut, whole.flat().slice(0, 1_234));
  });

  it('closes the PostgreSQL cursor and its connection when an export stops early', async () => {
    const cursors = () =>
      (postgres.prepare("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE application_name = 'citybrain-sandbox cursor' AND datname = current_database()").get() as { n: number }).n;
    const batches = exportBatches(postgres, postgresReads, planFor(postgres, QUERIES[0]!), Number.POSITIVE_INFINITY, 100);
    assert.equal((await batches.next()).value?.length, 100);
    assert.equal(cursors(), 1, 'the export reads through a cursor of its own');
    // What the CSV stream does when the client goes away mid-download.
    await batches.return(undefined);
    // The server process of a closed connection may outlive the close by a moment.
    for (let tries = 0; tries < 100 && cursors() > 0; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(cursors(), 0);
  });

  it('counts the same on both stores, from statistics, by COUNT and from the sample', async () => {
    for (const query of QUERIES) {
      const [onSqlite, onPostgres] = [sqlite, postgres].map((db) => planFor(db, query)) as [QueryPlan, QueryPlan];
      assert.deepEqual(await countRows(postgresReads, onPostgres, 'exact'), await countRows(sqliteReads, onSqlite, 'exact'), query.name);
      assert.deepEqual(await countRows(postgresReads, onPostgres, 'estimated', 1_000), await countRows(sqliteReads, onSqlite, 'estimated', 1_000), query.name);
    }
  });
});
