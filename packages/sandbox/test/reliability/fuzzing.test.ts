/**
 * Issue 10, fuzzing: every single-mutation case derived from openapi/ (≥ 2,000 requests: wrong
 * types, missing required values, out-of-range numbers, bad enums and patterns, oversized values,
 * malformed JSON, wrong content types, hostile headers, unsupported methods) against a sandbox with
 * the contract check on, so an undocumented answer is a 5xx too. Random combinations run in the soak.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSandbox, type TestSandbox } from '../harness.js';
import { FUZZ_FIGURES, fuzzContext, runFuzz, systematicCases } from './fuzz.js';
import { http, isProblem, pinClock, tokenFor } from './support.js';

describe('reliability: fuzzing the sandbox from the contracts', () => {
  let s: TestSandbox;
  before(async () => {
    s = await startTestSandbox();
    await pinClock(s.url);
  });
  after(() => s.close());

  it('answers every malformed request with a 4xx problem, never a 5xx, and stays up', async () => {
    const cases = systematicCases(await fuzzContext(s.url));
    assert.ok(cases.length >= 2000, `at least 2,000 cases (${cases.length})`);
    const tally = await runFuzz(s.url, cases);
    console.log(tally.line('reliability fuzzing (systematic)', FUZZ_FIGURES));
    assert.equal(tally.get('requests'), cases.length);
    assert.equal(tally.get('5xx'), 0, tally.failures.join('\n'));
    assert.equal(tally.get('stack traces'), 0, tally.failures.join('\n'));
    assert.equal(tally.get('answers over 64 KB'), 0, tally.failures.join('\n'));
    assert.equal(tally.get('violations'), 0, tally.failures.join('\n'));
  });

  describe('regressions found by the fuzzer', () => {
    it('documents the 400 of a malformed id, key or region header in every read that validates one', async () => {
      const token = await tokenFor(s.url, 'demo-district');
      const auth = { authorization: `Bearer ${token}` };
      for (const path of [
        '/approvals/process-definitions/!!',
        '/approvals/applications/!!',
        '/approvals/applications/!!/timeline',
        '/workorders/!!',
        '/workorders/!!/timeline',
      ]) {
        const res = await http(`${s.url}/api/v1${path}`, { headers: auth });
        assert.equal(res.status, 400, `${path}: ${res.text}`);
        assert.ok(isProblem(res), path);
      }
      for (const path of ['/approvals/process-definitions', '/workorders/process-definition']) {
        const res = await http(`${s.url}/api/v1${path}`, { headers: { ...auth, 'x-region-code': 'abc' } });
        assert.equal(res.status, 400, `${path}: ${res.text}`);
      }
      for (const path of ['/approvals/applications/!!/events', '/workorders/!!/events']) {
        const res = await http(`${s.url}/api/v1${path}`, { headers: auth }, { headersOnly: true });
        assert.equal(res.status, 400, `${path}: ${res.text}`);
      }
    });

    it('documents the 403 of a widening region header on the data catalogue facets', async () => {
      const token = await tokenFor(s.url, 'demo-town-shishan');
      for (const path of ['/data/themes', '/data/departments']) {
        const res = await http(`${s.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}`, 'x-region-code': '440605011' } });
        assert.equal(res.status, 403, `${path}: ${res.text}`);
        assert.ok(isProblem(res), path);
      }
    });

    it('answers a URL with broken percent-encoding with a problem+json 400', async () => {
      for (const path of ['/api/v1/workorders/%zz', '/api/v1/workorders/%E0%A4%A', '/api/v1/gis/layers/%']) {
        const res = await http(`${s.url}${path}`);
        assert.equal(res.status, 400, `${path}: ${res.text}`);
        assert.ok(isProblem(res), `${path}: ${res.text}`);
        assert.ok(res.headers.get('x-request-id'), `${path}: a request id`);
      }
    });

    it('keeps the self link of the layer catalogue and of feature pages a valid URI whatever the query', async () => {
      for (const query of ['q=%25zz', 'q=%25', 'q=a+b%26c%3D%25']) {
        const res = await http(`${s.url}/api/v1/gis/layers?${query}`);
        assert.equal(res.status, 200, `${query}: ${res.text}`);
        const href = (res.body as { links: { href: string }[] }).links[0]!.href;
        assert.doesNotThrow(() => decodeURI(href), href);
      }
      // Broken escapes never reach a link: they are refused (security/bad-text.test.ts).
      for (const query of ['q=%zz', 'q=%']) assert.equal((await http(`${s.url}/api/v1/gis/layers?${query}`)).status, 400, query);
      const items = await http(`${s.url}/api/v1/gis/collections/villages/items?limit=1&townCode=440605124`);
      assert.equal(items.status, 200, items.text);
      for (const link of (items.body as { links: { href: string }[] }).links) assert.doesNotThrow(() => decodeURI(link.href), link.href);
    });

    it('answers a well-formed cursor carrying a non-scalar sort value with a 400, on both record lists', async () => {
      const token = await tokenFor(s.url, 'demo-district');
      const cursor = (value: unknown, sort: string) => Buffer.from(JSON.stringify([sort, value, 'ZJD-0'])).toString('base64url');
      for (const value of [{ a: 1 }, [1], true, false]) {
        for (const [list, sort] of [['/approvals/applications', '-submittedAt'], ['/workorders', '-receivedAt']] as const) {
          const res = await http(`${s.url}/api/v1${list}?cursor=${cursor(value, sort)}`, { headers: { authorization: `Bearer ${token}` } });
          assert.equal(res.status, 400, `${list} ${JSON.stringify(value)}: ${res.text}`);
          assert.ok(isProblem(res), res.text);
          assert.equal((res.body as { errors: { name: string }[] }).errors[0]!.name, 'query/cursor');
        }
      }
    });
  });
});
