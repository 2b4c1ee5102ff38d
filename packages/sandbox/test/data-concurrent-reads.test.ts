/**
 * The data platform's hot reads on PostgreSQL run on the read pool (`ctx.reads`), not on the one
 * statement connection every write of the instance goes through. Shown without any clock: a row page
 * is made to wait on a table lock held by another session; it waits on a read-pool connection, and
 * meanwhile the instance keeps answering — another row page, and the audit write it causes. On the
 * statement connection the page would have held the whole instance until the lock went.
 * PostgreSQL is the cluster of `CITYBRAIN_TEST_POSTGRES_URL` or a private one started here.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createTestDatabase, startTestSandbox, type TestSandbox } from './harness.js';
import { DATASET_TABLES } from '../src/services/data/tables.js';
import { startPostgresCluster } from '../../../scripts/postgres-cluster.mjs';

/** How often to look for the page's query among the sessions waiting on a lock, 20 ms apart. */
const LOOKS = 1_500;

describe('data service reads on PostgreSQL', () => {
  let cluster: Awaited<ReturnType<typeof startPostgresCluster>> | undefined;
  let sandbox: TestSandbox;
  let observer: pg.Client;
  let locker: pg.Client;

  before(async () => {
    const adminUrl = process.env.CITYBRAIN_TEST_POSTGRES_URL;
    if (!adminUrl) cluster = await startPostgresCluster();
    const databaseUrl = adminUrl ? await createTestDatabase(adminUrl) : await cluster!.createDatabase();
    sandbox = await startTestSandbox({ databaseUrl });
    observer = new pg.Client({ connectionString: databaseUrl });
    locker = new pg.Client({ connectionString: databaseUrl });
    await Promise.all([observer.connect(), locker.connect()]);
  });
  after(async () => {
    await Promise.all([observer?.end(), locker?.end()]);
    await sandbox?.close();
    await cluster?.stop();
  });

  /** The application names of this database's sessions waiting on a lock for a statement that reads `table`. */
  async function sessionsWaitingOn(table: string): Promise<string[]> {
    const { rows } = await observer.query<{ application_name: string }>(
      "SELECT application_name FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND position($1 in query) > 0",
      [`FROM ${table}`],
    );
    return rows.map((r) => r.application_name);
  }

  it('answers a row page on the read pool: while it waits on a lock, the instance serves other pages and writes their audit', async () => {
    const locked = DATASET_TABLES.get('market-enterprises')!.sql;
    const [town, district] = await Promise.all([sandbox.token('demo-town-shishan'), sandbox.token('demo-district')]);
    const audits = async () =>
      Number((await observer.query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'data.read.unmasked'")).rows[0].n);
    const auditsBefore = await audits();

    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE ${locked} IN ACCESS EXCLUSIVE MODE`);
    let waiting: Promise<Response> | undefined;
    try {
      waiting = sandbox.api('/data/datasets/market-enterprises/rows?limit=5', { token: town });
      let waiters: string[] = [];
      for (let look = 0; look < LOOKS && !waiters.length; look++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        waiters = await sessionsWaitingOn(locked);
      }
      assert.deepEqual(waiters, ['citybrain-sandbox reads'], 'the page waits on a connection of the read pool');

      // The instance is not held up: another dataset's page is answered, and its audit row written.
      const other = await sandbox.api('/data/datasets/population-residents/rows?limit=3', { token: district });
      assert.equal(other.status, 200);
      assert.equal(((await other.json()) as { items: unknown[] }).items.length, 3);
      assert.equal(await audits(), auditsBefore + 1, 'the unmasked read was audited on the statement connection');
    } finally {
      await locker.query('COMMIT');
    }
    const page = await waiting;
    assert.equal(page.status, 200);
    assert.equal(((await page.json()) as { items: unknown[] }).items.length, 5);
  });
});
