/**
 * Problem types match their statuses: errors Fastify and its plugins raise themselves (static files
 * refused or out of range, a method the path does not have, an unsupported media type, a body too
 * large or unparsable, an unknown route, an OPTIONS request that is no preflight) are problems
 * whose `type` names the status — a 403 is never `bad-request`. Raw requests where an HTTP client
 * would tidy the request up.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestSandbox, type TestSandbox } from '../harness.js';
import { problemOf, rawRequest } from '../raw-http.js';

const PROBLEM_BASE = 'https://citybrain.nanhai.gov.cn/problems/';

interface Case {
  name: string;
  status: number;
  type: string;
  /** Sends the request by fetch, or raw on a socket where a client would tidy it up. */
  send: (sandbox: TestSandbox) => Promise<{ status: number; contentType: string; body: Record<string, unknown>; allow?: string | null }>;
  allow?: string;
}

const viaFetch = (path: string, init: RequestInit = {}) => async (sandbox: TestSandbox) => {
  const res = await fetch(`${sandbox.url}${path}`, init);
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, unknown>, allow: res.headers.get('allow') };
};

const viaSocket = (head: string, body = '') => async (sandbox: TestSandbox) => {
  const host = new URL(sandbox.url).host;
  return problemOf(await rawRequest(sandbox.url, `${head}\r\nHost: ${host}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`));
};

const CASES: Case[] = [
  { name: 'a dotfile in a static folder', status: 403, type: 'forbidden', send: viaFetch('/examples/.env') },
  { name: 'a missing static file', status: 404, type: 'not-found', send: viaFetch('/examples/missing.html') },
  { name: 'a range past the end of a static file', status: 416, type: 'range-not-satisfiable', send: viaFetch('/examples/page.html', { headers: { range: 'bytes=99999-' } }) },
  { name: 'a failed precondition on a static file', status: 412, type: 'precondition-failed', send: viaFetch('/examples/page.html', { headers: { 'if-match': '"another-version"' } }) },
  { name: 'a method the API path does not have', status: 405, type: 'method-not-allowed', allow: 'GET, HEAD', send: viaFetch('/api/v1/regions', { method: 'DELETE' }) },
  {
    name: 'a body of an unsupported media type',
    status: 415,
    type: 'unsupported-media-type',
    send: viaSocket('POST /api/v1/approvals/lookup HTTP/1.1\r\nContent-Type: application/xml', '<lookup/>'),
  },
  {
    name: 'a body over the operation\'s limit',
    status: 413,
    type: 'payload-too-large',
    send: viaSocket('POST /api/v1/approvals/lookup HTTP/1.1\r\nContent-Type: application/json', `{"trackingNo":"${'9'.repeat(4000)}"}`),
  },
  { name: 'malformed JSON', status: 400, type: 'bad-request', send: viaSocket('POST /api/v1/approvals/lookup HTTP/1.1\r\nContent-Type: application/json', '{"trackingNo":') },
  { name: 'an unknown API route', status: 404, type: 'not-found', send: viaFetch('/api/v1/no-such-thing') },
  { name: 'an OPTIONS request that is no CORS preflight', status: 400, type: 'bad-request', send: viaFetch('/api/v1/regions', { method: 'OPTIONS' }) },
  { name: 'a path with broken percent-encoding', status: 400, type: 'bad-request', send: viaSocket('GET /%zz HTTP/1.1') },
];

describe('problem types match their statuses', () => {
  let sandbox: TestSandbox;
  let pages: string;
  before(async () => {
    pages = mkdtempSync(join(tmpdir(), 'citybrain-problem-types-'));
    writeFileSync(join(pages, 'page.html'), '<!doctype html><title>p</title><p>page</p>');
    writeFileSync(join(pages, '.env'), 'SECRET=1');
    sandbox = await startTestSandbox({ staticRoots: { '/examples/': pages } });
  });
  after(async () => {
    await sandbox.close();
    rmSync(pages, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.name} → ${c.status} ${c.type}`, async () => {
      const answer = await c.send(sandbox);
      assert.equal(answer.status, c.status);
      assert.match(answer.contentType, /^application\/problem\+json/);
      assert.equal(answer.body.type, PROBLEM_BASE + c.type);
      assert.equal(answer.body.status, c.status);
      if (c.allow) assert.equal(answer.allow, c.allow);
    });
  }
});
