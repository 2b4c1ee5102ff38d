/**
 * Issue 10, access control: every role × every operation of openapi/ × a foreign region (see
 * access.ts): correct 401/403/404, zero rows of another region, personal fields masked exactly as
 * docs/sandbox-conventions.md requires for the role (compared field by field with the district's
 * view), full ID and mobile numbers for the district only. The soak runs it over every dataset.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSandbox, type TestSandbox } from '../harness.js';
import { ACCESS_FIGURES, runAccessMatrix } from './access.js';
import { http, pinClock, tokenFor } from './support.js';

describe('reliability: access control matrix', () => {
  let s: TestSandbox;
  before(async () => {
    s = await startTestSandbox();
    await pinClock(s.url);
  });
  after(() => s.close());

  it('lets nobody in where the role or the region does not allow it, and leaks no row or personal field', async () => {
    const tally = await runAccessMatrix(s.url, { mode: 'sample' });
    console.log(tally.line('reliability access-control (sample)', ACCESS_FIGURES));
    assert.equal(tally.get('rows-leaked'), 0, tally.failures.join('\n'));
    assert.equal(tally.get('unmasked'), 0, tally.failures.join('\n'));
    assert.equal(tally.get('5xx'), 0, tally.failures.join('\n'));
    assert.equal(tally.get('violations'), 0, tally.failures.join('\n'));
    assert.ok(tally.get('records-checked') > 1000 && tally.get('personal-fields-checked') > 1000, 'the matrix looked at real records');
  });

  it('refuses a region header wider than the token on the process definitions too (found by the matrix)', async () => {
    const token = await tokenFor(s.url, 'demo-town-shishan');
    for (const path of ['/approvals/process-definitions', '/approvals/process-definitions/homestead', '/workorders/process-definition']) {
      const res = await http(`${s.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}`, 'x-region-code': '440605011' } });
      assert.equal(res.status, 403, `${path}: ${res.text.slice(0, 200)}`);
      const narrower = await http(`${s.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}`, 'x-region-code': '440605124201' } });
      assert.equal(narrower.status, 200, path);
    }
  });
});
