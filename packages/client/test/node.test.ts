/**
 * The Node-only entry: gateway signing (checked against a hand-written string to sign, the
 * sandbox's verifier, and a live sandbox that enforces signatures) and OAuth2 client credentials.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { createClient, UnauthorizedError } from '../src/index.js';
import { clientCredentials, gatewaySigner, gatewayStringToSign, tifSigner } from '../src/node.js';
import { gatewayStringToSign as sandboxStringToSign } from '../../sandbox/src/auth.js';
import { faultKey, recordingFetch, startClientSandbox, type ClientTestSandbox } from './sandbox.js';

describe('gateway string to sign', () => {
  const headers = new Headers({
    accept: 'application/json',
    'content-type': 'application/json',
    'content-md5': 'CY9rzUYh03PK3k6DJie09g==',
    'x-ca-key': 'demo-district',
    'x-ca-nonce': 'b8d4e0f2-1d6a-4c3e-9f51-0a6e2d7c4b19',
    'x-ca-timestamp': '1764000000000',
    'x-ca-signature-method': 'HmacSHA256',
    'x-region-code': '440605124',
    'x-ca-signature-headers': 'x-ca-timestamp,x-ca-key,x-region-code,x-ca-nonce,x-ca-signature-method',
  });
  const url = 'http://localhost:8080/api/v1/approvals/applications?status=JOINT_REVIEW&overdue=true&status=TOWN_DECISION&q=';

  // Written out by hand from domain.md §8.2: METHOD, Accept, Content-MD5, Content-Type, Date (empty),
  // the signed headers sorted by name, then the path with its parameters sorted and unencoded.
  const expected =
    'POST\n' +
    'application/json\n' +
    'CY9rzUYh03PK3k6DJie09g==\n' +
    'application/json\n' +
    '\n' +
    'x-ca-key:demo-district\n' +
    'x-ca-nonce:b8d4e0f2-1d6a-4c3e-9f51-0a6e2d7c4b19\n' +
    'x-ca-signature-method:HmacSHA256\n' +
    'x-ca-timestamp:1764000000000\n' +
    'x-region-code:440605124\n' +
    '/api/v1/approvals/applications?overdue=true&q&status=JOINT_REVIEW,TOWN_DECISION';

  it('matches the hand-computed example', () => {
    assert.equal(gatewayStringToSign('post', headers, url), expected);
  });

  it('agrees with the sandbox verifier on the same request', () => {
    const raw = Object.fromEntries(headers);
    assert.equal(sandboxStringToSign('POST', raw, new URL(url).pathname + new URL(url).search), expected);
  });

  it('signs with Base64(HMAC-SHA256(secret, stringToSign)) and fresh nonces', async () => {
    let nonce = 0;
    const signer = gatewaySigner({ key: 'demo-district', secret: 'demo-district-secret', now: () => 1764000000000, nonce: () => `nonce-${++nonce}` });
    const request = new Request('http://localhost:8080/api/v1/regions?parent=440605', { headers: { accept: 'application/json' } });
    await signer.sign(request);
    const signed = request.headers;
    assert.equal(signed.get('x-ca-signature-headers'), 'x-ca-key,x-ca-nonce,x-ca-signature-method,x-ca-timestamp');
    const stringToSign = 'GET\napplication/json\n\n\n\nx-ca-key:demo-district\nx-ca-nonce:nonce-1\nx-ca-signature-method:HmacSHA256\nx-ca-timestamp:1764000000000\n/api/v1/regions?parent=440605';
    assert.equal(signed.get('x-ca-signature'), createHmac('sha256', 'demo-district-secret').update(stringToSign).digest('base64'));
    await signer.sign(request);
    assert.equal(request.headers.get('x-ca-nonce'), 'nonce-2');
  });

  it('covers a JSON body with Content-MD5', async () => {
    const signer = gatewaySigner({ key: 'k', secret: 's' });
    const body = JSON.stringify({ trackingNo: 'ZJD-440605124-2026-000123', verificationCode: '618204' });
    const request = new Request('http://h/api/v1/approvals/lookup', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    await signer.sign(request);
    assert.equal(request.headers.get('content-md5'), createHash('md5').update(body).digest('base64'));
    assert.equal(await request.text(), body, 'signing leaves the body readable');
  });

  it('computes the TIF signature sha256_hex(timestamp + paasToken + nonce + timestamp)', () => {
    const signer = tifSigner({ paasId: 'nh-citybrain', paasToken: 'paas-token', now: () => 1764000000123, nonce: () => 'abc123' });
    const request = new Request('http://h/ebus/x');
    signer.sign(request);
    assert.equal(request.headers.get('x-tif-timestamp'), '1764000000');
    assert.equal(request.headers.get('x-tif-signature'), createHash('sha256').update('1764000000paas-tokenabc1231764000000').digest('hex'));
  });
});

describe('against a sandbox that enforces gateway signatures', () => {
  let sandbox: ClientTestSandbox;
  before(async () => {
    sandbox = await startClientSandbox({ gatewaySignature: true });
  });
  after(() => sandbox.close());

  it('is accepted when signed, refused when not, and re-signed on every retry', async () => {
    const recorder = recordingFetch();
    const signed = createClient({
      baseUrl: sandbox.baseUrl,
      regionCode: '440605124',
      signer: gatewaySigner({ key: 'demo-district', secret: 'demo-district-secret' }),
      retry: { baseDelay: 10, maxDelay: 20 },
      fetch: recorder.fetch,
    });
    const towns = await signed.regions.list({}, { headers: { 'x-sandbox-fault': `key=${faultKey('signed')};times=1;status=503` } });
    assert.ok(towns.length > 0);
    assert.equal(recorder.sent.length, 2);
    const [first, second] = recorder.sent;
    assert.notEqual(first!.headers.get('x-ca-nonce'), second!.headers.get('x-ca-nonce'));
    assert.notEqual(first!.headers.get('x-ca-signature'), second!.headers.get('x-ca-signature'));
    assert.match(second!.headers.get('x-ca-signature-headers') ?? '', /x-region-code/);

    const unsigned = await createClient({ baseUrl: sandbox.baseUrl }).regions.list().catch((e) => e);
    assert.ok(unsigned instanceof UnauthorizedError, String(unsigned));
    const wrongSecret = createClient({ baseUrl: sandbox.baseUrl, signer: gatewaySigner({ key: 'demo-district', secret: 'guess' }) });
    assert.ok((await wrongSecret.regions.list().catch((e) => e)) instanceof UnauthorizedError);
  });
});

describe('client credentials', () => {
  let sandbox: ClientTestSandbox;
  before(async () => {
    sandbox = await startClientSandbox();
  });
  after(() => sandbox.close());

  it('fetches a token once, caches it, and authenticates the client as the town', async () => {
    const recorder = recordingFetch();
    const auth = clientCredentials({ tokenUrl: `${sandbox.baseUrl}/auth/token`, clientId: 'demo-town-shishan', clientSecret: 'demo-town-shishan-secret', fetch: recorder.fetch });
    const client = createClient({ baseUrl: sandbox.baseUrl, auth });
    const [me, again] = await Promise.all([client.auth.me(), client.auth.me()]);
    assert.equal(me.clientId, 'demo-town-shishan');
    assert.equal(again.regionCode, '440605124');
    await client.auth.me();
    assert.equal(recorder.sent.length, 1, 'one token request for three calls');
    assert.match(recorder.sent[0]!.headers.get('authorization') ?? '', /^Basic /);
  });

  it('sends credentials in the form when asked, and renews the token shortly before it expires', async () => {
    const recorder = recordingFetch();
    let now = Date.now();
    const auth = clientCredentials({
      tokenUrl: `${sandbox.baseUrl}/auth/token`,
      clientId: 'demo-district',
      clientSecret: 'demo-district-secret',
      authMethod: 'client_secret_post',
      skewSeconds: 60,
      fetch: recorder.fetch,
      now: () => now,
    });
    const first = await auth.getToken();
    assert.equal((await auth.getToken()).token, first.token);
    now = first.expiresAt! - 59_000;
    const renewed = await auth.getToken();
    assert.equal(recorder.sent.length, 2);
    assert.equal(recorder.sent[1]!.headers.get('authorization'), null);
    assert.ok(renewed.expiresAt! > first.expiresAt!);
  });

  it('replaces a token the API rejected, unless another caller already did', async () => {
    const recorder = recordingFetch();
    const auth = clientCredentials({ tokenUrl: `${sandbox.baseUrl}/auth/token`, clientId: 'demo-district', clientSecret: 'demo-district-secret', fetch: recorder.fetch });
    const first = await auth.getToken();
    // Sandbox tokens encode their expiry in whole seconds: wait for the next second so the refreshed one differs.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const [a, b] = await Promise.all([
      auth.getToken({ forceRefresh: true, staleToken: first.token }),
      auth.getToken({ forceRefresh: true, staleToken: first.token }),
    ]);
    assert.equal(a.token, b.token);
    assert.equal(recorder.sent.length, 2);
    assert.equal((await auth.getToken({ forceRefresh: true, staleToken: first.token })).token, a.token);
    assert.equal(recorder.sent.length, 2);
  });

  it('fails with UnauthorizedError for a wrong secret', async () => {
    const auth = clientCredentials({ tokenUrl: `${sandbox.baseUrl}/auth/token`, clientId: 'demo-district', clientSecret: 'wrong' });
    const client = createClient({ baseUrl: sandbox.baseUrl, auth });
    const error = await client.auth.me().catch((e) => e);
    assert.ok(error instanceof UnauthorizedError, String(error));
    assert.match(error.url, /\/auth\/token$/);
  });
});
