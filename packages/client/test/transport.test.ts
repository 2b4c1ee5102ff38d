/**
 * Retries, timeouts, cancellation and typed errors against the real sandbox, driven by its fault
 * injection (`X-Sandbox-Fault`, docs/sandbox-conventions.md).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  AbortError,
  BadRequestError,
  ConflictError,
  createClient,
  ForbiddenError,
  GatewayError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  ResponseFormatError,
  ServerError,
  TimeoutError,
  UnprocessableError,
  type ClientOptions,
  type LogFields,
} from '../src/index.js';
import { FAST_RETRY, faultKey, recordingClient, startClientSandbox, type ClientTestSandbox } from './sandbox.js';
import { applicationForm } from './forms.js';


describe('transport against the sandbox', () => {
  let sandbox: ClientTestSandbox;
  before(async () => {
    sandbox = await startClientSandbox();
  });
  after(() => sandbox.close());

  const clientWith = (options: Partial<ClientOptions> = {}) => recordingClient(sandbox, options);
  const fault = (directives: string) => ({ headers: { 'x-sandbox-fault': directives } });

  describe('retries', () => {
    it('retries a GET answered 503 twice and succeeds on the third attempt', async () => {
      const { client, sent } = clientWith();
      const key = faultKey('503x2');
      const towns = await client.regions.list({}, fault(`key=${key};times=2;status=503`));
      assert.ok(towns.some((town) => town.name === '狮山镇'));
      assert.equal(sent.length, 3);
      assert.equal((await sandbox.stats()).faults[key], 2);
      assert.equal(new Set(sent.map((r) => r.headers.get('x-request-id'))).size, 1, 'one request id for the whole call');
    });

    it('gives up after maxAttempts with the last error, saying how many attempts it made', async () => {
      const { client, sent } = clientWith({ retry: { ...FAST_RETRY, maxAttempts: 2 } });
      const error = await client.regions.list({}, fault(`key=${faultKey('503x5')};times=5;status=503`)).catch((e) => e);
      assert.ok(error instanceof ServerError, String(error));
      assert.equal(error.status, 503);
      assert.equal(error.attempts, 2);
      assert.equal(sent.length, 2);
      assert.equal(error.retryable, true);
    });

    it('honours Retry-After on 429', async () => {
      const { client, sent } = clientWith();
      const started = Date.now();
      await client.regions.list({}, fault(`key=${faultKey('429')};times=1;status=429;retry-after=1`));
      const elapsed = Date.now() - started;
      assert.equal(sent.length, 2);
      assert.ok(elapsed >= 950, `waited ${elapsed} ms for Retry-After: 1`);
      assert.ok(elapsed < 3000, `but not much longer (${elapsed} ms)`);
    });

    it('caps Retry-After at maxRetryAfter', async () => {
      const { client, sent } = clientWith({ retry: { ...FAST_RETRY, maxRetryAfter: 100 } });
      const started = Date.now();
      await client.regions.list({}, fault(`key=${faultKey('429cap')};times=1;status=429;retry-after=30`));
      assert.equal(sent.length, 2);
      assert.ok(Date.now() - started < 2000);
    });

    it('gives up at once, with the typed error, when Retry-After is longer than the budget left', async () => {
      const { client, sent } = clientWith({ retry: { ...FAST_RETRY, maxRetryAfter: 100 }, totalTimeout: 5_000 });
      const started = Date.now();
      const error = await client.regions.list({}, fault(`key=${faultKey('429long')};times=1;status=429;retry-after=30`)).catch((e) => e);
      assert.ok(error instanceof RateLimitedError, String(error));
      assert.equal(error.retryAfter, 30_000);
      assert.equal(sent.length, 1, 'not cut to maxRetryAfter and retried');
      assert.ok(Date.now() - started < 2_000);
    });

    it('retries a dropped connection (NetworkError) and reports one when drops persist', async () => {
      const { client, sent } = clientWith();
      await client.regions.list({}, fault(`key=${faultKey('drop1')};times=1;drop`));
      assert.equal(sent.length, 2);
      const error = await client.regions.list({}, fault(`key=${faultKey('drop9')};times=9;drop`)).catch((e) => e);
      assert.ok(error instanceof NetworkError, String(error));
      assert.equal(error.attempts, 3);
      assert.ok(error.requestId, 'a network error still names the request id that was sent');
    });

    it('times out a stalled body per attempt and retries it', async () => {
      const { client, sent } = clientWith({ timeout: 300 });
      const started = Date.now();
      const towns = await client.regions.list({}, fault(`key=${faultKey('stall')};times=1;stall=5000`));
      assert.ok(towns.length > 0);
      assert.equal(sent.length, 2);
      assert.ok(Date.now() - started < 3000, 'the stalled attempt was abandoned at its timeout');
      const error = await client.regions.list({}, { ...fault('stall=5000'), retry: false }).catch((e) => e);
      assert.ok(error instanceof TimeoutError, String(error));
      assert.equal(error.phase, 'attempt');
    });

    it('times out a stalled body even when the garbage collector runs meanwhile', async () => {
      // undici ties a body to its signal through a Request that fetch makes inside and nobody keeps:
      // once collected, an abort no longer reaches the body. The fault campaign met this under load.
      v8.setFlagsFromString('--expose-gc');
      const collectGarbage = runInNewContext('gc') as () => void;
      const { client } = clientWith({ timeout: 300 });
      const collector = setInterval(collectGarbage, 25);
      try {
        const started = Date.now();
        const error = await client.regions.list({}, { ...fault('stall=5000'), retry: false }).catch((e) => e);
        assert.ok(error instanceof TimeoutError, String(error));
        assert.equal(error.phase, 'attempt');
        assert.ok(Date.now() - started < 3000, 'the stalled body was abandoned at the attempt timeout');
      } finally {
        clearInterval(collector);
      }
    });

    it('retries a truncated JSON body for a GET, but not an HTML gateway page', async () => {
      const { client, sent } = clientWith();
      await client.regions.list({}, fault(`key=${faultKey('badjson')};times=1;badjson`));
      assert.equal(sent.length, 2);
      const truncated = await client.regions.list({}, fault('badjson')).catch((e) => e);
      assert.ok(truncated instanceof ResponseFormatError);
      assert.equal(truncated.reason, 'invalid-json');
      assert.equal(truncated.attempts, 3);
      const before = sent.length;
      const html = await client.regions.list({}, fault('html')).catch((e) => e);
      assert.ok(html instanceof ResponseFormatError);
      assert.equal(html.reason, 'html-page');
      assert.equal(html.status, 200);
      assert.match(html.bodySnippet, /请先登录/);
      assert.equal(sent.length - before, 1, 'a login page is not retried');
    });
  });

  describe('writes', () => {
    const tokenRequest = (headers: Record<string, string>, idempotencyKey?: string) => ({
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: { grant_type: 'client_credentials' as const, client_id: 'demo-district', client_secret: 'demo-district-secret' },
      idempotencyKey,
    });

    it('does not retry a POST without an Idempotency-Key', async () => {
      const { client, sent } = clientWith();
      const key = faultKey('post-unkeyed');
      const error = await client.POST('/auth/token', tokenRequest({ 'x-sandbox-fault': `key=${key};times=1;status=503` })).catch((e) => e);
      assert.ok(error instanceof ServerError, String(error));
      assert.equal(error.attempts, 1);
      assert.equal(sent.length, 1);
      assert.equal((await sandbox.stats()).faults[key], 1);
    });

    it('retries a POST carrying an Idempotency-Key, sending the same key on every attempt', async () => {
      const { client, sent } = clientWith();
      const { data } = await client.POST('/auth/token', tokenRequest({ 'x-sandbox-fault': `key=${faultKey('post-keyed')};times=2;status=503` }, 'token-call-0001'));
      assert.equal(data.token_type, 'Bearer');
      assert.equal(sent.length, 3);
      assert.deepEqual(new Set(sent.map((r) => r.headers.get('idempotency-key'))), new Set(['token-call-0001']));
    });

    it('sends a streamed body once, even with an Idempotency-Key: a stream cannot be sent again', async () => {
      const { client, sent } = clientWith();
      const key = faultKey('post-stream');
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'demo-district', client_secret: 'demo-district-secret' });
      const error = await client
        .raw('POST', '/auth/token', {
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-sandbox-fault': `key=${key};times=1;status=503` },
          body: new Blob([form.toString()]).stream(),
          idempotencyKey: 'token-call-stream',
        })
        .catch((e) => e);
      assert.ok(error instanceof ServerError, String(error));
      assert.equal(error.attempts, 1);
      assert.equal(sent.length, 1);
    });

    it('creates one application when the first response is lost and the create is retried', async () => {
      const token = await sandbox.token('demo-town-shishan');
      const { client, sent } = clientWith({ auth: token, timeout: 1500 });
      const idempotencyKey = `create-${faultKey('lost')}`;
      // The stall delays the response after the handler has run: the write happened, its answer is lost.
      const created = await client.approvals.create(applicationForm(), {
        idempotencyKey,
        headers: { 'x-sandbox-fault': `key=${idempotencyKey};times=1;stall=5000` },
      });
      assert.ok(created);
      assert.equal(sent.length, 2);
      assert.equal((await sandbox.stats()).effects[idempotencyKey], 1, 'the retry replayed the stored result');
    });
  });

  describe('time budget and cancellation', () => {
    it('stops at the total budget even while an attempt is still waiting', async () => {
      const { client } = clientWith({ timeout: 0, totalTimeout: 300 });
      const started = Date.now();
      const error = await client.regions.list({}, fault('latency=3000')).catch((e) => e);
      assert.ok(error instanceof TimeoutError, String(error));
      assert.equal(error.phase, 'total');
      assert.ok(Date.now() - started < 1500);
    });

    it('does not start a wait that would outlast the budget', async () => {
      const { client, sent } = clientWith({ totalTimeout: 500 });
      const started = Date.now();
      const error = await client.regions.list({}, fault('status=503;retry-after=5')).catch((e) => e);
      assert.ok(error instanceof ServerError, String(error));
      assert.equal(error.retryAfter, 5000);
      assert.equal(sent.length, 1);
      assert.ok(Date.now() - started < 400, 'gave up at once instead of sleeping into the budget');
    });

    it('aborts a request in flight promptly', async () => {
      const { client } = clientWith();
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), 50);
      const error = await client.regions.list({}, { ...fault('latency=5000'), signal: controller.signal }).catch((e) => e);
      assert.ok(error instanceof AbortError, String(error));
      assert.ok(Date.now() - started < 500, `aborted after ${Date.now() - started} ms`);
    });

    it('aborts during a retry wait promptly, and sends nothing for an already aborted signal', async () => {
      const { client, sent } = clientWith();
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), 100);
      const error = await client.regions.list({}, { ...fault('status=503;retry-after=5'), signal: controller.signal }).catch((e) => e);
      assert.ok(error instanceof AbortError, String(error));
      assert.ok(Date.now() - started < 600);
      const before = sent.length;
      const early = await client.regions.list({}, { signal: AbortSignal.abort() }).catch((e) => e);
      assert.ok(early instanceof AbortError);
      assert.equal(sent.length, before);
    });
  });

  describe('typed errors', () => {
    it('reports a validation failure with its field errors and the request id', async () => {
      const { client } = clientWith();
      const error = await client.regions.list({ parent: 'not-a-code' }).catch((e) => e);
      assert.ok(error instanceof BadRequestError, String(error));
      assert.ok(error.fieldErrors.some((f: { name: string }) => f.name === 'query/parent'), JSON.stringify(error.fieldErrors));
      assert.equal(error.problem?.status, 400);
      assert.ok(error.requestId);
      assert.match(error.url, /\/api\/v1\/regions\?parent=not-a-code$/);
    });

    it('reports 404 as NotFoundError and keeps the server request id', async () => {
      const { client } = clientWith();
      const error = await client.regions.get('440605999', { headers: { 'x-request-id': 'client-test-404' } }).catch((e) => e);
      assert.ok(error instanceof NotFoundError, String(error));
      assert.equal(error.requestId, 'client-test-404');
      assert.equal(error.retryable, false);
    });

    it('maps every status family to its class', async () => {
      const { client } = clientWith({ retry: false });
      const cases = [
        [403, ForbiddenError],
        [409, ConflictError],
        [422, UnprocessableError],
        [429, RateLimitedError],
        [502, ServerError],
      ] as const;
      for (const [status, Class] of cases) {
        const error = await client.regions.list({}, fault(`status=${status}`)).catch((e) => e);
        assert.ok(error instanceof Class, `${status} → ${error?.name}`);
        assert.equal(error.status, status);
        assert.equal(error.problem?.type, 'https://citybrain.nanhai.gov.cn/problems/injected-fault');
      }
    });
  });

  describe('credentials stay on the platform', () => {
    it('refuses to follow a URL on another origin with the client credentials', async () => {
      const { client, sent } = clientWith({ auth: await sandbox.token('demo-district') });
      await assert.rejects(client.raw('GET', 'https://elsewhere.example.com/api/v1/regions'), /Refusing to send credentials to https:\/\/elsewhere.example.com/);
      assert.equal(sent.length, 0);
      const { data } = await client.raw<{ items: unknown[] }>('GET', `${sandbox.baseUrl}/regions`, { query: { parent: '440605124' } });
      assert.ok(data.items.length > 10);
    });
  });

  describe('logging', () => {
    it('logs requests, retries and failures without credentials', async () => {
      const lines: { message: string; fields: LogFields }[] = [];
      const record = (message: string, fields: LogFields) => lines.push({ message, fields });
      const token = await sandbox.token('demo-town-shishan');
      const { client } = clientWith({ auth: token, logger: { debug: record, info: record, warn: record, error: record } });
      await client.auth.me(fault(`key=${faultKey('log')};times=1;status=503`));
      await client.auth.token({ clientId: 'demo-district', clientSecret: 'demo-district-secret' });
      await client.auth.token({ clientId: 'demo-district', clientSecret: 'demo-district-secret', authMethod: 'client_secret_post' });
      const text = JSON.stringify(lines);
      assert.ok(lines.some((l) => l.message === 'citybrain retrying' && l.fields.status === 503));
      assert.ok(lines.some((l) => l.fields.headers?.authorization === '[redacted]'));
      for (const secret of [token, 'demo-district-secret', Buffer.from('demo-district:demo-district-secret').toString('base64')]) {
        assert.ok(!text.includes(secret), 'a credential reached the log');
      }
    });
  });
});

describe('gateway envelopes (a gateway in front of the platform)', () => {
  let server: Server;
  let baseUrl: string;
  before(async () => {
    // A real HTTP server standing in for a 政务 gateway that answers 200 with its own envelope.
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json; charset=utf-8');
      if (req.url?.startsWith('/api/v1/regions/440605124')) {
        res.end(JSON.stringify({ code: 0, msg: 'success', data: { code: '440605124', name: '狮山镇' } }));
      } else if (req.url?.startsWith('/api/v1/auth/me')) {
        res.end(JSON.stringify({ errcode: 40014, errmsg: 'invalid access_token' }));
      } else {
        res.end(JSON.stringify({ code: '1001', msg: '网关鉴权失败', data: null }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('unwraps a success envelope and turns error envelopes into GatewayError', async () => {
    const client = createClient({ baseUrl });
    const region = await client.regions.get('440605124');
    assert.equal(region.name, '狮山镇');
    const failed = await client.regions.list().catch((e) => e);
    assert.ok(failed instanceof GatewayError, String(failed));
    assert.equal(failed.gatewayCode, '1001');
    assert.equal(failed.gatewayMessage, '网关鉴权失败');
    const wechat = await client.auth.me().catch((e) => e);
    assert.ok(wechat instanceof GatewayError);
    assert.equal(wechat.gatewayCode, 40014);
  });
});
