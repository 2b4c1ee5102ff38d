/**
 * Unknown or misplaced query parameters are 400 naming the parameter (never silently ignored), and
 * an out-of-range cursor is 400, not an empty page.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSandbox, type TestSandbox } from '../harness.js';

describe('query parameters', () => {
  let sandbox: TestSandbox;
  let town: string;
  before(async () => {
    sandbox = await startTestSandbox();
    town = await sandbox.token('demo-town-shishan');
  });
  after(() => sandbox.close());

  async function refused(path: string, name: string) {
    const res = await sandbox.api(path, { token: town });
    assert.equal(res.status, 400, `${path}: ${res.status}`);
    const problem = (await res.json()) as { errors: { name: string }[] };
    assert.deepEqual(problem.errors.map((e) => e.name), [name], path);
  }

  it('refuses a parameter the operation does not define, naming it', async () => {
    // The reproducer: stats answered for the caller's own region instead.
    await refused('/workorders/stats?regionCode=440605011', 'query/regionCode');
    await refused('/gis/conformance?f=json', 'query/f');
    await refused('/auth/me?debug=1', 'query/debug');
    await refused('/approvals/applications?limit=5&sortBy=createdAt', 'query/sortBy');
    assert.equal((await sandbox.api('/workorders/stats', { token: town })).status, 200);
  });

  it('refuses an out-of-range cursor on the record and data lists', async () => {
    const encode = (json: string) => Buffer.from(json).toString('base64url');
    const first = (await (await sandbox.api('/workorders?limit=1&sort=-receivedAt', { token: town })).json()) as { page: { nextCursor: string } };
    const [sort, , id] = JSON.parse(Buffer.from(first.page.nextCursor, 'base64url').toString('utf8')) as [string, unknown, string];
    await refused(`/workorders?limit=1&sort=-receivedAt&cursor=${encode(`["${sort}",1e400,"${id}"]`)}`, 'query/cursor');

    const rows = (await (await sandbox.api('/data/datasets/schools/rows?limit=1', { token: town })).json()) as { page: { nextCursor: string } };
    const state = JSON.parse(Buffer.from(rows.page.nextCursor, 'base64url').toString('utf8')) as { k: unknown[] };
    const huge = JSON.stringify({ ...state, k: state.k.map(() => 0) }).replace(/"k":\[([^\]]*)\]/, (_, inner: string) => `"k":[${inner.split(',').map(() => '1e400').join(',')}]`);
    await refused(`/data/datasets/schools/rows?limit=1&cursor=${encode(huge)}`, 'query/cursor');
  });
});
