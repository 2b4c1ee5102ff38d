/**
 * Bad input from the caller, against the real sandbox: options and call arguments that are wrong
 * must fail at once with a clear TypeError or RangeError naming what is wrong, and never hang,
 * send a request that cannot succeed, or weaken the write guarantees.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, ServerError, type ClientOptions } from '../src/index.js';
import { faultKey, recordingFetch, startClientSandbox, type ClientTestSandbox } from './sandbox.js';
import { applicationForm } from './forms.js';

const FAST_RETRY = { baseDelay: 20, maxDelay: 100 };

describe('bad input', () => {
  let sandbox: ClientTestSandbox;
  before(async () => {
    sandbox = await startClientSandbox();
  });
  after(() => sandbox.close());

  const clientWith = (options: Partial<ClientOptions> = {}) => {
    const recorder = recordingFetch();
    const client = createClient({ baseUrl: sandbox.baseUrl, retry: FAST_RETRY, fetch: recorder.fetch, ...options });
    return { client, sent: recorder.sent };
  };

  describe('idempotency keys', () => {
    it('does not retry a POST whose Idempotency-Key header is empty (the server treats it as unkeyed)', async () => {
      const { client, sent } = clientWith();
      const key = faultKey('empty-key');
      const error = await client
        .POST('/auth/token', {
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': '', 'x-sandbox-fault': `key=${key};times=1;status=503` },
          body: { grant_type: 'client_credentials', client_id: 'demo-district', client_secret: 'demo-district-secret' },
        })
        .catch((e) => e);
      assert.ok(error instanceof ServerError, String(error));
      assert.equal(sent.length, 1, 'an unkeyed write is sent once');
    });

    it('generates a key for a keyed helper when the caller\'s Idempotency-Key header is empty', async () => {
      const { client, sent } = clientWith({ auth: await sandbox.token('demo-town-shishan') });
      const created = await client.approvals.create(applicationForm(), { headers: { 'idempotency-key': '' } });
      assert.ok(created.id);
      assert.ok((sent[0]!.headers.get('idempotency-key') ?? '').length >= 8, 'a generated key was sent');
    });
  });

  describe('retry settings', () => {
    it('refuses a NaN attempt count at once instead of retrying until the budget runs out', async () => {
      assert.throws(() => createClient({ baseUrl: sandbox.baseUrl, retry: Number.NaN }), { name: 'RangeError', message: /retry/ });
      const { client, sent } = clientWith({ totalTimeout: 2000 });
      const started = Date.now();
      const error = await client.regions
        .list({}, { retry: { maxAttempts: Number.NaN }, headers: { 'x-sandbox-fault': 'status=503' } })
        .catch((e) => e);
      assert.ok(error instanceof RangeError, String(error));
      assert.match(error.message, /retry\.maxAttempts/);
      assert.equal(sent.length, 0, 'nothing was sent');
      assert.ok(Date.now() - started < 500);
    });
  });
});
