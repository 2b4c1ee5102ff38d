/**
 * Requests refused before routing — by Node's HTTP parser, or by Fastify for a URL it cannot
 * decode — must still be answered as problems (application/problem+json), like every other bad
 * request, and readable by the cross-origin pages the platform serves.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSandbox, type TestSandbox } from './harness.js';
import { problemOf, rawRequest } from './raw-http.js';

let sandbox: TestSandbox;
before(async () => {
  sandbox = await startTestSandbox();
});
after(async () => {
  await sandbox?.close();
});

const raw = (request: string) => rawRequest(sandbox.url, request);

describe('requests the HTTP parser refuses', () => {
  it('a malformed header line is a 400 problem', async () => {
    const problem = problemOf(await raw('GET /api/v1/gis/layers HTTP/1.1\r\nHost: x\r\nNot a header\r\n\r\n'));
    assert.equal(problem.status, 400);
    assert.equal(problem.contentType, 'application/problem+json');
    assert.equal(problem.body.status, 400);
    assert.match(String(problem.body.type), /\/problems\/bad-request$/);
    assert.equal(typeof problem.body.requestId, 'string');
  });

  it('a header section over the limit is a 431 problem', async () => {
    const huge = 'a'.repeat(64 * 1024);
    const problem = problemOf(await raw(`GET /api/v1/gis/layers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${huge}\r\n\r\n`));
    assert.equal(problem.status, 431);
    assert.equal(problem.contentType, 'application/problem+json');
    assert.match(String(problem.body.type), /\/problems\/header-too-large$/);
  });

  it('a HEAD the parser refuses gets the problem\'s status and headers, and no body after them', async () => {
    const huge = 'a'.repeat(64 * 1024);
    const answer = await raw(`HEAD /api/v1/approvals/uploads/0123456789abcdef0123456789abcdef HTTP/1.1\r\nHost: x\r\nTus-Resumable: ${huge}\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 431 /);
    assert.match(answer, /content-type: application\/problem\+json/i);
    assert.ok(answer.endsWith('\r\n\r\n'), `no body: ${answer.slice(answer.indexOf('\r\n\r\n'))}`);
  });

  it('an invalid chunked body is a 400 problem', async () => {
    const problem = problemOf(
      await raw('POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'),
    );
    assert.equal(problem.status, 400);
    assert.equal(problem.contentType, 'application/problem+json');
  });
});

describe('a URL Fastify cannot decode, from a page of another origin', () => {
  it('carries the CORS headers of an allowed origin, so the page reads the problem', async () => {
    const res = await fetch(`${sandbox.url}/api/v1/workorders/%zz`, { headers: { origin: 'http://localhost:5173' } });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:5173');
    assert.match(res.headers.get('access-control-expose-headers') ?? '', /X-Request-Id/i);
    assert.match(res.headers.get('vary') ?? '', /origin/i);
  });

  it('grants nothing to an origin the sandbox does not allow', async () => {
    const res = await fetch(`${sandbox.url}/api/v1/workorders/%zz`, { headers: { origin: 'https://elsewhere.example' } });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });
});
