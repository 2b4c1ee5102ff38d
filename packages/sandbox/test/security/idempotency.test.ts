/**
 * Idempotency that holds: an Idempotency-Key compares bodies canonically, so a retry that
 * serialises the same body with another key order or whitespace is a replay, not a 422, and a
 * replay answers with the original Location.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { workOrderBody } from '../reliability/support.js';
import { startTestSandbox, type TestSandbox } from '../harness.js';

describe('idempotency', () => {
  let sandbox: TestSandbox;
  before(async () => {
    sandbox = await startTestSandbox();
  });
  after(() => sandbox.close());

  it('replays a retry whose body differs only in key order and whitespace', async () => {
    const town = await sandbox.token('demo-town-guicheng');
    const create = (body: string, key: string) =>
      sandbox.api('/workorders', { method: 'POST', token: town, headers: { 'content-type': 'application/json', 'idempotency-key': key }, body });
    const body = workOrderBody();
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const first = await create(JSON.stringify(body), 'canonical-1');
    assert.equal(first.status, 201);
    const again = await create(JSON.stringify(reordered, null, 2), 'canonical-1');
    assert.equal(again.status, 201, await again.clone().text());
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.ok(first.headers.get('location'), 'the first answer names the new order');
    assert.equal(again.headers.get('location'), first.headers.get('location'), 'the replay names the same one');
    assert.equal(((await again.json()) as { id: string }).id, ((await first.json()) as { id: string }).id);
    const other = await create(JSON.stringify({ ...body, title: '另一件事的标题' }), 'canonical-1');
    assert.equal(other.status, 422, 'another body under the same key is still refused');
  });
});
