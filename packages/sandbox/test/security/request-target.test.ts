/**
 * Every request form is authenticated: the request-target is normalised (absolute-form → origin-form)
 * or refused with a 400 problem before routing, so authentication and gateway signing see the path
 * the router sees. Raw sockets: HTTP clients would rewrite these targets before sending them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { gatewayStringToSign } from '../../src/auth.js';
import { startTestSandbox, type TestSandbox } from '../harness.js';
import { parseRawResponse, problemOf, rawRequest } from '../raw-http.js';

const VILLAGES = '/api/v1/gis/collections/villages/items?limit=1';

describe('request-target forms', () => {
  let open: TestSandbox;
  let signed: TestSandbox;
  let district: string;

  before(async () => {
    [open, signed] = await Promise.all([startTestSandbox(), startTestSandbox({ gatewaySignature: true })]);
    district = await open.token('demo-district');
  });
  after(async () => {
    await Promise.all([open?.close(), signed?.close()]);
  });

  const get = (sandbox: TestSandbox, target: string, headers: Record<string, string> = {}) =>
    rawRequest(sandbox.url, `GET ${target} HTTP/1.1\r\nHost: x\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}Connection: close\r\n\r\n`).then(parseRawResponse);

  it('with gateway signing required, an absolute-form request without a signature is 401 like the origin-form one', async () => {
    assert.equal((await get(signed, VILLAGES)).status, 401);
    assert.equal((await get(signed, `http://x${VILLAGES}`)).status, 401);
    assert.equal((await get(signed, `HTTP://evil.example:8080${VILLAGES}`)).status, 401);
  });

  it('the gateway signs the origin-form path, whichever form the request line used', async () => {
    const timestamp = String(Date.now());
    const headers = { 'x-ca-key': 'demo-district', 'x-ca-timestamp': timestamp, 'x-ca-nonce': 'nonce-of-the-absolute-form', 'x-ca-signature-headers': 'x-ca-key,x-ca-nonce,x-ca-timestamp' };
    const signature = createHmac('sha256', 'demo-district-secret').update(gatewayStringToSign('GET', headers, VILLAGES)).digest('base64');
    assert.equal((await get(signed, `http://x${VILLAGES}`, { ...headers, 'x-ca-signature': signature })).status, 200);
  });

  it('a bearer token on an absolute-form request is verified, not ignored', async () => {
    const internal = 'http://x/api/v1/gis/collections/farmland/items?limit=1';
    assert.equal((await get(open, internal, { authorization: `Bearer ${district}` })).status, 200, 'a good token is used');
    assert.equal((await get(open, `http://x${VILLAGES}`, { authorization: 'Bearer forged.token' })).status, 401, 'a bad token is refused');
  });

  for (const [name, request] of [
    ['asterisk-form', 'OPTIONS * HTTP/1.1'],
    ['authority-form', 'GET localhost:80 HTTP/1.1'],
    ['a relative path', 'GET api/v1/gis/layers HTTP/1.1'],
    ['a dot segment', 'GET /api/v1/gis/../gis/layers HTTP/1.1'],
    ['a percent-encoded dot segment into the static files', 'GET /examples/%2e%2e/package.json HTTP/1.1'],
    ['an empty segment', 'GET //api/v1/gis/layers HTTP/1.1'],
    ['an absolute-form target with a dot segment', 'GET http://x/api/v1/../v1/gis/layers HTTP/1.1'],
    ['a backslash', 'GET /examples\\..\\package.json HTTP/1.1'],
    ['a fragment', 'GET /api/v1/gis/layers#top HTTP/1.1'],
  ] as const) {
    it(`refuses ${name} with a 400 problem`, async () => {
      const problem = problemOf(await rawRequest(open.url, `${request}\r\nHost: x\r\nConnection: close\r\n\r\n`));
      assert.equal(problem.status, 400);
      // Node's parser refuses some forms itself (answered on the socket); the router never sees any of them.
      assert.match(problem.contentType, /^application\/problem\+json/);
      assert.match(String(problem.body.type), /\/problems\/bad-request$/);
      assert.equal(typeof problem.body.requestId, 'string');
    });
  }
});
