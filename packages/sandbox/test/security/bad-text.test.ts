/**
 * Bad text is refused, never mangled: invalid UTF-8 in a body, an incomplete UTF-8 sequence or a
 * broken escape in the query are 400 problems naming the field or parameter, and nothing is stored.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { workOrderBody } from '../reliability/support.js';
import { startTestSandbox, type TestSandbox } from '../harness.js';

describe('bad text', () => {
  let sandbox: TestSandbox;
  let district: string;
  before(async () => {
    sandbox = await startTestSandbox();
    district = await sandbox.token('demo-district');
  });
  after(() => sandbox.close());

  const workOrderCount = () => (sandbox.ctx.db.prepare('SELECT count(*) AS n FROM work_orders').get() as { n: number }).n;

  async function problemFor(res: Response): Promise<{ errors: { name: string }[] }> {
    assert.equal(res.status, 400, await res.clone().text());
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    return (await res.json()) as { errors: { name: string }[] };
  }

  it('refuses invalid UTF-8 bytes in a JSON body instead of storing U+FFFD', async () => {
    const before = workOrderCount();
    const json = JSON.stringify({ ...workOrderBody(), title: 'TITLE-PLACEHOLDER 夜间施工' });
    const [head, tail] = json.split('TITLE-PLACEHOLDER');
    for (const bad of [Buffer.from([0xff]), Buffer.from([0xe4, 0xb8]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc0, 0xaf])]) {
      const body = Buffer.concat([Buffer.from(head!), bad, Buffer.from(tail!)]);
      const res = await sandbox.api('/workorders', { method: 'POST', token: district, headers: { 'content-type': 'application/json' }, body });
      assert.deepEqual((await problemFor(res)).errors.map((e) => e.name), ['body'], bad.toString('hex'));
    }
    assert.equal(workOrderCount(), before, 'nothing was stored');
  });

  it('refuses U+0000 in a JSON string or key on either store (PostgreSQL text cannot hold it), naming the field', async () => {
    const before = workOrderCount();
    for (const [body, name] of [
      [{ ...workOrderBody(), title: 'before\u0000after' }, 'body/title'],
      [{ ...workOrderBody(), reporter: { 'na\u0000me': '黄丽华', phone: '13760286620', anonymous: false, wantsReply: true } }, 'body/reporter/na\\u0000me'],
    ] as const) {
      const res = await sandbox.api('/workorders', { method: 'POST', token: district, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.deepEqual((await problemFor(res)).errors.map((e) => e.name), [name]);
    }
    assert.equal(workOrderCount(), before, 'nothing was stored');
  });

  it('refuses an incomplete UTF-8 sequence and a broken escape in the query, naming the parameter', async () => {
    for (const q of ['%E4%B8', '%zz', '%', 'a%2', '%00', '%ED%A0%80']) {
      const problem = await problemFor(await sandbox.api(`/gis/search?q=${q}`));
      assert.deepEqual(problem.errors.map((e) => e.name), ['query/q'], q);
    }
    assert.equal((await sandbox.api(`/gis/search?q=${encodeURIComponent('唐边')}`)).status, 200, 'good UTF-8 still passes');
  });

  it('refuses a broken escape in a form body', async () => {
    const res = await sandbox.api('/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=demo-district%zz&client_secret=demo-district-secret',
    });
    assert.deepEqual((await problemFor(res)).errors.map((e) => e.name), ['body/client_id']);
  });
});
