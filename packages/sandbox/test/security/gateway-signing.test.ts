/**
 * Gateway signing that resists replay: a nonce is accepted once within the signature window, and
 * the body digest (Content-MD5, part of the signed string) is compared with the body received.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { gatewayStringToSign } from '../../src/auth.js';
import { startTestSandbox, type TestSandbox } from '../harness.js';

describe('gateway signing', () => {
  let sandbox: TestSandbox;
  before(async () => {
    sandbox = await startTestSandbox({ gatewaySignature: true });
  });
  after(() => sandbox.close());

  /** Headers of a correctly signed request; `md5` is declared as given (undefined: none). */
  function signed(method: string, path: string, extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-ca-key': 'demo-town-shishan',
      'x-ca-timestamp': String(Date.now()),
      'x-ca-nonce': randomUUID(),
      'x-ca-signature-headers': 'x-ca-key,x-ca-nonce,x-ca-timestamp',
      ...extra,
    };
    const signature = createHmac('sha256', 'demo-town-shishan-secret').update(gatewayStringToSign(method, headers, `/api/v1${path}`)).digest('base64');
    return { ...headers, 'x-ca-signature': signature };
  }

  it('accepts a signed request once: the same nonce again is a replay, 401', async () => {
    const headers = signed('GET', '/regions');
    const first = await sandbox.api('/regions', { headers });
    assert.equal(first.status, 200, await first.clone().text());
    const replay = await sandbox.api('/regions', { headers });
    assert.equal(replay.status, 401);
    assert.match(((await replay.json()) as { detail: string }).detail, /Nonce/);
    assert.equal((await sandbox.api('/regions', { headers: signed('GET', '/regions') })).status, 200, 'a fresh nonce passes');
  });

  it('refuses a signature that does not cover the nonce', async () => {
    const headers = signed('GET', '/regions', { 'x-ca-signature-headers': 'x-ca-key,x-ca-timestamp' });
    assert.equal((await sandbox.api('/regions', { headers })).status, 401);
  });

  it('compares the declared body digest with the body', async () => {
    const body = JSON.stringify({ trackingNo: 'NH-2026-000001', verificationCode: '123456' });
    const md5 = createHash('md5').update(body).digest('base64');
    const post = (headers: Record<string, string>, sent = body) =>
      sandbox.api('/approvals/lookup', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: sent });
    const sign = (extra: Record<string, string>) => signed('POST', '/approvals/lookup', { 'content-type': 'application/json', ...extra });

    assert.notEqual((await post(sign({ 'content-md5': md5 }))).status, 401, 'a matching digest passes');
    const tampered = JSON.stringify({ trackingNo: 'NH-2026-000002', verificationCode: '123456' });
    assert.equal((await post(sign({ 'content-md5': md5 }), tampered)).status, 401, 'a body other than the signed one');
    assert.equal((await post(sign({}))).status, 401, 'a JSON body the signature does not cover');
  });
});
