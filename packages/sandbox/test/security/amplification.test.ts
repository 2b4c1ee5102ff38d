/**
 * No amplification: a body is refused by its size before any work is spent on it (per-operation
 * limits), and a problem lists a bounded number of field errors whatever the body holds.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_FIELD_ERRORS } from '../../src/app.js';
import { startTestSandbox, type TestSandbox } from '../harness.js';

describe('amplification', () => {
  let sandbox: TestSandbox;
  before(async () => {
    sandbox = await startTestSandbox();
  });
  after(() => sandbox.close());

  const post = (path: string, body: string, token?: string) =>
    sandbox.api(path, { method: 'POST', token, headers: { 'content-type': 'application/json' }, body });

  const unknownFields = (count: number, base: Record<string, unknown> = {}) =>
    JSON.stringify({ ...base, ...Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${i}`, 1])) });

  it('refuses a 2 MB anonymous lookup with 180,000 unknown fields by its size: 413, a small problem', async () => {
    const body = unknownFields(180_000, { trackingNo: 'NH-2026-000001', verificationCode: '123456' });
    assert.ok(body.length > 1_900_000);
    const res = await post('/approvals/lookup', body);
    const text = await res.text();
    assert.equal(res.status, 413);
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.match(JSON.parse(text).type, /\/problems\/payload-too-large$/);
    assert.ok(text.length < 2_000, `the answer is ${text.length} bytes`);
  });

  it('takes a lookup of a few hundred bytes, and no more than a kilobyte', async () => {
    const small = await post('/approvals/lookup', JSON.stringify({ trackingNo: 'NH-2026-000001', verificationCode: '123456' }));
    assert.notEqual(small.status, 413);
    const padded = await post('/approvals/lookup', JSON.stringify({ trackingNo: 'NH-2026-000001', verificationCode: '123456', pad: 'x'.repeat(1_100) }));
    assert.equal(padded.status, 413);
  });

  it('lists at most the first field errors, and says how many there were', async () => {
    const district = await sandbox.token('demo-district');
    const res = await post('/workorders', unknownFields(3_000), district);
    const text = await res.text();
    assert.equal(res.status, 400);
    const problem = JSON.parse(text) as { errors: unknown[]; detail: string };
    assert.equal(problem.errors.length, MAX_FIELD_ERRORS);
    assert.match(problem.detail, /共 \d{4} 处错误/);
    assert.ok(text.length < 8_000, `the answer is ${text.length} bytes`);
  });
});
