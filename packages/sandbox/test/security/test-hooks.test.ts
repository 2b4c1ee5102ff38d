/**
 * Test hooks off by default: /__sandbox/clock moves time (expired tokens live again, lookup
 * throttles reset) and /__sandbox/stats lists every client's idempotency keys. They exist only on a
 * server started for tests, and even there answer only the district administrator.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.js';
import { startTestSandbox, type TestSandbox } from '../harness.js';
import { workOrderBody } from '../reliability/support.js';

const HOOKS = [
  ['GET', '/__sandbox/stats'],
  ['POST', '/__sandbox/clock'],
  ['POST', '/__sandbox/reset-stats'],
] as const;

describe('test hooks', () => {
  let plain: TestSandbox;
  let testing: TestSandbox;
  before(async () => {
    [plain, testing] = await Promise.all([startTestSandbox({ testHooks: false }), startTestSandbox()]);
  });
  after(async () => {
    await Promise.all([plain?.close(), testing?.close()]);
  });

  const call = (sandbox: TestSandbox, method: string, path: string, headers: Record<string, string> = {}) =>
    fetch(`${sandbox.url}${path}`, {
      method,
      headers: { ...headers, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
      body: method === 'POST' ? JSON.stringify({ advanceMs: 86_400_000 }) : undefined,
    });

  it('are off unless the server is started for tests', async () => {
    assert.equal(loadConfig({}).testHooks, false, 'npm start and a plain configuration have none');
    assert.equal(loadConfig({ CITYBRAIN_TEST_HOOKS: 'on' }).testHooks, true);
    const district = await plain.token('demo-district');
    for (const [method, path] of HOOKS) {
      const res = await call(plain, method, path, { authorization: `Bearer ${district}` });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    }
  });

  it('leave no effect counts in the database of a server without them', async () => {
    const res = await plain.api('/workorders', {
      method: 'POST',
      token: await plain.token('demo-district'),
      headers: { 'content-type': 'application/json', 'idempotency-key': 'hooks-off-effect' },
      body: JSON.stringify(workOrderBody()),
    });
    assert.equal(res.status, 201, await res.clone().text());
    assert.deepEqual(plain.ctx.db.prepare('SELECT key FROM write_effects').all(), []);
  });

  it('answer only the district administrator, also from an allowed origin', async () => {
    const town = await testing.token('demo-town-shishan');
    const district = await testing.token('demo-district');
    const before = testing.ctx.clock.now().getTime();
    for (const [method, path] of HOOKS) {
      assert.equal((await call(testing, method, path)).status, 401, `${method} ${path} anonymous`);
      assert.equal((await call(testing, method, path, { origin: 'http://localhost:5173' })).status, 401, `${method} ${path} cross-origin`);
      assert.equal((await call(testing, method, path, { authorization: 'Bearer forged.token' })).status, 401, `${method} ${path} forged`);
      assert.equal((await call(testing, method, path, { authorization: `Bearer ${town}` })).status, 403, `${method} ${path} town`);
    }
    assert.ok(Math.abs(testing.ctx.clock.now().getTime() - before) < 60_000, 'nobody but the administrator moved the clock');
    const stats = await call(testing, 'GET', '/__sandbox/stats', { authorization: `Bearer ${district}` });
    assert.equal(stats.status, 200);
    assert.deepEqual(Object.keys((await stats.json()) as object).sort(), ['effects', 'faults', 'simulation', 'unimplemented']);
  });
});
