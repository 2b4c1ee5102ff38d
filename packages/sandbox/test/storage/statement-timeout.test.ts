/**
 * An instance on PostgreSQL runs one statement at a time on its statement connection: a statement
 * that never ends would hold every request behind it until the client-side wait gives up (120 s).
 * The connection's `statement_timeout` has the server cancel it instead; its request is answered 503
 * (problem+json, Retry-After) and the next one is served at once. Here a table lock held by another
 * connection makes the public lookup's first statement wait past a short timeout.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startTestSandbox, type TestSandbox } from '../harness.js';
import { DATASET_TABLES } from '../../src/services/data/tables.js';
import { startPostgresCluster } from '../../../../scripts/postgres-cluster.mjs';

describe('a statement that outruns the statement timeout on PostgreSQL', () => {
  let cluster: Awaited<ReturnType<typeof startPostgresCluster>> | undefined;
  let sandbox: TestSandbox;
  const given = process.env.CITYBRAIN_TEST_POSTGRES_URL;

  before(async () => {
    if (!given) {
      cluster = await startPostgresCluster();
      process.env.CITYBRAIN_TEST_POSTGRES_URL = cluster.url;
    }
    // Starting migrates and seeds, which is exempt from the timeout however short it is.
    sandbox = await startTestSandbox({ databaseStatementTimeoutMs: 500 });
  });
  after(async () => {
    await sandbox?.close();
    if (!given) delete process.env.CITYBRAIN_TEST_POSTGRES_URL;
    await cluster?.stop();
  });

  it('is cancelled, its request answered 503, and the instance serves the next request at once', async () => {
    const lookup = () => sandbox.api('/approvals/lookup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ trackingNo: 'ZJD-440605124-2026-999999', verificationCode: '123456' }),
    });
    const locker = new pg.Client({ connectionString: (sandbox.ctx.db as unknown as { url: string }).url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      // The lookup counts failed attempts in throttle_hits first: its SELECT waits for this lock.
      await locker.query('LOCK TABLE throttle_hits IN ACCESS EXCLUSIVE MODE');
      const stuck = await lookup();
      assert.equal(stuck.status, 503, await stuck.clone().text());
      assert.match(stuck.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.ok(Number(stuck.headers.get('retry-after')) > 0);
      assert.match(((await stuck.json()) as { type: string }).type, /unavailable/);
      await locker.query('ROLLBACK');
    } finally {
      await locker.end();
    }
    assert.equal((await lookup()).status, 404, 'the next lookup runs as usual: unknown tracking number');
  });

  it('holds for reads on the read pool too: a row page waiting on a lock is answered 503', async () => {
    const token = await sandbox.token('demo-district');
    const locker = new pg.Client({ connectionString: (sandbox.ctx.db as unknown as { url: string }).url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${DATASET_TABLES.get('market-enterprises')!.sql} IN ACCESS EXCLUSIVE MODE`);
      const stuck = await sandbox.api('/data/datasets/market-enterprises/rows?limit=5', { token });
      assert.equal(stuck.status, 503, await stuck.clone().text());
      await locker.query('ROLLBACK');
    } finally {
      await locker.end();
    }
  });
});
