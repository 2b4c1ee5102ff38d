/**
 * The test harness on PostgreSQL: each sandbox it starts gets a fresh database, and stopping the
 * sandbox drops it again, so a long PostgreSQL stage does not pile databases up on its cluster. A
 * database the test passes in stays: the test made it and may start another sandbox on it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createTestDatabase, dropTestDatabase, startTestSandbox } from '../harness.js';
import type { PostgresDatabase } from '../../src/storage/postgres.js';
import { startPostgresCluster } from '../../../../scripts/postgres-cluster.mjs';

describe('the test harness on PostgreSQL', () => {
  let cluster: Awaited<ReturnType<typeof startPostgresCluster>> | undefined;
  let adminUrl: string;
  const given = process.env.CITYBRAIN_TEST_POSTGRES_URL;

  before(async () => {
    if (!given) {
      cluster = await startPostgresCluster();
      // The harness reads the cluster from the environment when a sandbox starts.
      process.env.CITYBRAIN_TEST_POSTGRES_URL = cluster.url;
    }
    adminUrl = process.env.CITYBRAIN_TEST_POSTGRES_URL!;
  });
  after(async () => {
    if (!given) delete process.env.CITYBRAIN_TEST_POSTGRES_URL;
    await cluster?.stop();
  });

  const databaseExists = async (url: string) => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [new URL(url).pathname.slice(1)]);
      return rowCount === 1;
    } finally {
      await admin.end();
    }
  };

  it('drops the database it made for a sandbox when the sandbox stops', async () => {
    const sandbox = await startTestSandbox();
    const { url } = sandbox.ctx.db as PostgresDatabase;
    assert.equal(sandbox.ctx.db.dialect, 'postgres');
    assert.ok(await databaseExists(url), `${url} while the sandbox runs`);
    await sandbox.close();
    assert.equal(await databaseExists(url), false, `${url} after the sandbox stopped`);
  });

  it('a sandbox that fails to start closes its connections: a passed-in database is left with none', async () => {
    const url = await createTestDatabase(adminUrl);
    try {
      await assert.rejects(startTestSandbox({ databaseUrl: url, holidayCalendarFile: '/nonexistent/calendar.json' }), /calendar\.json/);
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        const { rows } = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [new URL(url).pathname.slice(1)]);
        assert.equal(rows[0].n, 0);
      } finally {
        await admin.end();
      }
    } finally {
      await dropTestDatabase(adminUrl, url);
    }
  });

  it('keeps a database the test passed in', async () => {
    const url = await createTestDatabase(adminUrl);
    const sandbox = await startTestSandbox({ databaseUrl: url });
    await sandbox.close();
    assert.ok(await databaseExists(url));
    await dropTestDatabase(adminUrl, url);
  });
});
