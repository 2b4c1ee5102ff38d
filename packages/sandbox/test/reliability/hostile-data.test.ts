/**
 * Issue 10, hostile data on the server side: the corpus of reliability/hostile-payloads.ts in the
 * string fields of every write and the parameters of every read (a deterministic sample; the full
 * cross product runs in `npm run soak`). Zero 5xx, a problem+json 4xx for the wrong shape, and
 * stored strings read back verbatim.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSandbox, type TestSandbox } from '../harness.js';
import { HOSTILE_FIGURES, runHostileCampaign } from './hostile.js';
import { http, isProblem, pinClock, tokenFor } from './support.js';

describe('reliability: hostile data against the sandbox', () => {
  let s: TestSandbox;
  before(async () => {
    s = await startTestSandbox();
    await pinClock(s.url);
  });
  after(() => s.close());

  it('stores hostile strings verbatim, refuses the wrong shapes with a 4xx problem and never answers 5xx', async () => {
    const tally = await runHostileCampaign(s.url, { mode: 'sample' });
    console.log(tally.line('reliability hostile-data (sample)', HOSTILE_FIGURES));
    assert.ok(tally.get('payloads') >= 200, 'the corpus has at least 200 payloads');
    assert.equal(tally.get('5xx'), 0, tally.failures.join('\n'));
    assert.equal(tally.get('violations'), 0, tally.failures.join('\n'));
    assert.ok(tally.get('verbatim') > 100, 'most strings were stored and read back');
  });

  it('refuses a string with a lone UTF-16 surrogate instead of storing it altered', async () => {
    const token = await tokenFor(s.url, 'demo-district');
    const list = await http(`${s.url}/api/v1/workorders?status=DISPATCHED&limit=1`, { headers: { authorization: `Bearer ${token}` } });
    const id = (list.body as { items: { id: string }[] }).items[0]!.id;
    const act = (body: string) => http(`${s.url}/api/v1/workorders/${id}/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    const timeline = async () => {
      const res = await http(`${s.url}/api/v1/workorders/${id}/timeline`, { headers: { authorization: `Bearer ${token}` } });
      return (res.body as { events: unknown[] }).events.length;
    };
    const events = await timeline();
    // Far deeper than the corpus's 2,500 levels, yet within an action's 16 KiB body limit (the
    // unit test in well-formed.test.ts goes deeper still, where a recursive check overflows the stack).
    const deep = (depth: number, leaf: string) => '['.repeat(depth) + JSON.stringify(leaf) + ']'.repeat(depth);
    for (const [label, body, field] of [
      ['a lone high surrogate', JSON.stringify({ action: 'urge', remark: 'a\ud800b' }), 'body/remark'],
      ['a lone low surrogate', JSON.stringify({ action: 'urge', remark: '\udc00' }), 'body/remark'],
      ['a reversed pair', JSON.stringify({ action: 'urge', remark: '\udc00\ud800' }), 'body/remark'],
      ['a lone surrogate in a key', JSON.stringify({ action: 'urge', remark: 'ok', 'x\ud800': 1 }), 'body/x\\uD800'],
      // The shortened name must not split the emoji's pair at its 200th code unit.
      ['a long key before it', JSON.stringify({ action: 'urge', remark: 'ok', ['a'.repeat(194) + '😀😀']: '\ud800' }), `body/${'a'.repeat(194)}…`],
      ['a lone surrogate 8,000 levels deep', `{"action":"urge","remark":${deep(8_000, '\ud800')}}`, `body/remark${'/0'.repeat(8_000)}`.slice(0, 200) + '…'],
    ] as const) {
      const res = await act(body);
      assert.equal(res.status, 400, `${label}: ${res.text.slice(0, 200)}`);
      assert.ok(isProblem(res), `${label}: ${res.text.slice(0, 200)}`);
      const errors = (res.body as { errors?: { name: string }[] }).errors ?? [];
      assert.deepEqual(errors.map((e) => e.name), [field], label);
      assert.ok(!/[\ud800-\udfff]/.test(res.text), `${label}: the problem does not echo the surrogate back`);
    }
    assert.equal(await timeline(), events, 'nothing was stored');
    // A well-formed pair (an emoji) is still stored verbatim.
    const ok = await act(JSON.stringify({ action: 'urge', remark: '请尽快处理 \ud83d\ude00' }));
    assert.equal(ok.status, 200, ok.text);
  });
});
