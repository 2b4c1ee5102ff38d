/** Authentication against the sandbox: single-flight refresh on 401, one replay, region scope. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, UnauthorizedError } from '../src/index.js';
import { recordingFetch, startClientSandbox, type ClientTestSandbox } from './sandbox.js';

const TOKEN_LIFETIME_MS = 15 * 60_000;

describe('auth against the sandbox', () => {
  let sandbox: ClientTestSandbox;
  before(async () => {
    sandbox = await startClientSandbox();
  });
  after(() => sandbox.close());

  /** Moves the sandbox clock; tokens issued before the jump are then expired. */
  const advanceClock = (advanceMs: number) => sandbox.hook('clock', { advanceMs });

  it('refreshes once for 20 concurrent requests on an expired token and replays each request once', async () => {
    const expired = await sandbox.token('demo-town-shishan');
    await advanceClock(TOKEN_LIFETIME_MS + 60_000);
    try {
      const asked: boolean[] = [];
      const recorder = recordingFetch();
      const client = createClient({
        baseUrl: sandbox.baseUrl,
        fetch: recorder.fetch,
        auth: async ({ forceRefresh }) => {
          asked.push(forceRefresh);
          return forceRefresh ? sandbox.token('demo-town-shishan') : expired;
        },
      });
      const principals = await Promise.all(Array.from({ length: 20 }, () => client.auth.me()));
      assert.ok(principals.every((p) => p.clientId === 'demo-town-shishan'));
      assert.deepEqual(asked, [false, true], 'one initial fetch, exactly one refresh');
      assert.equal(recorder.sent.length, 40, 'each request was sent once and replayed once');
      const withExpired = recorder.sent.filter((r) => r.headers.get('authorization') === `Bearer ${expired}`);
      assert.equal(withExpired.length, 20);
      await client.auth.me();
      assert.equal(asked.length, 2, 'the refreshed token is reused');
    } finally {
      await advanceClock(-(TOKEN_LIFETIME_MS + 60_000));
    }
  });

  it('asks a supplier that threw synchronously again on the next call instead of caching its failure', async () => {
    let asked = 0;
    const client = createClient({
      baseUrl: sandbox.baseUrl,
      auth: () => {
        asked += 1;
        if (asked === 1) throw new Error('token service unreachable');
        return sandbox.token('demo-town-shishan');
      },
    });
    const error = await client.auth.me().catch((e) => e);
    assert.equal(error.message, 'token service unreachable');
    assert.equal((await client.auth.me()).clientId, 'demo-town-shishan');
    assert.equal(asked, 2);
  });

  it('fails the calls waiting on a failed refresh, and the next call asks the supplier again', async () => {
    const asked: boolean[] = [];
    const recorder = recordingFetch();
    const client = createClient({
      baseUrl: sandbox.baseUrl,
      fetch: recorder.fetch,
      auth: async ({ forceRefresh }) => {
        asked.push(forceRefresh);
        if (asked.length === 1) return 'revoked-token';
        if (forceRefresh) {
          // Slow enough that every call's 401 arrives while the refresh is under way.
          await new Promise((resolve) => setTimeout(resolve, 500));
          throw new Error('refresh refused');
        }
        return sandbox.token('demo-town-shishan');
      },
    });
    const failures = await Promise.all(Array.from({ length: 5 }, () => client.auth.me().catch((e) => e)));
    assert.ok(failures.every((e) => e instanceof Error && e.message === 'refresh refused'), String(failures));
    assert.deepEqual(asked, [false, true], 'the waiting calls shared one refresh');
    recorder.sent.length = 0;
    assert.equal((await client.auth.me()).clientId, 'demo-town-shishan');
    assert.deepEqual(asked, [false, true, false], 'asked again, not handed the refused token');
    assert.equal(recorder.sent.length, 1);
  });

  it('replays only once: a token rejected twice is an UnauthorizedError', async () => {
    let asked = 0;
    const recorder = recordingFetch();
    const client = createClient({ baseUrl: sandbox.baseUrl, fetch: recorder.fetch, auth: () => `not-a-token-${++asked}` });
    const error = await client.auth.me().catch((e) => e);
    assert.ok(error instanceof UnauthorizedError, String(error));
    assert.equal(asked, 2);
    assert.equal(recorder.sent.length, 2);
  });

  it('does not retry a fixed token the server rejects', async () => {
    const recorder = recordingFetch();
    const client = createClient({ baseUrl: sandbox.baseUrl, fetch: recorder.fetch, auth: 'expired-or-forged' });
    const error = await client.auth.me().catch((e) => e);
    assert.ok(error instanceof UnauthorizedError);
    assert.equal(error.problem?.status, 401);
    assert.equal(recorder.sent.length, 1);
  });

  it('sends the region scope on every call unless a call overrides it', async () => {
    const recorder = recordingFetch();
    const client = createClient({ baseUrl: sandbox.baseUrl, fetch: recorder.fetch, regionCode: '440605124' });
    await client.regions.list();
    await client.regions.list({}, { regionCode: '440605124201' });
    await client.regions.list({}, { regionCode: null });
    await client.withOptions({ regionCode: '440605011' }).regions.list();
    assert.deepEqual(
      recorder.sent.map((r) => r.headers.get('x-region-code')),
      ['440605124', '440605124201', null, '440605011'],
    );
  });

  it('shares the token cache with clients derived by withOptions', async () => {
    let asked = 0;
    const token = await sandbox.token('demo-district');
    const client = createClient({ baseUrl: sandbox.baseUrl, auth: () => (asked++, token) });
    await client.auth.me();
    const scoped = client.withOptions({ regionCode: '440605124' });
    assert.equal((await scoped.auth.me()).clientId, 'demo-district');
    assert.equal(asked, 1);
  });

  it('tells the bearer token it sends, from the same cache, and none without auth', async () => {
    let asked = 0;
    const token = await sandbox.token('demo-district');
    const client = createClient({ baseUrl: sandbox.baseUrl, auth: () => (asked++, token) });
    await client.auth.me();
    assert.equal(await client.bearerToken(), token);
    assert.equal(asked, 1, 'the cached token, not a new one');
    assert.equal(await createClient({ baseUrl: sandbox.baseUrl }).bearerToken(), undefined);
  });

  it('hands over the headers of its requests, which a plain fetch of the platform then succeeds with', async () => {
    const token = await sandbox.token('demo-district');
    const client = createClient({ baseUrl: sandbox.baseUrl, auth: () => token, regionCode: '440605124', headers: { 'Accept-Language': 'en' } });
    const headers = await client.handoverHeaders();
    assert.deepEqual(headers, { 'accept-language': 'en', authorization: `Bearer ${token}`, 'x-region-code': '440605124' });
    const response = await fetch(`${sandbox.baseUrl}/auth/me`, { headers });
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { clientId: string }).clientId, 'demo-district');
    assert.deepEqual(await createClient({ baseUrl: sandbox.baseUrl }).handoverHeaders(), {}, 'anonymous: nothing to add');
  });

  it('hands over nothing when a plain fetch cannot stand in for it (own fetch, hooks, signer)', async () => {
    const token = await sandbox.token('demo-district');
    const base = { baseUrl: sandbox.baseUrl, auth: token };
    assert.equal(await createClient({ ...base, fetch: (input, init) => fetch(input, init) }).handoverHeaders(), undefined);
    assert.equal(await createClient({ ...base, hooks: { beforeRequest: () => undefined } }).handoverHeaders(), undefined);
    assert.equal(await createClient({ ...base, signer: { sign: () => undefined } }).handoverHeaders(), undefined);
  });
});
