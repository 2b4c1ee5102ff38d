/**
 * Bad input from the caller, against the real sandbox: options and call arguments that are wrong
 * must fail at once with a clear TypeError or RangeError naming what is wrong, and never hang,
 * send a request that cannot succeed, or weaken the write guarantees.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, ServerError, type ClientOptions } from '../src/index.js';
import { faultKey, recordingClient, startClientSandbox, type ClientTestSandbox } from './sandbox.js';
import { applicationForm } from './forms.js';


describe('bad input', () => {
  let sandbox: ClientTestSandbox;
  before(async () => {
    sandbox = await startClientSandbox();
  });
  after(() => sandbox.close());

  const clientWith = (options: Partial<ClientOptions> = {}) => recordingClient(sandbox, options);

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

  describe('client options', () => {
    const bad: [label: string, options: unknown, error: RegExp, kind?: 'RangeError'][] = [
      ['no options', undefined, /createClient needs an options object/],
      ['no baseUrl', { baseUrl: undefined }, /baseUrl must be the platform's URL/],
      ['a baseUrl that is not a URL', { baseUrl: 'not a url' }, /baseUrl "not a url" is not a URL \(outside a browser it must be absolute/],
      ['a baseUrl that is not http', { baseUrl: 'ftp://gw.example.gov.cn/api/v1' }, /baseUrl must be an http or https URL/],
      ['a baseUrl with credentials', { baseUrl: 'http://user:pw@127.0.0.1:8080/api/v1' }, /must not contain a user name or password/],
      ['a negative timeout', { timeout: -1 }, /timeout must be a number ≥ 0, got -1/, 'RangeError'],
      ['a NaN totalTimeout', { totalTimeout: Number.NaN }, /totalTimeout must be a number ≥ 0, got NaN/, 'RangeError'],
      ['a timeout as text', { timeout: '5000' }, /timeout must be a number, got "5000"/],
      ['auth: null', { auth: null }, /auth must be a bearer token, a token supplier function or an object with getToken\(\), got null/],
      ['an empty token', { auth: '' }, /auth must be a bearer token/],
      ['a getToken that is not a function', { auth: { getToken: 'secret' } }, /auth must be .* an object with getToken\(\), got an object/],
      ['a fetch that is not a function', { fetch: 'fetch' }, /fetch must be a function, got "fetch"/],
      ['a hook that is not a function', { hooks: { beforeRequest: 5 } }, /hooks\.beforeRequest must be a function, got number 5/],
      ['a signer without sign()', { signer: {} }, /signer\.sign must be a function/],
      ['headers that cannot be sent', { headers: { 'x-town': '狮山镇' } }, /headers must be a record of header names to ASCII values/],
    ];
    for (const [label, options, message, kind] of bad) {
      it(`refuses ${label} when the client is created`, () => {
        const full = label === 'no options' ? options : { baseUrl: sandbox.baseUrl, ...(options as object) };
        const expected = kind === 'RangeError' ? RangeError : TypeError;
        assert.throws(() => createClient(full as ClientOptions), (error: unknown) => {
          assert.ok(error instanceof expected, `${label}: ${String(error)}`);
          assert.match((error as Error).message, message);
          return true;
        });
      });
    }

    it('refuses bad options in withOptions too', () => {
      const { client } = clientWith();
      assert.throws(() => client.withOptions({ timeout: -5 }), RangeError);
      assert.throws(() => client.withOptions({ auth: null as never }), /auth must be/);
    });

    it('refuses a negative or NaN per-call timeout before sending anything', async () => {
      const { client, sent } = clientWith();
      for (const options of [{ timeout: -5 }, { totalTimeout: Number.NaN }]) {
        const error = await client.regions.list({}, options).catch((e) => e);
        assert.ok(error instanceof RangeError, `${Object.entries(options)[0]!.join(': ')}: ${String(error)}`);
        assert.match(error.message, /timeout must be a number ≥ 0/i);
      }
      assert.equal(sent.length, 0);
    });
  });

  describe('helper arguments', () => {
    it('refuses toArray(NaN) instead of fetching every page', async () => {
      const { client, sent } = clientWith({ auth: await sandbox.token('demo-town-shishan') });
      const error = await client.approvals.list({ limit: 5 }).toArray(Number.NaN).catch((e) => e);
      assert.ok(error instanceof RangeError, `resolved with ${Array.isArray(error) ? `${error.length} items` : String(error)}`);
      assert.equal(sent.length, 0);
    });

    it('refuses a NaN reconnection delay or count before connecting (a NaN delay reconnects in a tight loop)', async () => {
      const { client, sent } = clientWith({ auth: await sandbox.token('demo-town-shishan') });
      const [application] = await client.approvals.list({ limit: 1 }).toArray(1);
      assert.ok(application);
      const before = sent.length;
      for (const options of [{ maxReconnectDelay: Number.NaN }, { maxReconnects: Number.NaN }, { idleTimeout: -1 }]) {
        const watch = client.approvals.watch(application.id, { ...options, signal: AbortSignal.timeout(1000) });
        const error = await watch.next().catch((e) => e);
        assert.ok(error instanceof RangeError, `${Object.entries(options)[0]!.join(': ')}: ${String(error)}`);
      }
      assert.equal(sent.length, before, 'no stream was opened');
    });
  });

  describe('call arguments', () => {
    it('rejects the returned promise for a missing path parameter or an unusable raw URL, rather than throwing', async () => {
      const { client, sent } = clientWith();
      let pending: Promise<unknown> | undefined;
      assert.doesNotThrow(() => {
        pending = client.GET('/regions/{code}', { params: { path: {} as { code: string } } });
      });
      await assert.rejects(pending!, { name: 'TypeError', message: /Missing path parameter "code"/ });
      assert.doesNotThrow(() => {
        pending = client.raw('GET', 'regions');
      });
      await assert.rejects(pending!, { name: 'TypeError', message: /raw\(\) needs a path under baseUrl/ });
      assert.equal(sent.length, 0);
    });
  });
});
