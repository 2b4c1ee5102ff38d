/**
 * Behind a reverse proxy (two instances behind nginx, README), every request arrives from the proxy:
 * with CITYBRAIN_TRUST_PROXY naming it, the client's address comes from X-Forwarded-For, so the
 * public lookup's per-address limit counts each client and not everyone behind the proxy as one.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSandbox, type TestSandbox } from '../harness.js';

/** Failed lookups one address may make within the window (approvals' FAILURES_PER_CLIENT). */
const FAILURES_PER_ADDRESS = 20;

describe('client addresses behind a trusted proxy', () => {
  let sandbox: TestSandbox;
  before(async () => {
    sandbox = await startTestSandbox({ trustProxy: 'loopback' });
  });
  after(async () => {
    await sandbox?.close();
  });

  const lookup = (from: string, attempt: number) =>
    sandbox.api('/approvals/lookup', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
      // A new tracking number each time: the per-number limit (5) must not be what stops it.
      body: JSON.stringify({ trackingNo: `ZJD-440605124-2026-9${String(attempt).padStart(5, '0')}`, verificationCode: '123456' }),
    });

  it('limit the failed lookups of one client without limiting the others', async () => {
    for (let attempt = 0; attempt < FAILURES_PER_ADDRESS; attempt++) assert.equal((await lookup('203.0.113.7', attempt)).status, 404);
    assert.equal((await lookup('203.0.113.7', FAILURES_PER_ADDRESS)).status, 429, 'the guessing client waits');
    assert.equal((await lookup('198.51.100.23', FAILURES_PER_ADDRESS + 1)).status, 404, 'another citizen behind the same proxy does not');
  });
});
