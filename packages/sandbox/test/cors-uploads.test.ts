/**
 * A page of another allowed origin (a town site beside the platform) may send every method of a tus
 * material upload: @fastify/cors grants only GET, HEAD and POST unless told otherwise, and a chunk is
 * a PATCH, a cancel a DELETE. (The headers tus sends and reads: uploads.test.ts.)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSandbox, type TestSandbox } from './harness.js';

const ORIGIN = 'http://localhost:5173';
let sandbox: TestSandbox;

before(async () => {
  sandbox = await startTestSandbox();
});

after(async () => {
  await sandbox?.close();
});

describe('CORS of material uploads', () => {
  for (const method of ['PATCH', 'DELETE', 'HEAD', 'POST']) {
    it(`grants ${method} to an allowed origin's preflight`, async () => {
      const res = await fetch(`${sandbox.url}/api/v1/approvals/uploads/3f6c2a9e0b1d4c7f8a5e2d1c0b9a8f7e`, {
        method: 'OPTIONS',
        headers: {
          origin: ORIGIN,
          'access-control-request-method': method,
          'access-control-request-headers': 'authorization, tus-resumable, upload-offset, upload-length, upload-metadata, content-type',
        },
      });
      assert.ok(res.status < 300, `preflight answered ${res.status}`);
      assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
      assert.match(res.headers.get('access-control-allow-methods') ?? '', new RegExp(`\\b${method}\\b`));
      assert.match(res.headers.get('access-control-allow-headers') ?? '', /upload-offset/i);
    });
  }

});
